#pragma once
// Private to the PostgreSQL backend: the store object shared by
// postgres/open.cpp, postgres/read.cpp, postgres/batch.cpp and
// postgres/session.cpp.

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "eventstore/chain.h"
#include "eventstore/postgres/connection.h"
#include "eventstore/postgres/store.h"
#include "eventstore/sql_session.h"

namespace csp::eventstore::detail {

struct PgTextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
template <class Value>
using PgByText = std::unordered_map<std::string, Value, PgTextHash, std::equal_to<>>;

// The columns every read of events selects, in StoredEvent's order.
inline constexpr const char* pg_event_columns =
    "position, stream_id, stream_version, event_type, schema_version, command_id, actor, role, business_time, "
    "recorded_time, payload, hash FROM events ";

// A command's first position and how many events follow it, for the
// commands the condition appended to it selects (on `e`).
// Its digest, NULL when it was recorded without one, comes last.
inline constexpr const char* pg_command_records =
    "SELECT e.command_id, e.position, (SELECT count(*) FROM events t WHERE t.position > e.position AND t.position <= "
    "e.position + 1000 AND t.command_first = e.position), d.digest FROM events e LEFT JOIN command_digests d "
    "USING (position) WHERE e.command_first IS NULL AND ";

// The CommandRecord of one row of a query that selected pg_command_records;
// `corrupt` when its digest is not 32 bytes.
StoreResult<CommandRecord> read_command_row(const PGresult* rows, int row);

// One row of a query that selected pg_event_columns.
void read_event_row(const PGresult* rows, int row, StoredEvent& event);

// The channel every commit notifies, so followers on any node wake at once.
inline constexpr const char* pg_commit_channel = "csp_ledger_commits";

class PostgresStore final : public EventStore {
 public:
  PostgresStore(postgres::Connection connection, PostgresOptions options);
  ~PostgresStore() override;

  StoreResult<std::unique_ptr<WriteBatch>> begin_batch() override;
  StoreStatus for_each_stored(std::int64_t from_position,
                              const std::function<bool(const StoredEvent&)>& visit) override;
  StoreResult<LogHead> head() override;
  StoreResult<std::optional<CommandRecord>> find_command(std::string_view command_id) override;
  StoreResult<std::vector<PositionedDigest>> command_digests_between(std::int64_t first_position,
                                                                    std::int64_t last_position) override;
  StoreResult<std::optional<std::string>> resolve_alias(std::string_view alias) override;
  StoreStatus for_each_alias(const std::function<bool(std::string_view alias, std::string_view stream_id)>& visit) override;
  StoreResult<LogHead> recorded_head() override;
  StoreResult<std::int64_t> wait_for_events(std::int64_t after_position, std::chrono::milliseconds timeout) override;
  sql::Session* sql_session() override;

  // Used by the batch, which holds the write transaction.
  StoreResult<AppendOutcome> append_in_transaction(const AppendRequest& request);
  StoreStatus import_in_transaction(const StoredEvent& event, const std::vector<std::string>& aliases,
                                    const std::optional<Hash>& command_digest);
  StoreStatus read_ahead_in_transaction(const WriteBatch::ReadAhead& lookups);
  bool is_log_unchanged_by_others() const { return is_log_unchanged_by_others_; }
  std::optional<WriteBatch::AppendedByOthers> appended_by_others() const { return appended_by_others_; }
  bool is_batch_open() const { return is_batch_open_; }
  StoreStatus commit_transaction();
  void rollback_transaction();
  StoreResult<std::vector<StoredEvent>> read_stream_stored(std::string_view stream_id,
                                                           std::int64_t from_version) override;

