#pragma once
// The SQL seam the stored read models write through: the connection under a
// store, so that rows commit in the store's own transactions, whatever the
// backend. Each backend (SQLite, PostgreSQL) implements it once; the
// projection logic above it is written once.
//
// SQL given here uses `?1`, `?2`, ... for parameters and the small common
// subset of SQL both databases speak (CREATE TABLE, INSERT ... ON CONFLICT
// DO UPDATE, UPDATE, SELECT, DROP TABLE IF EXISTS, ALTER TABLE ... RENAME);
// what differs is asked of the session (`dialect()`, `count_tables`).
//
// Threading and lifetime: the session belongs to its store: same thread,
// same lifetime.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/store_error.h"

namespace csp::eventstore {
class EventStore;
}

namespace csp::eventstore::sql {

enum class Dialect { sqlite, postgres };

// A prepared statement, kept and reused: reset() before binding again.
// Parameters count from 1, columns from 0. Bound text is not copied: it
// must stay valid while the statement is stepped, until the next reset.
class Statement {
 public:
  virtual ~Statement() = default;

  virtual Statement& reset() = 0;
  virtual Statement& bind(int index, std::int64_t value) = 0;
  virtual Statement& bind(int index, std::string_view text) = 0;
  virtual Statement& bind_null(int index) = 0;

  // true: a row is ready; false: done. Errors carry `doing` in their message.
  virtual StoreResult<bool> step(std::string_view doing) = 0;
  // Steps a statement that returns no rows.
  virtual StoreStatus run(std::string_view doing) = 0;

  virtual std::int64_t integer(int column) const = 0;
  virtual bool is_null(int column) const = 0;
  virtual bool is_integer(int column) const = 0;
  // A view valid until the next step or reset.
  virtual std::string_view text(int column) const = 0;
};

class Session {
 public:
  virtual ~Session() = default;

  virtual Dialect dialect() const = 0;
  // Runs SQL that returns no rows; several statements separated by ';'.
  virtual StoreStatus exec(const std::string& sql, std::string_view doing) = 0;
  virtual StoreResult<std::unique_ptr<Statement>> prepare(const std::string& sql) = 0;
  // True inside a write transaction of the store (a batch is open).
  virtual bool is_in_write_transaction() const = 0;
  // How many of these tables exist (in the ledger's schema).
  virtual StoreResult<std::size_t> count_tables(const std::vector<std::string>& names) = 0;

  // One consistent snapshot of the whole ledger for reads between begin and
  // end; nests inside a write batch (then it sees the batch's own writes).
  virtual StoreStatus begin_read_snapshot() = 0;
  virtual void end_read_snapshot() = 0;
};

// The session under a store, or nullptr for a store that has none.
Session* session_of(EventStore& store);

}  // namespace csp::eventstore::sql
