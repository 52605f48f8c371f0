// bench-replay: how fast the read models rebuild from the log. A ledger of
// N events is made by `csp-ledger run` on the bench-run workload; then, in
// this process, (a) a replay streams the log from the store, decodes every
// payload and folds it, and (b) the fold alone runs over events already
// decoded in memory; then (c) `csp-ledger audit replay` rebuilds the stored
// read models in the file, over the whole log and over its first half, so
// its peak memory shows whether it streams. Beside them, the store's bare
// read of the same log.
//
//   build/bin/bench-replay [--commands N] [--dir DIR] [--keep-ledger]
//                          [--baseline-bin OTHER --rounds N]

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/raw_sqlite.h"
#include "bench/workload.h"
#include "domain/event_codec.h"
#include "eventstore/sqlite/store.h"
#include "projections/read_models.h"

namespace {

using csp::bench::fail;
using csp::bench::monotonic_ns;
using csp::bench::seconds_between;

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

csp::domain::Event decoded(const csp::eventstore::StoredEvent& stored) {
  auto event = csp::domain::decode_payload(stored.event_type, stored.schema_version, stored.payload);
  if (!event) fail("position " + std::to_string(stored.position) + ": " + event.error().message);
  return std::move(event).value();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench-replay: rebuilding the read models from the log"};
  long commands = 1'000'000;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--commands", commands, "commands run to make the ledger")->check(CLI::Range(1000L, 50'000'000L));
  app.add_option("--dir", dir, "where the scratch files go")->check(CLI::ExistingDirectory);
  std::string ledger_bin = CSP_LEDGER_BIN;
  app.add_option("--ledger-bin", ledger_bin, "the csp-ledger whose rebuild is measured, to compare two builds")
      ->capture_default_str()
      ->check(CLI::ExistingFile);
  std::string baseline_bin;
  app.add_option("--baseline-bin", baseline_bin,
                 "another csp-ledger (a build from before a change): it makes its own ledger of the same commands and "
                 "rebuilds it, in alternating rounds with the measured one; the summary gives the ratio of the medians")
      ->check(CLI::ExistingFile);
  int rounds = 1;
  app.add_option("--rounds", rounds, "whole rebuilds of each ledger; the rebuild figures are medians")
      ->check(CLI::Range(1, 99));
  bool keeps_ledger = false;
  app.add_flag("--keep-ledger", keeps_ledger, "leave the ledger made in DIR, to profile a rebuild of it");
  CLI11_PARSE(app, argc, argv);

  const std::string base = (std::filesystem::path(dir) / ("bench-replay-" + std::to_string(getpid()))).string();
  const std::string workload = base + ".jsonl";
  const std::string ledger = base + ".db";
  (void)csp::bench::write_workload(workload, commands);
  if (csp::bench::run_child({CSP_LEDGER_BIN, "--db", ledger, "init", "--admin", "alice@partner.example"}).status != 0) {
    fail("init failed");
  }
  if (csp::bench::run_child({CSP_LEDGER_BIN, "--db", ledger, "run", workload}).status != 0) fail("run failed");

  auto store = csp::eventstore::open_sqlite_store(ledger, csp::eventstore::SqliteOptions{[] { return std::int64_t{0}; }});
  if (!store) fail(store.error().message);
  auto head = (*store)->head();
  if (!head) fail(head.error().message);
  const std::int64_t events_total = head->position;
  // The rebuilds run first, while this process is small: a child's peak
  // memory counts what it shares with its parent until exec. Each child
  // does the whole command: open, rebuild, swap, commit.
  const auto half = std::to_string(events_total / 2);
  const csp::bench::ChildRun rebuild_half =
      csp::bench::run_child({ledger_bin, "--db", ledger, "audit", "replay", "--until", half, "--yes"});
  if (rebuild_half.status != 0) fail("audit replay failed");
  const std::string baseline_ledger = base + "-baseline.db";
  if (!baseline_bin.empty()) {
    if (csp::bench::run_child({baseline_bin, "--db", baseline_ledger, "init", "--admin", "alice@partner.example"}).status != 0 ||
        csp::bench::run_child({baseline_bin, "--db", baseline_ledger, "run", workload}).status != 0) {
      fail(baseline_bin + " could not make its ledger");
    }
  }
  std::vector<double> rebuild_seconds;
  long rebuild_peak_kib = 0;  // the highest of the rounds
  std::vector<double> baseline_seconds;
  for (int round = 0; round < rounds; ++round) {
    // Alternating which goes first spreads a drift of the machine over both.
    const auto rebuild_baseline = [&] {
      const auto run = csp::bench::run_child({baseline_bin, "--db", baseline_ledger, "audit", "replay"});
      if (run.status != 0) fail("the baseline's audit replay failed");
      baseline_seconds.push_back(run.seconds);
    };
    if (!baseline_bin.empty() && round % 2 == 1) rebuild_baseline();
    const auto rebuild = csp::bench::run_child({ledger_bin, "--db", ledger, "audit", "replay"});
    if (rebuild.status != 0) fail("audit replay failed");
    rebuild_seconds.push_back(rebuild.seconds);
    rebuild_peak_kib = std::max(rebuild_peak_kib, rebuild.peak_kib);
    if (!baseline_bin.empty() && round % 2 == 0) rebuild_baseline();
  }
  const double rebuild_rate = static_cast<double>(events_total) / csp::bench::median(rebuild_seconds);

  const long rss_before = peak_rss_kib();

  std::int64_t read_count = 0;
  std::int64_t start = monotonic_ns();
  if (!(*store)->for_each(1, [&](const csp::eventstore::StoredEvent&) { return ++read_count > 0; })) fail("read failed");
  const double read_rate = static_cast<double>(read_count) / seconds_between(start, monotonic_ns());

  csp::projections::ReadModels replayed;
  start = monotonic_ns();
  if (!(*store)->for_each(1, [&](const csp::eventstore::StoredEvent& stored) {
        replayed.apply(decoded(stored), stored.position);
        return true;
      })) {
    fail("replay failed");
  }
  const double replay_rate = static_cast<double>(read_count) / seconds_between(start, monotonic_ns());
  const long rss_after_replay = peak_rss_kib();

  std::vector<csp::domain::Event> events;
  events.reserve(static_cast<std::size_t>(read_count));
  if (!(*store)->for_each(1, [&](const csp::eventstore::StoredEvent& stored) {
        events.push_back(decoded(stored));
        return true;
      })) {
    fail("read failed");
  }
  csp::projections::ReadModels folded;
  start = monotonic_ns();
  std::int64_t position = 0;
  for (const auto& event : events) folded.apply(event, ++position);
  const double fold_rate = static_cast<double>(events.size()) / seconds_between(start, monotonic_ns());
  if (folded.links().size() != replayed.links().size()) fail("the two folds disagree");

  std::printf("bench-replay: %lld events (%zu subscriptions, %zu links)\n", static_cast<long long>(read_count),
              replayed.subscriptions().size(), replayed.links().size());
  std::printf("store read alone                %10.0f events/s\n", read_rate);
  std::printf("replay: read + decode + fold    %10.0f events/s  (%.2f x the bare read; peak memory grew %.1f MiB)\n",
              replay_rate, replay_rate / read_rate, static_cast<double>(rss_after_replay - rss_before) / 1024.0);
  std::printf("fold of decoded events          %10.0f events/s\n", fold_rate);
  std::printf("rebuild into the stored models %10.0f events/s  (%.2f x the bare read; whole command, %.2f s)\n",
              rebuild_rate, rebuild_rate / read_rate, csp::bench::median(rebuild_seconds));
  std::printf("rebuild peak memory             %10.1f MiB for %lld events, %.1f MiB for %s\n",
              static_cast<double>(rebuild_peak_kib) / 1024.0, static_cast<long long>(read_count),
              static_cast<double>(rebuild_half.peak_kib) / 1024.0, half.c_str());
  std::printf("replay-bench: events=%lld replay=%.0f events/s fold=%.0f events/s read=%.0f events/s rebuild=%.0f events/s "
              "rebuild_peak=%.1f MiB (%.1f MiB at half the log)\n",
              static_cast<long long>(read_count), replay_rate, fold_rate, read_rate, rebuild_rate,
              static_cast<double>(rebuild_peak_kib) / 1024.0, static_cast<double>(rebuild_half.peak_kib) / 1024.0);
  if (!baseline_bin.empty()) {
    const double baseline_rate = static_cast<double>(events_total) / csp::bench::median(baseline_seconds);
    std::printf("rebuild, baseline build         %10.0f events/s  (median of %d)\n", baseline_rate, rounds);
    std::printf("rebuild-vs-baseline: events=%lld rebuild=%.0f baseline=%.0f events/s ratio=%.3f x baseline (%s)\n",
                static_cast<long long>(events_total), rebuild_rate, baseline_rate, rebuild_rate / baseline_rate,
                baseline_bin.c_str());
    for (const char* suffix : {"", "-wal", "-shm", ".key"}) std::filesystem::remove(baseline_ledger + suffix);
  }
  store = csp::eventstore::StoreError{};
  std::filesystem::remove(workload);
  if (keeps_ledger) {
    std::printf("the ledger stays at %s\n", ledger.c_str());
    return 0;
  }
  for (const char* suffix : {"", "-wal", "-shm", ".key"}) std::filesystem::remove(ledger + suffix);
  return 0;
}
