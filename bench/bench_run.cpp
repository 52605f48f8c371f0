// bench-run: `csp-ledger run` on a generated file of commands (mostly
// downloads, with customers, purchases and link issues), measured as a
// child process for its rate and peak memory, beside raw SQLite inserts of
// the same number of rows in the same run.
//
//   build/bin/bench-run [--commands N] [--dir DIR]

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/raw_sqlite.h"
#include "bench/workload.h"

namespace {

using csp::bench::fail;
using csp::bench::run_child;

const std::string admin = "alice@partner.example";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench-run: csp-ledger run throughput and peak memory against raw SQLite inserts"};
  std::int64_t commands = 1'000'000;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--commands", commands, "commands in the generated file")->check(CLI::Range(1000, 50'000'000));
  app.add_option("--dir", dir, "where the scratch files go")->check(CLI::ExistingDirectory);
  std::string ledger_bin = CSP_LEDGER_BIN;
  app.add_option("--ledger-bin", ledger_bin, "the csp-ledger to measure, to compare two builds in alternating runs")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
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
  const csp::bench::WorkloadShape shape = csp::bench::write_workload(workload, commands);
  const std::int64_t written = shape.commands;
  std::printf("bench-run: %lld commands (%lld customers, %lld purchases, %lld link issues, the rest downloads)\n",
              static_cast<long long>(written), static_cast<long long>(shape.customers),
              static_cast<long long>(shape.subscriptions), static_cast<long long>(shape.subscriptions));

  const csp::bench::ChildRun init = run_child({ledger_bin, "--db", ledger, "init", "--admin", admin});
  if (init.status != 0) fail("csp-ledger init failed");
  const csp::bench::ChildRun run = run_child({ledger_bin, "--db", ledger, "run", workload});
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
