// bench-store: append and read throughput of the SQLite event store, beside
// raw SQLite inserts of rows of the same size with the same settings (the
// limit the store can approach), measured in the same run.
//
//   build/bin/bench-store [--events N] [--single-events M] [--dir DIR]

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/raw_sqlite.h"
#include "eventstore/sqlite/store.h"

namespace {

using namespace csp::eventstore;
using csp::bench::fail;
using csp::bench::payload_bytes;
using csp::bench::Rate;
using csp::bench::raw_inserts;
using csp::bench::stream_count;
using Clock = std::chrono::steady_clock;

constexpr int batch_events = 1'000;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
  return values[values.size() / 2];
}

std::string payload_for(std::mt19937_64& random) {
  std::string payload(payload_bytes, '\0');
  for (auto& byte : payload) byte = static_cast<char>(random() & 0xFF);
  return payload;
}

std::int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- the event store --------------------------------------------------------

struct Workload {
  std::vector<std::int64_t> versions = std::vector<std::int64_t>(stream_count, 0);
  std::int64_t next_command = 1;

  AppendRequest next(const std::string& payload) {
    const std::int64_t command = next_command++;
    const int stream = static_cast<int>(command % stream_count);
    // No caller id: like most back-office commands, these need no
    // idempotency key, and the store names them by position.
    AppendRequest request{std::string(),
                          {StreamWrite{"subscription-" + std::to_string(stream), versions[static_cast<std::size_t>(stream)],
                                       {NewEvent{"DownloadRecorded", 1, payload, "user@customer.example", "", wall_clock_us()}}}}};
    ++versions[static_cast<std::size_t>(stream)];
    return request;
  }
};

std::unique_ptr<EventStore> fresh_store(const std::string& path) {
  auto store = create_sqlite_store(path, SqliteOptions{wall_clock_us});
  if (!store) fail(store.error().message);
  return std::move(store).value();
}

Rate store_appends(EventStore& store, std::int64_t count, int per_transaction, std::mt19937_64& random) {
  Workload workload;
  std::vector<std::string> payloads;
  for (int i = 0; i < 64; ++i) payloads.push_back(payload_for(random));
  std::vector<double> transaction_ms;
  const auto start = Clock::now();
  for (std::int64_t done = 0; done < count;) {
    const auto transaction_start = Clock::now();
    auto batch = store.begin_batch();
    if (!batch) fail(batch.error().message);
    for (int i = 0; i < per_transaction && done < count; ++i, ++done) {
      auto outcome = (*batch)->append(workload.next(payloads[static_cast<std::size_t>(done % 64)]));
      if (!outcome) fail(outcome.error().message);
    }
    if (auto committed = (*batch)->commit(); !committed) fail(committed.error().message);
    transaction_ms.push_back(seconds_since(transaction_start) * 1000);
  }
  return Rate{static_cast<double>(count) / seconds_since(start), median(transaction_ms)};
}

double full_read(EventStore& store, std::int64_t expected) {
  std::int64_t seen = 0;
  const auto start = Clock::now();
  auto status = store.for_each(1, [&](const StoredEvent& event) {
    seen += event.payload.empty() ? 0 : 1;
    return true;
  });
  const double elapsed = seconds_since(start);
  if (!status) fail(status.error().message);
  if (seen != expected) fail("read " + std::to_string(seen) + " events, expected " + std::to_string(expected));
  return static_cast<double>(seen) / elapsed;
}

std::uintmax_t bytes_on_disk(const std::string& path) {
  std::uintmax_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path + suffix, error);
    if (!error) total += size;
  }
  return total;
}

void print_rate(const char* what, std::int64_t count, const Rate& store, const Rate& raw) {
  std::printf("%-34s %9lld events  store %10.0f ev/s (median tx %7.2f ms)  raw %10.0f ev/s (median tx %7.2f ms)  "
              "ratio %.2f\n",
              what, static_cast<long long>(count), store.events_per_second, store.median_ms, raw.events_per_second,
              raw.median_ms, store.events_per_second / raw.events_per_second);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench-store: event store append/read throughput against raw SQLite inserts"};
  std::int64_t events = 1'000'000;
  std::int64_t single_events = 2'000;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--events", events, "events appended in batches of 1,000 (and read back)")->check(CLI::Range(1000, 100'000'000));
  app.add_option("--single-events", single_events,
                 "events appended one durable transaction each (each pays an fsync, so fewer)")
      ->check(CLI::Range(10, 1'000'000));
  app.add_option("--dir", dir, "where the scratch files go")->check(CLI::ExistingDirectory);
  CLI11_PARSE(app, argc, argv);

  const std::string base = (std::filesystem::path(dir) / ("bench-store-" + std::to_string(getpid()))).string();
  const auto remove_files = [&] {
    for (const char* name : {"-raw-batched.db", "-raw-indexed.db", "-store-batched.db", "-raw-single.db",
                             "-store-single.db"}) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(base + name + suffix);
    }
  };
  remove_files();
  std::mt19937_64 random(20261127);

  std::printf("bench-store: %lld events of %zu-byte payloads over %d streams; %lld single durable appends\n",
              static_cast<long long>(events), payload_bytes, stream_count, static_cast<long long>(single_events));
  const Rate raw_batched = raw_inserts(base + "-raw-batched.db", events, batch_events);
  auto batched_store = fresh_store(base + "-store-batched.db");
  const Rate store_batched = store_appends(*batched_store, events, batch_events, random);
  print_rate("batched (1,000 events/transaction)", events, store_batched, raw_batched);
  const Rate raw_indexed = raw_inserts(base + "-raw-indexed.db", events, batch_events, true);
  print_rate("  beside raw rows with the same index", events, store_batched, raw_indexed);

  const Rate raw_single = raw_inserts(base + "-raw-single.db", single_events, 1);
  auto single_store = fresh_store(base + "-store-single.db");
  const Rate store_single = store_appends(*single_store, single_events, 1, random);
  print_rate("single (1 durable transaction each)", single_events, store_single, raw_single);

  const double read_rate = full_read(*batched_store, events);
  std::printf("full read of the log               %9lld events  %10.0f ev/s\n", static_cast<long long>(events), read_rate);
  batched_store.reset();
  const double disk_per_event = static_cast<double>(bytes_on_disk(base + "-store-batched.db")) / static_cast<double>(events);
  const double raw_disk_per_event = static_cast<double>(bytes_on_disk(base + "-raw-batched.db")) / static_cast<double>(events);
  std::printf("disk                               %9.0f bytes/event (raw rows: %.0f bytes/event)\n", disk_per_event,
              raw_disk_per_event);
  std::printf("store-bench: events=%lld batched=%.0f ev/s (%.2f x raw with the same index, %.2f x raw unindexed) "
              "single=%.0f ev/s (%.2f x raw) read=%.0f ev/s disk=%.0f bytes/event\n",
              static_cast<long long>(events), store_batched.events_per_second,
              store_batched.events_per_second / raw_indexed.events_per_second,
              store_batched.events_per_second / raw_batched.events_per_second, store_single.events_per_second,
              store_single.events_per_second / raw_single.events_per_second, read_rate, disk_per_event);
  remove_files();
  return 0;
}
