#include "projections/stored_read_models.h"

#include <cassert>
#include <span>
#include <stdexcept>

namespace csp::projections {
namespace {

using eventstore::StoreError;
using eventstore::StoreResult;
using eventstore::StoreStatus;
using eventstore::sql::Dialect;
using eventstore::sql::Statement;

constexpr const char* checkpoint_table = "read_model_checkpoint";
// The checkpoint table holds one row, id 1.
constexpr Column checkpoint_columns[] = {
    {"id", true, false}, {"position", true, false}, {"until_time_us", true, true}, {"layout", true, false},
    {"is_partial", true, false}};
// Aborts a fold from inside a find; apply() turns it into the StoreError
// kept in read_failure_.
struct StoredRowFault : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string column_list(std::span<const Column> columns) {
  std::string list;
  for (const auto& column : columns) list += (list.empty() ? "" : ", ") + std::string(column.name);
  return list;
}

// What the two dialects write differently in a table's definition. SQLite
// keeps the text ledger files were always created with.
std::string_view integer_type(Dialect dialect) { return dialect == Dialect::postgres ? "BIGINT" : "INTEGER"; }

std::string create_sql(const std::string& table, const TableShape& shape, Dialect dialect) {
  std::string sql = "CREATE TABLE " + table + " (";
  for (const auto& column : shape.columns) {
    sql += std::string(column.name) + " " + std::string(column.is_integer ? integer_type(dialect) : "TEXT") +
           (column.is_nullable ? "" : " NOT NULL") + ", ";
  }
  sql += "PRIMARY KEY (" + std::string(shape.columns.front().name) + "))";
  // SQLite: keyed by the row's id alone, no rowid, one b-tree to write.
  // PostgreSQL: room left in each page, so that rewriting a row keeps it
  // there and leaves the key's index alone (a heap-only update).
  return dialect == Dialect::sqlite ? sql + " WITHOUT ROWID" : sql + " WITH (fillfactor = 70)";
}

std::string create_checkpoint_sql(Dialect dialect) {
  const std::string integer(integer_type(dialect));
  return std::string("CREATE TABLE IF NOT EXISTS ") + checkpoint_table + " (id " + integer +
         " PRIMARY KEY CHECK (id = 1), position " + integer + " NOT NULL, until_time_us " + integer + ", layout " +
         integer + " NOT NULL, is_partial " + integer + " NOT NULL);";
}

// Writes a whole row whether or not its key is there yet: ON CONFLICT is
// what both dialects speak (INSERT OR REPLACE is SQLite's alone). The
// columns take ?1, ?2, ... in order; the first is the key.
std::string upsert_sql(const std::string& table, std::span<const Column> columns) {
  std::string values;
  std::string updates;
  for (std::size_t index = 0; index < columns.size(); ++index) {
    values += (index == 0 ? "?" : ", ?") + std::to_string(index + 1);
    if (index == 0) continue;
    const std::string name(columns[index].name);
    updates += (updates.empty() ? "" : ", ") + name + " = excluded." + name;
  }
  return "INSERT INTO " + table + " (" + column_list(columns) + ") VALUES (" + values + ") ON CONFLICT (" +
         std::string(columns.front().name) + ") " + (updates.empty() ? "DO NOTHING" : "DO UPDATE SET " + updates);
}

// PostgreSQL: every changed row of a table in one statement, each column
// sent as one array (?1 the keys, ?2 the next column, ...). A statement
// per row would cost the server a parse and an execution each, more than
// the writes themselves.
std::string unnest_of_columns(std::span<const Column> columns) {
  std::string arrays;
  for (std::size_t index = 0; index < columns.size(); ++index) {
    arrays += (index == 0 ? "?" : ", ?") + std::to_string(index + 1) + (columns[index].is_integer ? "::bigint[]" : "::text[]");
  }
  return "unnest(" + arrays + ")";
}

// `name = <from>.name` for every column but the key.
std::string assignments_from(std::span<const Column> columns, std::string_view from) {
  std::string assignments;
  for (std::size_t index = 1; index < columns.size(); ++index) {
    const std::string name(columns[index].name);
    assignments += (assignments.empty() ? "" : ", ") + name + " = " + std::string(from) + "." + name;
  }
  return assignments;
}

// New rows: inserted, or updated should the key be there after all.
std::string bulk_upsert_sql(const std::string& table, std::span<const Column> columns) {
  const std::string updates = assignments_from(columns, "excluded");
  return "INSERT INTO " + table + " (" + column_list(columns) + ") SELECT * FROM " + unnest_of_columns(columns) +
         " ON CONFLICT (" + std::string(columns.front().name) + ") " +
         (updates.empty() ? "DO NOTHING" : "DO UPDATE SET " + updates);
}

// Rows the table holds already: an UPDATE finds each by its key, which
// costs the server less than a refused insert turned update.
std::string bulk_update_sql(const std::string& table, std::span<const Column> columns) {
  const std::string key(columns.front().name);
  return "UPDATE " + table + " SET " + assignments_from(columns, "changed") + " FROM " + unnest_of_columns(columns) +
         " AS changed(" + column_list(columns) + ") WHERE " + table + "." + key + " = changed." + key;
}

// One cell as an element of a PostgreSQL array literal.
void append_array_element(std::string& literal, const Cell& cell) {
  if (literal.size() > 1) literal += ',';
  if (const auto* value = std::get_if<std::int64_t>(&cell)) {
    literal += std::to_string(*value);
  } else if (const auto* text = std::get_if<std::string>(&cell)) {
    literal += '"';
    for (const char c : *text) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  } else {
    literal += "NULL";
  }
}

// Renames a rebuilt table to its live name, the live one being dropped
// already. PostgreSQL names a primary key's index after the table and keeps
// that name through a rename: left alone, it would collide with the index
// of the next rebuild's table.
std::string rename_sql(const std::string& from, const std::string& to, Dialect dialect) {
  std::string sql = "ALTER TABLE " + from + " RENAME TO " + to + ";";
  if (dialect == Dialect::postgres) sql += "ALTER INDEX " + from + "_pkey RENAME TO " + to + "_pkey;";
  return sql;
}

Cells cells_of_row(const Statement& statement, std::size_t count) {
  Cells cells;
  cells.reserve(count);
  for (std::size_t index = 0; index < count; ++index) {
    const int column = static_cast<int>(index);
    if (statement.is_null(column)) {
      cells.emplace_back();
    } else if (statement.is_integer(column)) {
      cells.emplace_back(statement.integer(column));
    } else {
      cells.emplace_back(std::string(statement.text(column)));
    }
  }
  return cells;
}

void bind_cells(Statement& statement, const Cells& cells) {
  for (std::size_t index = 0; index < cells.size(); ++index) {
    const int parameter = static_cast<int>(index) + 1;
    if (const auto* value = std::get_if<std::int64_t>(&cells[index])) {
      statement.bind(parameter, *value);
    } else if (const auto* text = std::get_if<std::string>(&cells[index])) {
      statement.bind(parameter, std::string_view(*text));
    } else {
      statement.bind_null(parameter);
    }
  }
}

StoreError unreadable(const TableShape& shape, const std::string& message) {
  return StoreError{StoreError::Kind::corrupt, "read model " + std::string(shape.name) + ": " + message +
                                                   "; run csp-ledger audit replay to rebuild the read models"};
}

}  // namespace

template <class Key, class Row>
void StoredReadModels::Cache<Key, Row>::put(Row row) {
  auto [found, is_new] = rows.try_emplace(key_of(row));
  if (is_new) found->second = std::make_unique<Cached<Row>>();
  Cached<Row>& cached = *found->second;
  cached.row = std::move(row);
  cached.used = clock.tick();
  if (is_new || !cached.is_changed) changed.push_back(&cached);
  cached.is_changed = true;
}

// Only between flushes, when no row waits: `changed` holds no address.
template <class Key, class Row>
void StoredReadModels::Cache<Key, Row>::drop_coldest(std::size_t rows_max) {
  assert(changed.empty());
  projections::drop_coldest(rows, rows_max, [](const std::unique_ptr<Cached<Row>>& cached) { return cached->used; });
}

template <class Key, class Row>
void StoredReadModels::Cache<Key, Row>::mark_changed(const Row& row) {
  Cached<Row>& cached = *rows.at(key_of(row));
  if (!cached.is_changed) changed.push_back(&cached);
  cached.is_changed = true;
}

template <class Row>
std::string StoredReadModels::table_name() const {
  return prefix_ + std::string(Table<Row>::shape().name);
}

StoreResult<Statement*> StoredReadModels::statement(std::string_view key, const std::string& sql) {
  return statement(key, [&] { return sql; });
}

StoreResult<Statement*> StoredReadModels::statement(std::string_view key, const std::function<std::string()>& make_sql) {
  if (const auto found = statements_.find(key); found != statements_.end()) return &found->second->reset();
  auto prepared = session_.prepare(make_sql());
  if (!prepared) return std::move(prepared).error();
  return statements_.emplace(std::string(key), std::move(prepared).value()).first->second.get();
}

StoreResult<bool> StoredReadModels::exist() {
  const std::vector<std::string> names = {table_name<CustomerRow>(), table_name<SubscriptionRow>(),
                                          table_name<LinkRow>(),     table_name<RevocationRow>(),
                                          table_name<RefundRow>(),   checkpoint_table};
  auto count = session_.count_tables(names);
  if (!count) return std::move(count).error();
  return *count == names.size();
}

ReadSnapshot::ReadSnapshot(eventstore::sql::Session& session)
    : session_(session), status_(session.begin_read_snapshot()) {}

ReadSnapshot::~ReadSnapshot() {
  if (status_) session_.end_read_snapshot();
}

StoreStatus StoredReadModels::check_in_transaction(std::string_view doing) const {
  if (session_.is_in_write_transaction()) return StoreStatus::success();
  return StoreError{StoreError::Kind::invalid_argument, std::string(doing) + " outside a write transaction"};
}

StoreStatus StoredReadModels::create_empty() {
  if (StoreStatus inside = check_in_transaction("creating the read-model tables"); !inside) return inside;
  forget();
  statements_.clear();
  const Dialect dialect = session_.dialect();
  std::string sql = create_checkpoint_sql(dialect);
  const auto add = [&](const TableShape& shape) {
    const std::string table = prefix_ + std::string(shape.name);
    sql += "DROP TABLE IF EXISTS " + table + ";" + create_sql(table, shape, dialect) + ";";
  };
  add(Table<CustomerRow>::shape());
  add(Table<SubscriptionRow>::shape());
  add(Table<LinkRow>::shape());
  add(Table<RevocationRow>::shape());
  add(Table<RefundRow>::shape());
  return session_.exec(sql, "creating the read-model tables");
}

StoreResult<Checkpoint> StoredReadModels::read_checkpoint() {
  auto query = statement("checkpoint", std::string("SELECT position, until_time_us, layout, is_partial FROM ") +
                                         checkpoint_table);
  if (!query) return std::move(query).error();
  auto has_row = (*query)->step("reading the read-model checkpoint");
  if (!has_row) return std::move(has_row).error();
  Checkpoint checkpoint;
  std::optional<std::int64_t> until_us;
  if (*has_row) {
    checkpoint.position = (*query)->integer(0);
    if (!(*query)->is_null(1)) until_us = (*query)->integer(1);
    checkpoint.layout = (*query)->integer(2);
    checkpoint.is_partial = (*query)->integer(3) != 0;
  }
  (*query)->reset();
  if (until_us) {
    auto until = domain::Timestamp::from_micros(*until_us);
    if (!until) return StoreError{StoreError::Kind::corrupt, "the read-model checkpoint: " + until.error().message};
    checkpoint.until_time = *until;
  }
  return checkpoint;
}

StoreResult<std::optional<Checkpoint>> StoredReadModels::stored_checkpoint() {
  auto are_there = exist();
  if (!are_there) return std::move(are_there).error();
  if (!*are_there) return std::optional<Checkpoint>();
  auto checkpoint = read_checkpoint();
  if (!checkpoint) return std::move(checkpoint).error();
  return std::optional<Checkpoint>(*checkpoint);
}

StoreStatus StoredReadModels::write_checkpoint(const Checkpoint& checkpoint) {
  if (StoreStatus inside = check_in_transaction("writing the read-model checkpoint"); !inside) return inside;
  auto upsert = statement("write checkpoint", [] { return upsert_sql(checkpoint_table, checkpoint_columns); });
  if (!upsert) return std::move(upsert).error();
  (*upsert)->bind(1, std::int64_t{1}).bind(2, checkpoint.position).bind(4, checkpoint.layout);
  (*upsert)->bind(5, std::int64_t{checkpoint.is_partial ? 1 : 0});
  if (checkpoint.until_time) (*upsert)->bind(3, checkpoint.until_time->micros_since_epoch());
  return (*upsert)->run("writing the read-model checkpoint");
}

StoreStatus StoredReadModels::apply(const domain::Event& event, std::int64_t position) {
  try {
    fold(*this, event, position);
  } catch (const StoredRowFault&) {
    return *read_failure_;
  } catch (const std::logic_error& fault) {
    return StoreError{StoreError::Kind::corrupt,
                      "the event at position " + std::to_string(position) + " does not replay: " + fault.what()};
  }
  return StoreStatus::success();
}

// The cached rows alone, following what another writer folded into the
// table already: a cached row takes the change and, since the table holds
// the same, counts as stored; a row not cached is left to the table (a
// scratch copy takes the change and is dropped).
class StoredReadModels::CachedFollower final : public RowSet {
 public:
  explicit CachedFollower(StoredReadModels& models) : models_(models) {}

