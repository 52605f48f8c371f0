#pragma once
// Private to the SQLite backend: the store object shared by sqlite/open.cpp,
// sqlite/read.cpp and sqlite/batch.cpp.

#include <string>
#include <unordered_map>

#include "eventstore/chain.h"
#include "eventstore/sqlite/connection.h"
#include "eventstore/sqlite/session.h"
#include "eventstore/sqlite/store.h"

namespace csp::eventstore::detail {

// Lets the caches be searched with a string_view, without a copy.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
using KeyByText = std::unordered_map<std::string, std::int64_t, TextHash, std::equal_to<>>;

struct Statements {
  sqlite::Statement begin, commit, rollback, data_version, write_head;
  sqlite::Statement head, recorded_head, find_command, command_tail, digests_between;
  sqlite::Statement find_stream, insert_stream, stream_version;
  sqlite::Statement find_name, insert_name, name_of;
  sqlite::Statement insert_event, read_stream;
  sqlite::Statement find_alias, insert_alias, insert_digest;
};

// The SELECT list both reads use: command ids resolved through the first
// event of the command (FORMAT.md).
inline constexpr const char* event_columns =
    "e.position, s.stream_id, e.stream_version, e.type_key, e.schema_version, "
    "coalesce(e.command_id, f.command_id), coalesce(e.command_first, e.position), e.actor_key, e.role_key, "
    "e.business_time, e.recorded_time, e.payload, e.hash FROM events e "
    "LEFT JOIN streams s ON s.stream_key = e.stream_key LEFT JOIN events f ON f.position = e.command_first ";

class SqliteStore final : public EventStore {
 public:
  SqliteStore(std::string path, sqlite::Connection connection, Statements statements, SqliteOptions options);

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
  sql::Session* sql_session() override { return &session_; }

  // Used by SqliteBatch, which holds the write transaction.
  StoreResult<AppendOutcome> append_in_transaction(const AppendRequest& request);
  StoreStatus import_in_transaction(const StoredEvent& event, const std::vector<std::string>& aliases,
                                    const std::optional<Hash>& command_digest);
  bool is_log_unchanged_by_others() const { return is_log_unchanged_by_others_; }
  // SQLite's data version says that others wrote, not what: a rebuild of
  // the read models moves it too.
  std::optional<WriteBatch::AppendedByOthers> appended_by_others() const { return std::nullopt; }
  StoreStatus commit_transaction();
  void rollback_transaction();
  StoreResult<std::vector<StoredEvent>> read_stream_stored(std::string_view stream_id,
                                                           std::int64_t from_version) override;

 private:
  StoreStatus insert_event_row(const ChainFields& fields, std::int64_t stream_key, std::optional<std::string_view> command_id,
                               std::optional<std::int64_t> command_first, const Hash& hash);
  StoreStatus insert_aliases(const std::vector<std::string>& aliases, std::int64_t stream_key);
  StoreStatus insert_digest(std::int64_t first_position, const std::optional<Hash>& command_digest);
  // The key of `text` in a names-like table, from `cache` or the file;
  // with `insert`, a missing one is added.
  StoreResult<std::int64_t> interned_key(std::string_view text, KeyByText& cache, sqlite::Statement& find,
                                         sqlite::Statement* insert);
  StoreResult<std::int64_t> stream_key(std::string_view stream_id, bool creates);
  StoreResult<std::int64_t> stream_version(std::int64_t stream_key);
  StoreResult<std::int64_t> name_key(std::string_view name);
  StoreResult<std::string_view> name_of(std::int64_t key);
  StoreStatus read_event(const sqlite::Statement& row, StoredEvent& event);
  // Where a stream of a request stands before it: its key (0 for a new
  // stream) and its version.
  struct StreamPlace {
    std::int64_t key = 0;
    std::int64_t version = 0;
  };
  StoreResult<AppendOutcome> write_events(const AppendRequest& request, const std::vector<StreamPlace>& places);
  // At a batch's start: drops the stream versions another connection may
  // have moved, and any cache past its bound (cached_streams_max).
  StoreStatus forget_stale_caches();
  void forget_uncommitted_state();

  std::string path_;
  sqlite::Connection connection_;
  sqlite::SqlSession session_;  // over connection_, declared after it
  Statements statements_;
  SqliteOptions options_;
  ChainHasher hasher_;
  bool is_batch_open_ = false;
  // Set when a write failed half-way: the transaction was rolled back and
  // the batch must not commit.
  std::optional<StoreError> batch_failure_;
  LogHead head_;  // valid while a batch is open
  std::int64_t data_version_ = -1;
  bool is_log_unchanged_by_others_ = false;
  KeyByText stream_keys_;
  std::unordered_map<std::int64_t, std::int64_t> stream_versions_;
  KeyByText name_keys_;
  // Consecutive events mostly share type, actor and role: remembering the
  // last key of each skips the hash lookups.
  struct RecentName {
    std::string name;
    std::int64_t key = 0;
  };
  RecentName recent_names_[3];
  // The command the last imported event belonged to: its events are
  // contiguous, so the next one either continues it or starts another.
  std::string import_command_id_;
  std::int64_t import_command_first_ = 0;
  std::unordered_map<std::int64_t, std::string> names_;
};

// Wakes wait_for_events in every store object of this process.
void signal_commit();


}  // namespace csp::eventstore::detail
