#pragma once
// Private to the SQLite backend: the store object shared by sqlite_open.cpp,
// sqlite_read.cpp and sqlite_batch.cpp.

#include <string>
#include <unordered_map>

#include "eventstore/chain.h"
#include "eventstore/sqlite_connection.h"
#include "eventstore/sqlite_store.h"

namespace csp::eventstore::detail {

// Lets the caches be searched with a string_view, without a copy.
struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};
using KeyByText = std::unordered_map<std::string, std::int64_t, TextHash, std::equal_to<>>;

struct Statements {
  sqlite::Statement begin, commit, rollback, savepoint, release, rollback_to;
  sqlite::Statement head, find_command, insert_command, highest_commanded;
  sqlite::Statement find_stream, insert_stream, stream_version;
  sqlite::Statement find_name, insert_name, name_of;
  sqlite::Statement insert_event, read_stream;
};

class SqliteStore final : public EventStore {
 public:
  SqliteStore(std::string path, sqlite::Connection connection, Statements statements, SqliteOptions options);

  StoreResult<std::unique_ptr<WriteBatch>> begin_batch() override;
  StoreStatus for_each_stored(std::int64_t from_position,
                              const std::function<bool(const StoredEvent&)>& visit) override;
  StoreResult<LogHead> head() override;
  StoreResult<std::optional<CommandRecord>> find_command(std::string_view command_id) override;
  StoreResult<std::int64_t> highest_commanded_position() override;
  StoreResult<std::int64_t> wait_for_events(std::int64_t after_position, std::chrono::milliseconds timeout) override;

  // Used by SqliteBatch, which holds the write transaction.
  StoreResult<AppendOutcome> append_in_transaction(const AppendRequest& request);
  StoreStatus commit_transaction();
  void rollback_transaction();
  StoreResult<std::vector<StoredEvent>> read_stream_stored(std::string_view stream_id,
                                                           std::int64_t from_version) override;

 private:
  StoreResult<std::int64_t> stream_key(std::string_view stream_id, bool creates);
  StoreResult<std::int64_t> name_key(std::string_view name);
  StoreResult<std::string_view> name_of(std::int64_t key);
  StoreResult<AppendOutcome> write_events(const AppendRequest& request);
  void forget_uncommitted_keys();

  std::string path_;
  sqlite::Connection connection_;
  Statements statements_;
  SqliteOptions options_;
  ChainHasher hasher_;
  bool is_batch_open_ = false;
  LogHead head_;  // valid while a batch is open
  KeyByText stream_keys_;
  KeyByText name_keys_;
  std::unordered_map<std::int64_t, std::string> names_;
};

// Wakes wait_for_events in every store object of this process.
void signal_commit();

}  // namespace csp::eventstore::detail
