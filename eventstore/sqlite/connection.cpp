#include "eventstore/sqlite/connection.h"

#include <utility>

#include "eventstore/sqlite/wal_vfs.h"

namespace csp::eventstore::sqlite {

StoreError error_from(sqlite3* db, int code, std::string_view doing) {
  const int primary = code & 0xFF;
  StoreError::Kind kind = StoreError::Kind::io;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) kind = StoreError::Kind::corrupt;
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
  return StoreError{kind, std::string(doing) + " failed: " + detail};
}

Connection::~Connection() { sqlite3_close_v2(db_); }

Connection::Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

StoreResult<Connection> Connection::open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, wal_gathering_vfs());
  Connection connection(db);
  if (code != SQLITE_OK) return error_from(db, code, "opening " + path);
  sqlite3_extended_result_codes(db, 1);
  return connection;
}

StoreStatus exec(sqlite3* db, const std::string& sql, std::string_view doing) {
  const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return error_from(db, code, doing);
  return StoreStatus::success();
}

StoreStatus Connection::exec(const char* sql, std::string_view doing) { return sqlite::exec(db_, sql, doing); }

StoreResult<std::int64_t> Connection::query_integer(const char* sql, std::string_view doing) {
  auto statement = Statement::prepare(db_, sql);
  if (!statement) return std::move(statement).error();
  auto has_row = statement->step(doing);
  if (!has_row) return std::move(has_row).error();
  if (!*has_row) return StoreError{StoreError::Kind::corrupt, std::string(doing) + " returned no row"};
  return statement->integer(0);
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement::Statement(Statement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)), db_(std::exchange(other.db_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    statement_ = std::exchange(other.statement_, nullptr);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

StoreResult<Statement> Statement::prepare(sqlite3* db, const char* sql) {
  Statement statement;
  statement.db_ = db;
  const int code = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement.statement_, nullptr);
  if (code != SQLITE_OK) return error_from(db, code, std::string("preparing \"") + sql + "\"");
  return statement;
}

Statement& Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(statement_, index, bytes.data(), bytes.size(), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

StoreResult<bool> Statement::step(std::string_view doing) {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  StoreError error = error_from(db_, code, doing);
  sqlite3_reset(statement_);
  return error;
}

StoreStatus Statement::run(std::string_view doing) {
  auto has_row = step(doing);
  if (!has_row) return std::move(has_row).error();
  return StoreStatus::success();
}

std::string_view Statement::text(int column) const {
  const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
  const int length = sqlite3_column_bytes(statement_, column);
  return bytes == nullptr ? std::string_view() : std::string_view(bytes, static_cast<std::size_t>(length));
}

std::string_view Statement::blob(int column) const {
  const auto* bytes = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  const int length = sqlite3_column_bytes(statement_, column);
  return bytes == nullptr ? std::string_view() : std::string_view(bytes, static_cast<std::size_t>(length));
}

}  // namespace csp::eventstore::sqlite