  postgres::Connection& connection() { return connection_; }
  // A read-model write inside the open batch, sent with the next rows.
  void queue_write(postgres::Connection::Queued statement) { queued_writes_.push_back(std::move(statement)); }
  // Sends the rows appended so far to the server, inside the transaction:
  // before anything reads what they would show.
  StoreStatus send_pending_rows();
  // What every read does first: outside a transaction, a connection lost
  // since the last call is opened again; inside one, the rows appended so
  // far are sent.
  StoreStatus ready_to_read();
  // The session's outermost read snapshot is a transaction of its own: a
  // connection lost inside it is a failure, never quietly replaced.
  void set_snapshot_open(bool is_open) { is_snapshot_open_ = is_open; }

 private:
  StoreResult<std::int64_t> stream_version(const std::string& stream_id);
  void add_event_row(const ChainFields& fields, bool is_first_of_command, std::int64_t command_first,
                     const Hash& hash);
  void add_alias_rows(const std::vector<std::string>& aliases, const std::string& stream_id);
  void add_digest_row(std::int64_t first_position, const std::optional<Hash>& command_digest);
  StoreResult<AppendOutcome> write_events(const AppendRequest& request, const std::vector<std::int64_t>& versions);
  // A failure half-way through a batch: the transaction is rolled back and
  // the batch may not commit.
  StoreError fail_batch(const StoreError& error);
  void forget_uncommitted_state();
  // What lookups answer from memory, for the batch that ends.
  void forget_batch_lookups();
  StoreStatus follow_stream_versions();
  StoreResult<LogHead> head_of(const std::string& sql, std::string_view doing);
  StoreStatus read_commands_ahead(const std::vector<std::string>& command_ids);
  StoreStatus read_aliases_ahead(const std::vector<std::string>& aliases);
  StoreStatus read_streams_ahead(const std::vector<WriteBatch::StreamFrom>& streams);
  StoreStatus read_versions_ahead(const std::vector<std::string_view>& streams);
  // Outside a batch or snapshot, a lost connection is opened again; rows
  // waiting in a batch stay unsent (lookups answer from what waits).
  StoreStatus ready_to_look_up();

  postgres::Connection connection_;
  PostgresOptions options_;
  ChainHasher hasher_;
  bool is_batch_open_ = false;
  std::optional<StoreError> batch_failure_;
  LogHead head_;  // valid while a batch is open
  // The head this object last knew to be the whole log (after its commit,
  // or at its last batch's start): another node moved it if it differs.
  std::int64_t known_head_position_ = -1;
  bool is_log_unchanged_by_others_ = false;
  // Only events move the head here: a head that moved tells exactly what
  // others did, unless this object knew no head before.
  std::optional<WriteBatch::AppendedByOthers> appended_by_others_;
  PgByText<std::int64_t> stream_versions_;
  // Rows appended in the open batch, not yet sent to the server.
  postgres::CopyWriter pending_events_;
  postgres::CopyWriter pending_aliases_;
  postgres::CopyWriter pending_digests_;
  // The commands and aliases the open batch added, sent or not: lookups
  // answer from them without sending rows first.
  PgByText<CommandRecord> pending_commands_;
  PgByText<std::string> pending_alias_streams_;
  std::vector<postgres::Connection::Queued> queued_writes_;
  // Read ahead for the open batch: what the log held when it took the
  // head lock, so it stays true until the batch ends unless the batch
  // itself changes it (an append drops what it makes stale).
  PgByText<std::optional<CommandRecord>> commands_ahead_;
  PgByText<std::optional<std::string>> aliases_ahead_;
  struct StreamAhead {
    std::int64_t from_version = 1;
    std::vector<StoredEvent> events;
  };
  PgByText<StreamAhead> streams_ahead_;
  std::string import_command_id_;
  std::int64_t import_command_first_ = 0;
  // The session that runs LISTEN: 0 before the first wait, and another
  // number than the connection's after it reconnected.
  std::uint64_t listening_generation_ = 0;
  bool is_snapshot_open_ = false;
  std::unique_ptr<sql::Session> session_;
};

}  // namespace csp::eventstore::detail
