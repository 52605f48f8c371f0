// bench-run: `csp-ledger run` on a generated file of commands (mostly
// downloads, with customers, purchases and link issues), measured as a
// child process for its rate and peak memory, beside raw SQLite inserts of
// the same number of rows in the same run.
//
//   build/bin/bench-run [--commands N] [--dir DIR] [--mix downloads|keys]
//                       [--baseline-bin OTHER --rounds N]

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
using csp::bench::median;
using csp::bench::run_child;

const std::string admin = "alice@partner.example";

// One csp-ledger's run of the file on a fresh ledger.
csp::bench::ChildRun run_on_fresh_ledger(const std::string& ledger_bin, const std::string& ledger,
                                         const std::string& workload) {
  for (const char* suffix : {"", "-wal", "-shm", ".key"}) std::filesystem::remove(ledger + suffix);
  if (run_child({ledger_bin, "--db", ledger, "init", "--admin", admin}).status != 0) fail(ledger_bin + " init failed");
  const csp::bench::ChildRun run = run_child({ledger_bin, "--db", ledger, "run", workload});
  if (run.status != 0) fail(ledger_bin + " run exited with " + std::to_string(run.status) + ": some commands failed");
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench-run: csp-ledger run throughput and peak memory against raw SQLite inserts"};
  std::int64_t commands = 1'000'000;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--commands", commands, "commands in the generated file")->check(CLI::Range(1000, 50'000'000));
  app.add_option("--dir", dir, "where the scratch files go")->check(CLI::ExistingDirectory);
  std::string ledger_bin = CSP_LEDGER_BIN;
  app.add_option("--ledger-bin", ledger_bin, "the csp-ledger to measure")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  std::string baseline_bin;
  app.add_option("--baseline-bin", baseline_bin,
                 "another csp-ledger (a build from before a change) run on the same file in alternating rounds; the "
                 "summary gives the ratio of the medians")
      ->check(CLI::ExistingFile);
  int rounds = 1;
  app.add_option("--rounds", rounds, "runs of each csp-ledger; the figures are medians")->check(CLI::Range(1, 99));
  std::string mix = "downloads";
  app.add_option("--mix", mix,
                 "downloads: mostly downloads, with customers, purchases and link issues; keys: purchases and link "
                 "issues only, half the commands sealing a product key")
      ->check(CLI::IsMember({"downloads", "keys"}))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const std::string base = (std::filesystem::path(dir) / ("bench-run-" + std::to_string(getpid()))).string();
  const std::string workload = base + ".jsonl";
  const std::string ledger = base + ".db";
  const auto remove_files = [&] {
    std::filesystem::remove(workload);
    for (const std::string& path : {ledger, base + "-raw.db"}) {
      for (const char* suffix : {"", "-wal", "-shm", ".key"}) std::filesystem::remove(path + suffix);
    }
  };
  remove_files();
  const csp::bench::WorkloadShape shape =
      mix == "keys" ? csp::bench::write_key_issues(workload, commands) : csp::bench::write_workload(workload, commands);
  const std::int64_t written = shape.commands;
  std::printf("bench-run: %lld commands (%lld customers, %lld purchases, %lld link issues, the rest downloads)\n",
              static_cast<long long>(written), static_cast<long long>(shape.customers),
              static_cast<long long>(shape.subscriptions), static_cast<long long>(shape.subscriptions));

  std::vector<double> seconds;
  std::vector<double> peaks_mib;
  std::vector<double> baseline_seconds;
  for (int round = 0; round < rounds; ++round) {
    // Alternating which goes first spreads a drift of the machine over both.
    const bool baseline_first = !baseline_bin.empty() && round % 2 == 1;
    if (baseline_first) baseline_seconds.push_back(run_on_fresh_ledger(baseline_bin, ledger, workload).seconds);
    const csp::bench::ChildRun run = run_on_fresh_ledger(ledger_bin, ledger, workload);
    seconds.push_back(run.seconds);
    peaks_mib.push_back(static_cast<double>(run.peak_kib) / 1024.0);
    if (!baseline_bin.empty() && !baseline_first) {
      baseline_seconds.push_back(run_on_fresh_ledger(baseline_bin, ledger, workload).seconds);
    }
  }
  const double rate = static_cast<double>(written) / median(seconds);
  const double peak_mib = median(peaks_mib);
  const csp::bench::Rate raw = csp::bench::raw_inserts(base + "-raw.db", written, 1000);
  std::printf("csp-ledger run                 %10.0f commands/s  (median of %d: %.2f s, peak memory %.1f MiB)\n", rate,
              rounds, median(seconds), peak_mib);
  if (!baseline_bin.empty()) {
    const double baseline_rate = static_cast<double>(written) / median(baseline_seconds);
    std::printf("baseline %-21s %10.0f commands/s  (median of %d: %.2f s)\n", "csp-ledger run", baseline_rate, rounds,
                median(baseline_seconds));
    std::printf("run-vs-baseline: mix=%s commands=%lld rate=%.0f baseline=%.0f commands/s ratio=%.3f x baseline (%s)\n",
                mix.c_str(), static_cast<long long>(written), rate, baseline_rate, rate / baseline_rate,
                baseline_bin.c_str());
  }
  std::printf("raw SQLite inserts, same rows  %10.0f rows/s      (1,000 per transaction)\n", raw.events_per_second);
  std::printf("run-bench: commands=%lld rate=%.0f commands/s peak=%.1f MiB raw=%.0f rows/s (%.2f x raw)\n",
              static_cast<long long>(written), rate, peak_mib, raw.events_per_second, rate / raw.events_per_second);
  remove_files();
  return 0;
}
