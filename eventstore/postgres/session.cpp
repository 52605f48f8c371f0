// The SQL seam (sql_session.h) over the store's PostgreSQL connection: the
// read models write in the store's own transactions.

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

#include "eventstore/postgres/store_impl.h"

namespace csp::eventstore::detail {
namespace {

using postgres::Params;

// The seam's SQL names parameters `?N` and may bind more than it uses (an
// UPDATE of two columns binds every cell); PostgreSQL wants `$1..$n`, each
// used, so the ones used are numbered anew in order. The seam's SQL has no
// `?` inside quotes.
struct Translated {
  std::string sql;
  std::vector<int> parameters_used;  // seam numbers, in their new order
};

Translated with_dollar_parameters(const std::string& sql) {
  Translated translated;
  for (std::size_t at = 0; at < sql.size(); ++at) {
    if (sql[at] != '?') {
      translated.sql.push_back(sql[at]);
      continue;
    }
    std::size_t end = at + 1;
    while (end < sql.size() && std::isdigit(static_cast<unsigned char>(sql[end])) != 0) ++end;
    const int number = std::stoi(sql.substr(at + 1, end - at - 1));
    auto& used = translated.parameters_used;
    auto found = std::find(used.begin(), used.end(), number);
    if (found == used.end()) found = used.insert(used.end(), number);
    translated.sql += "$" + std::to_string(found - used.begin() + 1);
    at = end - 1;
  }
  return translated;
}

class PostgresStatement final : public sql::Statement {
 public:
  PostgresStatement(PostgresStore& store, std::string name, Translated translated)
      : store_(store), name_(std::move(name)), sql_(std::move(translated.sql)),
        parameters_used_(std::move(translated.parameters_used)) {}

  Statement& reset() override {
    rows_.reset();
    row_ = -1;
    values_.clear();
    return *this;
  }
  Statement& bind(int index, std::int64_t value) override { return put(index, std::to_string(value)); }
  Statement& bind(int index, std::string_view text) override { return put(index, std::string(text)); }
  Statement& bind_null(int index) override { return put(index, std::nullopt); }

  StoreResult<bool> step(std::string_view doing) override {
    if (!rows_) {
      if (StoreStatus ready = store_.ready_to_read(); !ready) return ready.error();
      auto rows = store_.connection().query_prepared(name_, sql_, params(), doing);
      if (!rows) return std::move(rows).error();
      rows_ = std::move(rows).value();
    }
    ++row_;
    return row_ < PQntuples(rows_.get());
  }
  StoreStatus run(std::string_view doing) override {
    // Inside a batch a write goes with the batch's next round trip: a
    // thousand changed rows are one pipeline, not a thousand waits.
    if (store_.is_batch_open()) {
      store_.queue_write(postgres::Connection::Queued{name_, sql_, params()});
      return StoreStatus::success();
    }
    auto done = step(doing);
    if (!done) return done.error();
    return StoreStatus::success();
  }

  std::int64_t integer(int column) const override { return postgres::integer_at(rows_.get(), row_, column); }
  bool is_null(int column) const override { return postgres::is_null_at(rows_.get(), row_, column); }
  bool is_integer(int column) const override {
    return !is_null(column) && postgres::is_integer_column(rows_.get(), column);
  }
  std::string_view text(int column) const override { return postgres::bytes_at(rows_.get(), row_, column); }

 private:
  Params params() const {
    Params bound;
    for (const int number : parameters_used_) {
      const auto slot = static_cast<std::size_t>(number - 1);
      if (slot < values_.size() && values_[slot]) {
        bound.add(*values_[slot]);
      } else {
        bound.add_null();
      }
    }
    return bound;
  }

  Statement& put(int index, std::optional<std::string> value) {
    const auto slot = static_cast<std::size_t>(index - 1);
    if (values_.size() <= slot) values_.resize(slot + 1);
    values_[slot] = std::move(value);
    return *this;
  }

  PostgresStore& store_;
  std::string name_;
  std::string sql_;
  std::vector<int> parameters_used_;
  std::vector<std::optional<std::string>> values_;
  postgres::Result rows_;
  int row_ = -1;
};

class PostgresSession final : public sql::Session {
 public:
  explicit PostgresSession(PostgresStore& store) : store_(store) {}

  sql::Dialect dialect() const override { return sql::Dialect::postgres; }

  StoreStatus exec(const std::string& sql, std::string_view doing) override {
    if (StoreStatus ready = store_.ready_to_read(); !ready) return ready;
    return store_.connection().exec(sql, doing);
  }

  StoreResult<std::unique_ptr<sql::Statement>> prepare(const std::string& sql) override {
    // Prepared on the server when first run; named once per session.
    return std::unique_ptr<sql::Statement>(std::make_unique<PostgresStatement>(
        store_, "rm_" + std::to_string(++statements_made_), with_dollar_parameters(sql)));
  }

  bool is_in_write_transaction() const override { return store_.is_batch_open(); }

  StoreResult<std::size_t> count_tables(const std::vector<std::string>& names) override {
    if (StoreStatus ready = store_.ready_to_read(); !ready) return ready.error();
    std::string sql = "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename IN (";
    Params params;
    for (std::size_t index = 0; index < names.size(); ++index) {
      sql += (index == 0 ? "$" : ", $") + std::to_string(index + 1);
      params.add(names[index]);
    }
    auto rows = store_.connection().query(sql + ")", params, "looking for the read-model tables");
    if (!rows) return std::move(rows).error();
    return static_cast<std::size_t>(postgres::integer_at(rows->get(), 0, 0));
  }

  StoreStatus begin_read_snapshot() override {
    // Snapshots nest (a report inside a batch, or inside another snapshot):
    // the outermost is a transaction, the others savepoints in it.
    const bool is_nested = store_.connection().is_in_transaction();
    if (!is_nested) {
      if (StoreStatus ready = store_.ready_to_read(); !ready) return ready;
    }
    StoreStatus begun = is_nested ? exec("SAVEPOINT read_snapshot", "starting a read snapshot")
                                  : exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "starting a read snapshot");
    if (begun) {
      snapshots_nested_.push_back(is_nested);
      if (!is_nested) store_.set_snapshot_open(true);
    }
    return begun;
  }

  void end_read_snapshot() override {
    if (snapshots_nested_.empty()) throw std::logic_error("end_read_snapshot without begin_read_snapshot");
    const bool is_nested = snapshots_nested_.back();
    snapshots_nested_.pop_back();
    if (is_nested) {
      if (!exec("RELEASE read_snapshot", "ending a read snapshot")) {
        (void)exec("ROLLBACK TO read_snapshot; RELEASE read_snapshot", "ending a read snapshot");
      }
      return;
    }
    // Nothing was written in it: ending it either way is the same, and a
    // failed statement inside leaves no aborted transaction behind.
    store_.set_snapshot_open(false);
    if (!store_.connection().exec("COMMIT", "ending a read snapshot")) {
      (void)store_.connection().exec("ROLLBACK", "ending a read snapshot");
    }
  }

 private:
  PostgresStore& store_;
  std::uint64_t statements_made_ = 0;
  std::vector<bool> snapshots_nested_;
};

}  // namespace

sql::Session* PostgresStore::sql_session() {
  if (!session_) session_ = std::make_unique<PostgresSession>(*this);
  return session_.get();
}

}  // namespace csp::eventstore::detail
