// bench-run: `csp-ledger run` on a generated file of commands (mostly
// downloads, with customers, purchases and link issues), measured as a
// child process for its rate and peak memory, beside raw SQLite inserts of
// the same number of rows in the same run.
//
//   build/bin/bench-run [--commands N] [--dir DIR]

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/raw_sqlite.h"

namespace {

using csp::bench::fail;
using csp::bench::monotonic_ns;
using csp::bench::seconds_between;

const std::string admin = "alice@partner.example";

std::string uuid_from(std::int64_t kind, std::int64_t serial) {
  char text[64];
  std::snprintf(text, sizeof text, "%08llx-0000-4000-8000-%012llx", static_cast<unsigned long long>(kind),
                static_cast<unsigned long long>(serial));
  return text;
}

// One customer per 1,000 commands, one subscription (and its link) per 50;
// the rest are downloads spread evenly, at most 50 per link (R5).
std::int64_t write_workload(const std::string& path, std::int64_t commands) {
  std::ofstream out(path);
  const std::int64_t customers = std::max<std::int64_t>(10, commands / 1000);
  const std::int64_t subscriptions = std::max<std::int64_t>(10, commands / 50);
  std::int64_t written = 0;
  for (std::int64_t c = 0; c < customers; ++c, ++written) {
    out << nlohmann::json{{"command", "RegisterCustomer"}, {"actor", admin}, {"tenant", uuid_from(1, c)},
                          {"domain", "customer" + std::to_string(c) + ".onmicrosoft.com"}, {"market", "JP"}}.dump()
        << "\n";
  }
  for (std::int64_t s = 0; s < subscriptions; ++s, written += 2) {
    out << nlohmann::json{{"command", "PurchaseSoftware"}, {"actor", admin}, {"customer", uuid_from(1, s % customers)},
                          {"product", "windows-server-2022-datacenter"}, {"quantity", 1}, {"unit_price", "100.00"},
                          {"currency", "USD"}, {"subscription_id", uuid_from(2, s)}}.dump()
        << "\n";
    out << nlohmann::json{{"command", "IssueDownloadLink"}, {"actor", admin}, {"subscription", uuid_from(2, s)},
                          {"version", "2022"}, {"language", "en-us"}, {"file_type", "iso"}, {"link_id", uuid_from(3, s)}}
               .dump()
        << "\n";
  }
  for (std::int64_t d = 0; written < commands; ++d, ++written) {
    out << nlohmann::json{{"command", "RecordDownload"}, {"actor", "user@customer.example"},
                          {"link", uuid_from(3, d % subscriptions)}}.dump()
        << "\n";
  }
  return written;
}

struct ChildRun {
  int status = -1;
  double seconds = 0;
  long peak_kib = 0;
};

ChildRun run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const std::int64_t start = monotonic_ns();
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) fail("fork failed");
  if (child == 0) {
    if (std::freopen("/dev/null", "w", stdout) == nullptr) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(child, &status, 0, &usage) != child) fail("wait4 failed");
  return ChildRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, seconds_between(start, monotonic_ns()), usage.ru_maxrss};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench-run: csp-ledger run throughput and peak memory against raw SQLite inserts"};
  std::int64_t commands = 1'000'000;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--commands", commands, "commands in the generated file")->check(CLI::Range(1000, 50'000'000));
  app.add_option("--dir", dir, "where the scratch files go")->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);

  const std::string base = (std::filesystem::path(dir) / ("bench-run-" + std::to_string(getpid()))).string();
  const std::string workload = base + ".jsonl";
  const std::string ledger = base + ".db";
  const auto remove_files = [&] {
    for (const std::string& path : {workload, ledger, base + "-raw.db"}) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
  };
  remove_files();
  const std::int64_t written = write_workload(workload, commands);
  std::printf("bench-run: %lld commands (%lld customers, %lld purchases, %lld link issues, the rest downloads)\n",
              static_cast<long long>(written), static_cast<long long>(std::max<std::int64_t>(10, commands / 1000)),
              static_cast<long long>(std::max<std::int64_t>(10, commands / 50)),
              static_cast<long long>(std::max<std::int64_t>(10, commands / 50)));

  const ChildRun init = run_child({CSP_LEDGER_BIN, "--db", ledger, "init", "--admin", admin});
  if (init.status != 0) fail("csp-ledger init failed");
  const ChildRun run = run_child({CSP_LEDGER_BIN, "--db", ledger, "run", workload});
  if (run.status != 0) fail("csp-ledger run exited with " + std::to_string(run.status) + ": some commands failed");
  const double rate = static_cast<double>(written) / run.seconds;
  const csp::bench::Rate raw = csp::bench::raw_inserts(base + "-raw.db", written, 1000);
  const double peak_mib = static_cast<double>(run.peak_kib) / 1024.0;
  std::printf("csp-ledger run                 %10.0f commands/s  (%.2f s, peak memory %.1f MiB)\n", rate, run.seconds,
              peak_mib);
  std::printf("raw SQLite inserts, same rows  %10.0f rows/s      (1,000 per transaction)\n", raw.events_per_second);
  std::printf("run-bench: commands=%lld rate=%.0f commands/s peak=%.1f MiB raw=%.0f rows/s (%.2f x raw)\n",
              static_cast<long long>(written), rate, peak_mib, raw.events_per_second, rate / raw.events_per_second);
  remove_files();
  return 0;
}
