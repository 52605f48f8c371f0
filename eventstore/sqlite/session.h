#pragma once
// Private to the SQLite backend: the SQL seam (eventstore/sql_session.h)
// over the store's own connection, so that read-model rows commit in the
// store's transactions.

#include <sqlite3.h>

#include <cstddef>
#include <unordered_map>

#include "eventstore/sql_session.h"
#include "eventstore/sqlite/connection.h"

namespace csp::eventstore::sqlite {

class SqlSession final : public sql::Session {
 public:
  // `db` is the store's connection; it must outlive the session.
  explicit SqlSession(sqlite3* db) : db_(db) {}

  sql::Dialect dialect() const override { return sql::Dialect::sqlite; }
  StoreStatus exec(const std::string& sql, std::string_view doing) override;
  StoreResult<std::unique_ptr<sql::Statement>> prepare(const std::string& sql) override;
  bool is_in_write_transaction() const override;
  StoreResult<std::size_t> count_tables(const std::vector<std::string>& names) override;
  StoreStatus begin_read_snapshot() override;
  void end_read_snapshot() override;

 private:
  sqlite3* db_;
  // count_tables asks the same question on every catch-up: its statement
  // is kept, one per number of names.
  std::unordered_map<std::size_t, Statement> count_tables_statements_;
};

}  // namespace csp::eventstore::sqlite
