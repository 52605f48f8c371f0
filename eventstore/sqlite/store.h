#pragma once
// The embedded default backend: one SQLite file in WAL mode, laid out as
// FORMAT.md says.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "eventstore/store.h"

namespace csp::eventstore {

struct SqliteOptions {
  // Recorded time (L2), microseconds since 1970. The store never reads a
  // clock itself; the caller passes one in.
  std::function<std::int64_t()> clock_us;
  // How long a writer waits for another process's transaction to finish.
  std::chrono::milliseconds busy_timeout{10'000};
};

// Creates a new, empty ledger file. `already_exists` when anything is at the
// path; on any failure nothing is left behind.
StoreResult<std::unique_ptr<EventStore>> create_sqlite_store(const std::string& path, SqliteOptions options);

// Deletes a ledger file and its WAL companions, as after a failed create or
// import; what is not there is no error.
void remove_sqlite_store_files(const std::string& path);

// Opens an existing ledger file. `not_found`, `not_a_ledger`,
// `newer_format` or `corrupt` leave the file exactly as it was.
StoreResult<std::unique_ptr<EventStore>> open_sqlite_store(const std::string& path, SqliteOptions options);

}  // namespace csp::eventstore
