#include "bench/raw_sqlite.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <vector>

namespace csp::bench {
namespace {

std::int64_t wall_clock_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
  return values[values.size() / 2];
}

class RawTable {
 public:
  RawTable(const std::string& path, bool has_stream_index) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) fail("cannot open " + path);
    exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
         "PRAGMA wal_autocheckpoint=16384;"
         "CREATE TABLE raw(position INTEGER PRIMARY KEY, stream INTEGER, version INTEGER, business_time INTEGER,"
         " recorded_time INTEGER, payload BLOB, hash BLOB);");
    if (has_stream_index) exec("CREATE UNIQUE INDEX raw_by_stream ON raw(stream, version);");
    sqlite3_prepare_v2(db_, "INSERT INTO raw VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &insert_, nullptr);
  }
  ~RawTable() {
    sqlite3_finalize(insert_);
    sqlite3_close(db_);
  }
  RawTable(const RawTable&) = delete;
  RawTable& operator=(const RawTable&) = delete;

  void exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sqlite3_errmsg(db_));
  }

  void row(std::int64_t position, const std::string& payload, const std::string& hash) {
    sqlite3_reset(insert_);
    sqlite3_bind_int64(insert_, 1, position);
    sqlite3_bind_int64(insert_, 2, position % stream_count);
    sqlite3_bind_int64(insert_, 3, position / stream_count);
    sqlite3_bind_int64(insert_, 4, wall_clock_us());
    sqlite3_bind_int64(insert_, 5, wall_clock_us());
    sqlite3_bind_blob(insert_, 6, payload.data(), static_cast<int>(payload.size()), SQLITE_STATIC);
    sqlite3_bind_blob(insert_, 7, hash.data(), static_cast<int>(hash.size()), SQLITE_STATIC);
    if (sqlite3_step(insert_) != SQLITE_DONE) fail(sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
};

}  // namespace

std::int64_t monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double seconds_between(std::int64_t start_ns, std::int64_t end_ns) {
  return static_cast<double>(end_ns - start_ns) / 1e9;
}

void fail(const std::string& what) {
  std::cerr << "bench: " << what << "\n";
  std::exit(1);
}

Rate raw_inserts(const std::string& path, std::int64_t count, int per_transaction, bool has_stream_index) {
  RawTable table(path, has_stream_index);
  const std::string payload(payload_bytes, 'p');
  const std::string hash(32, 'h');
  std::vector<double> transaction_ms;
  const std::int64_t start = monotonic_ns();
  for (std::int64_t position = 1; position <= count;) {
    const std::int64_t transaction_start = monotonic_ns();
    table.exec("BEGIN");
    for (int i = 0; i < per_transaction && position <= count; ++i) table.row(position++, payload, hash);
    table.exec("COMMIT");
    transaction_ms.push_back(seconds_between(transaction_start, monotonic_ns()) * 1000);
  }
  return Rate{static_cast<double>(count) / seconds_between(start, monotonic_ns()), median(transaction_ms)};
}

}  // namespace csp::bench
