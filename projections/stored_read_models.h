#pragma once
// The read models stored beside the log, one table each, written through
// the store's own SQL session (eventstore/sql_session.h) so that rows
// commit in the same transaction as the events they come from, on either
// backend.
//
// Rows are read once and then kept in memory, changed by the fold and
// written back by flush(): a batch of a thousand downloads on one link
// writes that link's row once.

#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/timestamp.h"
#include "eventstore/sql_session.h"
#include "eventstore/store_error.h"
#include "projections/coldest_first.h"
#include "projections/fold.h"
#include "projections/read_models.h"
#include "projections/tables.h"

namespace csp::projections {

// The tables of the read models in use, and of one being rebuilt.
inline constexpr std::string_view live_tables = "rm_";
inline constexpr std::string_view rebuild_tables = "rm_next_";

// Which events the stored rows hold: those up to `position`, and with
// `until_time` only those whose business time is not after it (an `audit
// replay --until TIME`).
struct Checkpoint {
  std::int64_t position = 0;
  std::optional<domain::Timestamp> until_time;
  // The table layout the rows were written in; another one is rebuilt.
  std::int64_t layout = 0;
  // Rebuilt with --until: the rows show the ledger as it stood then, on
  // purpose, until the next command catches them up.
  bool is_partial = false;
};

// The table layout of this build: rows of another are rebuilt from the log.
inline constexpr std::int64_t read_models_layout = 1;

// One read snapshot of the whole ledger (the log and every table) for as
// long as it lives, so that what is read together agrees even while another
// process commits. It nests inside a write batch too.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(eventstore::sql::Session& session);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

  const eventstore::StoreStatus& status() const { return status_; }

 private:
  eventstore::sql::Session& session_;
  eventstore::StoreStatus status_;
};

class StoredReadModels final : public RowSet {
 public:
  // The tables with this prefix in the ledger of `session`, which must
  // outlive this object.
  StoredReadModels(eventstore::sql::Session& session, std::string_view prefix) : session_(session), prefix_(prefix) {}

  // False before the ledger has read-model tables (one from before they
  // existed).
  eventstore::StoreResult<bool> exist();
  // Drops and recreates the tables empty; inside a write transaction.
  eventstore::StoreStatus create_empty();

  eventstore::StoreResult<Checkpoint> read_checkpoint();
  // The checkpoint, or nothing when the ledger has no read-model tables.
  eventstore::StoreResult<std::optional<Checkpoint>> stored_checkpoint();
  eventstore::StoreStatus write_checkpoint(const Checkpoint& checkpoint);

  // Folds one event into the cached rows. A fold fault (the log is not a
  // valid ledger) or an unreadable stored row is `corrupt`.
  eventstore::StoreStatus apply(const domain::Event& event, std::int64_t position);
  // An event another writer appended and already folded into the stored
  // rows (the stored checkpoint is at the head that holds it): the rows
  // cached here follow it, and no row is read or will be written for it.
  eventstore::StoreStatus follow(const domain::Event& event, std::int64_t position);
  // Writes the rows changed since the last flush.
  eventstore::StoreStatus flush();
  // Drops what is cached, changed rows too: after a rollback, or when
  // another process may have written.
  void forget();
  // Past this many rows cached for one table, a flush drops the least
  // recently used, so memory stays flat however many customers,
  // subscriptions and links the log holds.
  static constexpr std::size_t table_rows_max_default = 100'000;
  void set_table_rows_max(std::size_t rows) { table_rows_max_ = rows; }
  std::size_t cached_rows() const;
  // Rows changed since the last flush: what the next one writes.
  std::size_t changed_rows() const;

  // Every stored row, for a report. Unreadable rows are `corrupt`.
  eventstore::StoreResult<ReadModels> load();

  // Every row of one table as stored, by key: what an audit compares.
  eventstore::StoreResult<std::map<std::string, Cells>> stored_cells(const TableShape& shape);