  CustomerRow* find_customer(const domain::TenantId& key) override { return cached_or_scratch(models_.customers_, key, customer_); }
  SubscriptionRow* find_subscription(const domain::SubscriptionId& key) override {
    return cached_or_scratch(models_.subscriptions_, key, subscription_);
  }
  LinkRow* find_link(const domain::LinkId& key) override { return cached_or_scratch(models_.links_, key, link_); }
  RefundRow* find_refund(const domain::TicketId& key) override { return cached_or_scratch(models_.refunds_, key, refund_); }

  void put(CustomerRow row) override { put_if_cached(models_.customers_, std::move(row)); }
  void put(SubscriptionRow row) override { put_if_cached(models_.subscriptions_, std::move(row)); }
  void put(LinkRow row) override { put_if_cached(models_.links_, std::move(row)); }
  void put(RevocationRow row) override { put_if_cached(models_.revocations_, std::move(row)); }
  void put(RefundRow row) override { put_if_cached(models_.refunds_, std::move(row)); }

  void changed(const CustomerRow& row) override { mark_stored(models_.customers_, row, customer_); }
  void changed(const SubscriptionRow& row) override { mark_stored(models_.subscriptions_, row, subscription_); }
  void changed(const LinkRow& row) override { mark_stored(models_.links_, row, link_); }
  void changed(const RefundRow& row) override { mark_stored(models_.refunds_, row, refund_); }

