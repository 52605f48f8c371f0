#pragma once
// The PostgreSQL backend: the log in a PostgreSQL database, shared by every
// process and server node that opens it (FORMAT.md, "The PostgreSQL
// backend"). A ledger is the set of csp-ledger tables in the database (and
// schema) the connection string names.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "eventstore/store.h"

namespace csp::eventstore {

struct PostgresOptions {
  // Recorded time (L2), microseconds since 1970; the store never reads a
  // clock itself.
  std::function<std::int64_t()> clock_us;
};

// Creates the ledger's tables in an empty database. `already_exists` when a
// ledger is there; `not_a_ledger` when the database holds tables of another
// application; on any failure nothing is left behind.
StoreResult<std::unique_ptr<EventStore>> create_postgres_store(const std::string& conninfo, PostgresOptions options);

// Opens an existing ledger. `not_found` (no ledger in that database),
// `not_a_ledger`, `newer_format` or `io` (unreachable, refused login) leave
// the database exactly as it was.
StoreResult<std::unique_ptr<EventStore>> open_postgres_store(const std::string& conninfo, PostgresOptions options);

// Drops a ledger's tables, as after a failed init or import; what is not
// there is no error.
void remove_postgres_store(const std::string& conninfo);

}  // namespace csp::eventstore
