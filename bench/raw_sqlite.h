#pragma once
// The same-run baseline of every benchmark here: raw SQLite inserts of rows
// the size of a stored event, with the store's settings (WAL,
// synchronous=FULL), one table, nothing else.

#include <cstdint>
#include <string>

namespace csp::bench {

struct Rate {
  double events_per_second = 0;
  double median_ms = 0;  // per transaction
};

inline constexpr std::size_t payload_bytes = 150;
inline constexpr int stream_count = 10'000;

// Inserts `count` rows, `per_transaction` per transaction, into a new file
// at `path`. With `has_stream_index`, the table also carries the
// UNIQUE(stream, version) index a log that enforces L4 must keep.
Rate raw_inserts(const std::string& path, std::int64_t count, int per_transaction, bool has_stream_index = false);

double seconds_between(std::int64_t start_ns, std::int64_t end_ns);
std::int64_t monotonic_ns();
[[noreturn]] void fail(const std::string& what);

}  // namespace csp::bench