 private:
  template <class Key, class Row>
  static Row* cached_or_scratch(Cache<Key, Row>& cache, const Key& key, Row& scratch) {
    if (const auto found = cache.rows.find(key); found != cache.rows.end()) return &found->second->row;
    scratch = Row{};
    return &scratch;
  }
  template <class Key, class Row>
  static void put_if_cached(Cache<Key, Row>& cache, Row row) {
    const auto found = cache.rows.find(key_of(row));
    if (found == cache.rows.end()) return;
    found->second->row = std::move(row);
    found->second->stored = Table<Row>::cells(found->second->row);
  }
  template <class Key, class Row>
  static void mark_stored(Cache<Key, Row>& cache, const Row& row, const Row& scratch) {
    if (&row == &scratch) return;
    Cached<Row>& cached = *cache.rows.at(key_of(row));
    cached.stored = Table<Row>::cells(cached.row);
  }

  StoredReadModels& models_;
  CustomerRow customer_;
  SubscriptionRow subscription_;
  LinkRow link_;
  RefundRow refund_;
};

StoreStatus StoredReadModels::follow(const domain::Event& event, std::int64_t position) {
  CachedFollower follower(*this);
  try {
    fold(follower, event, position);
  } catch (const std::logic_error& fault) {
    return StoreError{StoreError::Kind::corrupt,
                      "the event at position " + std::to_string(position) + " does not replay: " + fault.what()};
  }
  return StoreStatus::success();
}

template <class Key, class Row>
Row* StoredReadModels::find(Cache<Key, Row>& cache, const Key& key) {
  if (const auto cached = cache.rows.find(key); cached != cache.rows.end()) {
    cached->second->used = cache.clock.tick();
    return &cached->second->row;
  }
  const TableShape& shape = Table<Row>::shape();
  const std::string table = table_name<Row>();
  const auto fail = [&](StoreError error) -> Row* {
    read_failure_ = std::move(error);
    throw StoredRowFault(read_failure_->message);
  };
  // The SQL is built only the first time, when the statement is prepared.
  auto query = statement("select " + table, [&]() -> std::string {
    return "SELECT " + column_list(shape.columns) + " FROM " + table + " WHERE " + std::string(shape.columns.front().name) +
           " = ?1";
  });
  if (!query) return fail(std::move(query).error());
  const std::string key_text = key.str();
  auto has_row = (*query)->bind(1, std::string_view(key_text)).step("reading a read-model row");
  if (!has_row) return fail(std::move(has_row).error());
  if (!*has_row) return nullptr;
  Cells cells = cells_of_row(**query, shape.columns.size());
  (*query)->reset();
  auto row = Table<Row>::row(cells);
  if (!row) return fail(unreadable(shape, row.error().message));
  auto cached = std::make_unique<Cached<Row>>(Cached<Row>{std::move(row).value(), false, std::move(cells), cache.clock.tick()});
  return &cache.rows.insert_or_assign(key, std::move(cached)).first->second->row;
}

CustomerRow* StoredReadModels::find_customer(const domain::TenantId& tenant) { return find(customers_, tenant); }
SubscriptionRow* StoredReadModels::find_subscription(const domain::SubscriptionId& subscription) {
  return find(subscriptions_, subscription);
}
LinkRow* StoredReadModels::find_link(const domain::LinkId& link) { return find(links_, link); }
RefundRow* StoredReadModels::find_refund(const domain::TicketId& ticket) { return find(refunds_, ticket); }

void StoredReadModels::put(CustomerRow row) { customers_.put(std::move(row)); }
void StoredReadModels::put(SubscriptionRow row) { subscriptions_.put(std::move(row)); }
void StoredReadModels::put(LinkRow row) { links_.put(std::move(row)); }
void StoredReadModels::put(RevocationRow row) { revocations_.put(std::move(row)); }
void StoredReadModels::put(RefundRow row) { refunds_.put(std::move(row)); }

// A changed row is always one find() just returned, so it is cached.
void StoredReadModels::changed(const CustomerRow& row) { customers_.mark_changed(row); }
void StoredReadModels::changed(const SubscriptionRow& row) { subscriptions_.mark_changed(row); }
void StoredReadModels::changed(const LinkRow& row) { links_.mark_changed(row); }
void StoredReadModels::changed(const RefundRow& row) { refunds_.mark_changed(row); }

template <class Row>
StoreStatus StoredReadModels::write_row(Cached<Row>& cached) {
  const TableShape& shape = Table<Row>::shape();
  const std::string table = table_name<Row>();
  Cells cells = Table<Row>::cells(cached.row);
  if (cached.stored.empty()) {
    auto insert = statement("insert " + table, [&] { return upsert_sql(table, shape.columns); });
    if (!insert) return std::move(insert).error();
    bind_cells(**insert, cells);
    if (StoreStatus written = (*insert)->run("writing a read-model row"); !written) return written;
  } else {
    // Most changes touch a column or two (a download count and the last
    // position): only those are written.
    if (cells.size() > 32) throw std::logic_error("a read-model table has more columns than a mask holds");
    std::uint32_t changed_columns = 0;
    for (std::size_t index = 1; index < cells.size(); ++index) {
      if (cells[index] != cached.stored[index]) changed_columns |= 1u << index;
    }
    if (changed_columns != 0) {
      auto update = statement("update " + table + " " + std::to_string(changed_columns), [&]() -> std::string {
        std::string sql = "UPDATE " + table + " SET ";
        for (std::size_t index = 1; index < cells.size(); ++index) {
          if ((changed_columns & (1u << index)) == 0) continue;
          if (sql.back() != ' ') sql += ", ";
          sql += std::string(shape.columns[index].name) + " = ?" + std::to_string(index + 1);
        }
        return sql + " WHERE " + std::string(shape.columns.front().name) + " = ?1";
      });
      if (!update) return std::move(update).error();
      bind_cells(**update, cells);
      if (StoreStatus written = (*update)->run("writing a read-model row"); !written) return written;
    }
  }
  cached.stored = std::move(cells);
  cached.is_changed = false;
  return StoreStatus::success();
}

template <class Key, class Row>
StoreStatus StoredReadModels::flush_in_bulk(Cache<Key, Row>& cache) {
  const TableShape& shape = Table<Row>::shape();
  const std::string table = table_name<Row>();
  // New rows and stored ones go in a statement each.
  struct Part {
    std::vector<Cached<Row>*> rows;
    std::vector<Cells> cells;
    std::vector<std::string> arrays;
  };
  Part parts[2];
  for (Cached<Row>* cached : cache.changed) {
    Part& part = parts[cached->stored.empty() ? 0 : 1];
    if (part.arrays.empty()) part.arrays.assign(shape.columns.size(), "{");
    part.rows.push_back(cached);
    part.cells.push_back(Table<Row>::cells(cached->row));
    for (std::size_t column = 0; column < part.arrays.size(); ++column) {
      append_array_element(part.arrays[column], part.cells.back()[column]);
    }
  }
  for (std::size_t index = 0; index < 2; ++index) {
    Part& part = parts[index];
    if (part.rows.empty()) continue;
    auto write = index == 0 ? statement("bulk insert " + table, [&] { return bulk_upsert_sql(table, shape.columns); })
                            : statement("bulk update " + table, [&] { return bulk_update_sql(table, shape.columns); });
    if (!write) return std::move(write).error();
    for (std::size_t column = 0; column < part.arrays.size(); ++column) {
      part.arrays[column] += '}';
      (*write)->bind(static_cast<int>(column) + 1, std::string_view(part.arrays[column]));
    }
    if (StoreStatus run = (*write)->run("writing read-model rows"); !run) return run;
    for (std::size_t row = 0; row < part.rows.size(); ++row) {
      part.rows[row]->stored = std::move(part.cells[row]);
      part.rows[row]->is_changed = false;
    }
  }
  cache.changed.clear();
  return StoreStatus::success();
}

template <class Key, class Row>
StoreStatus StoredReadModels::flush(Cache<Key, Row>& cache) {
  if (cache.changed.size() > 1 && session_.dialect() == Dialect::postgres) return flush_in_bulk(cache);
  for (Cached<Row>* cached : cache.changed) {
    if (StoreStatus written = write_row(*cached); !written) return written;
  }
  cache.changed.clear();
  return StoreStatus::success();
}

StoreStatus StoredReadModels::flush() {
  if (cached_rows() == 0) return StoreStatus::success();
  if (StoreStatus inside = check_in_transaction("writing read-model rows"); !inside) return inside;
  StoreStatus status = flush(customers_);
  if (status) status = flush(subscriptions_);
  if (status) status = flush(links_);
  if (status) status = flush(revocations_);
  if (status) status = flush(refunds_);
  if (!status) return status;
  customers_.drop_coldest(table_rows_max_);
  subscriptions_.drop_coldest(table_rows_max_);
  links_.drop_coldest(table_rows_max_);
  revocations_.drop_coldest(table_rows_max_);
  refunds_.drop_coldest(table_rows_max_);
  return StoreStatus::success();
}

void StoredReadModels::forget() {
  customers_.clear();
  subscriptions_.clear();
  links_.clear();
  revocations_.clear();
  refunds_.clear();
  read_failure_.reset();
}

std::size_t StoredReadModels::changed_rows() const {
  return customers_.changed.size() + subscriptions_.changed.size() + links_.changed.size() +
         revocations_.changed.size() + refunds_.changed.size();
}

std::size_t StoredReadModels::cached_rows() const {
  return customers_.rows.size() + subscriptions_.rows.size() + links_.rows.size() + revocations_.rows.size() +
         refunds_.rows.size();
}

StoreResult<std::map<std::string, Cells>> StoredReadModels::stored_cells(const TableShape& shape) {
  const std::string table = prefix_ + std::string(shape.name);
  auto query = session_.prepare("SELECT " + column_list(shape.columns) + " FROM " + table);
  if (!query) return std::move(query).error();
  std::map<std::string, Cells> rows;
  while (true) {
    auto has_row = (*query)->step("reading read model " + std::string(shape.name));
    if (!has_row) return std::move(has_row).error();
    if (!*has_row) return rows;
    Cells cells = cells_of_row(**query, shape.columns.size());
    const std::string key = std::holds_alternative<std::string>(cells.front()) ? std::get<std::string>(cells.front())
                                                                                : cell_text(cells.front());
    rows.insert_or_assign(key, std::move(cells));
  }
}

template <class Row>
StoreStatus StoredReadModels::load_table(ReadModels& models) {
  const TableShape& shape = Table<Row>::shape();
  auto query = session_.prepare("SELECT " + column_list(shape.columns) + " FROM " + table_name<Row>());
  if (!query) return std::move(query).error();
  while (true) {
    auto has_row = (*query)->step("reading read model " + std::string(shape.name));
    if (!has_row) return std::move(has_row).error();
    if (!*has_row) return StoreStatus::success();
    auto row = Table<Row>::row(cells_of_row(**query, shape.columns.size()));
    if (!row) return unreadable(shape, row.error().message);
    models.put(std::move(row).value());
  }
}

StoreResult<ReadModels> StoredReadModels::load() {
  // Every table from one snapshot: a writer committing meanwhile cannot
  // make a report mix two states.
  const ReadSnapshot snapshot(session_);
  if (!snapshot.status()) return snapshot.status().error();
  auto checkpoint = read_checkpoint();
  if (!checkpoint) return std::move(checkpoint).error();
  ReadModels models;
  StoreStatus status = load_table<CustomerRow>(models);
  if (status) status = load_table<SubscriptionRow>(models);
  if (status) status = load_table<LinkRow>(models);
  if (status) status = load_table<RevocationRow>(models);
  if (status) status = load_table<RefundRow>(models);
  if (!status) return status.error();
  models.set_checkpoint(checkpoint->position);
  return models;
}

StoreStatus StoredReadModels::replace_live_tables() {
  if (StoreStatus inside = check_in_transaction("swapping in the rebuilt read models"); !inside) return inside;
  std::string sql;
  for (const TableShape* shape : {&Table<CustomerRow>::shape(), &Table<SubscriptionRow>::shape(),
                                  &Table<LinkRow>::shape(), &Table<RevocationRow>::shape(), &Table<RefundRow>::shape()}) {
    const std::string live = std::string(live_tables) + std::string(shape->name);
    sql += "DROP TABLE IF EXISTS " + live + "; " + rename_sql(prefix_ + std::string(shape->name), live, session_.dialect());
  }
  statements_.clear();
  return session_.exec(sql, "swapping in the rebuilt read models");
}

}  // namespace csp::projections
