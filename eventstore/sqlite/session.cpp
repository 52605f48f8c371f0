#include "eventstore/sqlite/session.h"

#include <stdexcept>
#include <utility>

namespace csp::eventstore::sqlite {
namespace {

// More names than any caller asks about at once: a bound on the statements
// count_tables keeps.
constexpr std::size_t count_tables_names_max = 32;

// The seam's statement over a kept SQLite one; `?1` parameters are SQLite's
// own, so the SQL passes through unchanged.
class SqlStatement final : public sql::Statement {
 public:
  explicit SqlStatement(sqlite::Statement statement) : statement_(std::move(statement)) {}

  sql::Statement& reset() override {
    statement_.reset();
    return *this;
  }
  sql::Statement& bind(int index, std::int64_t value) override {
    statement_.bind(index, value);
    return *this;
  }
  sql::Statement& bind(int index, std::string_view text) override {
    statement_.bind(index, text);
    return *this;
  }
  sql::Statement& bind_null(int index) override {
    statement_.bind_null(index);
    return *this;
  }
  StoreResult<bool> step(std::string_view doing) override { return statement_.step(doing); }
  StoreStatus run(std::string_view doing) override { return statement_.run(doing); }

  std::int64_t integer(int column) const override { return statement_.integer(column); }
  bool is_null(int column) const override { return statement_.is_null(column); }
  bool is_integer(int column) const override { return statement_.is_integer(column); }
  std::string_view text(int column) const override { return statement_.text(column); }

 private:
  sqlite::Statement statement_;
};

std::string count_tables_sql(std::size_t name_count) {
  std::string sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN (";
  for (std::size_t index = 1; index <= name_count; ++index) sql += (index == 1 ? "?" : ", ?") + std::to_string(index);
  return sql + ")";
}

}  // namespace

StoreStatus SqlSession::exec(const std::string& sql, std::string_view doing) { return sqlite::exec(db_, sql, doing); }

StoreResult<std::unique_ptr<sql::Statement>> SqlSession::prepare(const std::string& sql) {
  auto prepared = Statement::prepare(db_, sql.c_str());
  if (!prepared) return std::move(prepared).error();
  return std::unique_ptr<sql::Statement>(std::make_unique<SqlStatement>(std::move(prepared).value()));
}

// Outside a transaction SQLite is in autocommit mode; BEGIN (a batch) and a
// savepoint leave it.
bool SqlSession::is_in_write_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

StoreResult<std::size_t> SqlSession::count_tables(const std::vector<std::string>& names) {
  if (names.empty()) return std::size_t{0};
  if (names.size() > count_tables_names_max) throw std::logic_error("count_tables: more names than a statement is kept for");
  auto found = count_tables_statements_.find(names.size());
  if (found == count_tables_statements_.end()) {
    auto prepared = Statement::prepare(db_, count_tables_sql(names.size()).c_str());
    if (!prepared) return std::move(prepared).error();
    found = count_tables_statements_.emplace(names.size(), std::move(prepared).value()).first;
  }
  Statement& count = found->second.reset();
  for (std::size_t index = 0; index < names.size(); ++index) {
    count.bind(static_cast<int>(index) + 1, std::string_view(names[index]));
  }
  auto has_row = count.step("looking for tables");
  if (!has_row) return std::move(has_row).error();
  const auto counted = static_cast<std::size_t>(count.integer(0));
  count.reset();
  return counted;
}

// A savepoint outside a transaction starts a deferred one: its first read
// fixes the snapshot. Inside a batch it nests and sees the batch's writes.
StoreStatus SqlSession::begin_read_snapshot() {
  return sqlite::exec(db_, "SAVEPOINT read_snapshot", "starting a read snapshot");
}

void SqlSession::end_read_snapshot() {
  // A savepoint that is not released would keep the connection inside a
  // transaction; rolling it back cannot fail in a way that leaves one open.
  if (!sqlite::exec(db_, "RELEASE read_snapshot", "ending a read snapshot")) {
    (void)sqlite::exec(db_, "ROLLBACK TO read_snapshot; RELEASE read_snapshot", "ending a read snapshot");
  }
}

}  // namespace csp::eventstore::sqlite
