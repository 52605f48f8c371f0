#pragma once
// RAII over SQLite's C API: a connection and reusable prepared statements.
// Failures come back as StoreError with SQLite's own message attached.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "eventstore/store_error.h"

namespace csp::eventstore::sqlite {

StoreError error_from(sqlite3* db, int code, std::string_view doing);
// Runs SQL that returns no rows on a connection owned elsewhere.
StoreStatus exec(sqlite3* db, const std::string& sql, std::string_view doing);

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  static StoreResult<Connection> open(const std::string& path, int flags);

  sqlite3* handle() const { return db_; }
  // Runs SQL that returns no rows (DDL, pragmas, BEGIN/COMMIT).
  StoreStatus exec(const char* sql, std::string_view doing);
  // Runs a query whose first column of the first row is an integer.
  StoreResult<std::int64_t> query_integer(const char* sql, std::string_view doing);

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

// A prepared statement, reset before every use and kept for the connection's
// life. Column and parameter indexes are SQLite's: parameters from 1,
// columns from 0.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  static StoreResult<Statement> prepare(sqlite3* db, const char* sql);

  Statement& reset();
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, std::string_view bytes);
  Statement& bind_null(int index);

  // true: a row is ready; false: done. Errors carry `doing` in their message.
  StoreResult<bool> step(std::string_view doing);
  // Steps a statement that returns no rows.
  StoreStatus run(std::string_view doing);

  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  bool is_integer(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_INTEGER; }
  // Views into SQLite's buffer: valid until the next step or reset.
  std::string_view text(int column) const;
  std::string_view blob(int column) const;

 private:
  sqlite3_stmt* statement_ = nullptr;
  sqlite3* db_ = nullptr;
};

}  // namespace csp::eventstore::sqlite