  // The tables of `prefix` replace the live ones, atomically with the
  // enclosing transaction.
  eventstore::StoreStatus replace_live_tables();

  CustomerRow* find_customer(const domain::TenantId& tenant) override;
  SubscriptionRow* find_subscription(const domain::SubscriptionId& subscription) override;
  LinkRow* find_link(const domain::LinkId& link) override;
  RefundRow* find_refund(const domain::TicketId& ticket) override;
  void put(CustomerRow row) override;
  void put(SubscriptionRow row) override;
  void put(LinkRow row) override;
  void put(RevocationRow row) override;
  void put(RefundRow row) override;
  void changed(const CustomerRow& row) override;
  void changed(const SubscriptionRow& row) override;
  void changed(const LinkRow& row) override;
  void changed(const RefundRow& row) override;

 private:
  template <class Row>
  struct Cached {
    Row row;
    bool is_changed = false;
    // The row as the table holds it (empty: not there yet), so a flush
    // writes only the columns that changed.
    Cells stored;
    std::uint64_t used = 0;  // UseClock stamp
  };
  // Rows are found by id on every event, so by hash; ids made by hand (in
  // tests, say) share long runs of bytes, so all 16 are hashed.
  struct IdHash {
    template <class Tag>
    std::size_t operator()(const domain::Uuid<Tag>& id) const {
      const auto& bytes = id.bytes();
      return std::hash<std::string_view>{}(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    }
  };
  // Each row lives apart from the map's node, so a lookup walks small
  // nodes that stay in the processor's cache (rows in the nodes made every
  // download's find a fifth of a rebuild). Rows never move, so the changed
  // ones can be listed by address: a flush writes them without walking
  // every cached row.
  template <class Key, class Row>
  struct Cache {
    std::unordered_map<Key, std::unique_ptr<Cached<Row>>, IdHash> rows;
    std::vector<Cached<Row>*> changed;
    UseClock clock;

    void put(Row row);
    void mark_changed(const Row& row);
    void drop_coldest(std::size_t rows_max);
    void clear() {
      rows.clear();
      changed.clear();
    }
  };

  class CachedFollower;

  template <class Key, class Row>
  Row* find(Cache<Key, Row>& cache, const Key& key);
  template <class Key, class Row>
  eventstore::StoreStatus flush(Cache<Key, Row>& cache);
  template <class Key, class Row>
  eventstore::StoreStatus flush_in_bulk(Cache<Key, Row>& cache);
  template <class Row>
  eventstore::StoreStatus write_row(Cached<Row>& cached);
  template <class Row>
  eventstore::StoreStatus load_table(ReadModels& models);
  // Writes only ever happen inside the store's write transaction.
  eventstore::StoreStatus check_in_transaction(std::string_view doing) const;
  template <class Row>
  std::string table_name() const;
  // The statement cached under `key`, prepared the first time.
  eventstore::StoreResult<eventstore::sql::Statement*> statement(std::string_view key, const std::string& sql);
  eventstore::StoreResult<eventstore::sql::Statement*> statement(std::string_view key,
                                                                 const std::function<std::string()>& make_sql);

  eventstore::sql::Session& session_;
  std::string prefix_;
  std::map<std::string, std::unique_ptr<eventstore::sql::Statement>, std::less<>> statements_;
  Cache<domain::TenantId, CustomerRow> customers_;
  Cache<domain::SubscriptionId, SubscriptionRow> subscriptions_;
  Cache<domain::LinkId, LinkRow> links_;
  Cache<domain::TicketId, RevocationRow> revocations_;
  Cache<domain::TicketId, RefundRow> refunds_;
  // A failure inside a find, which the RowSet interface cannot return.
  std::optional<eventstore::StoreError> read_failure_;
  std::size_t table_rows_max_ = table_rows_max_default;
};

}  // namespace csp::projections
