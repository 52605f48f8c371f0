// Reading the SQLite log: streams, the whole log, the head, and waiting for
// new events.

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "eventstore/sqlite_store_impl.h"

namespace csp::eventstore::detail {
namespace {

struct CommitSignal {
  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t generation = 0;
};

CommitSignal& commit_signal() {
  static CommitSignal signal;
  return signal;
}

// Other processes' commits are seen by polling at this interval.
constexpr std::chrono::milliseconds poll_interval{25};

void copy_hash(std::string_view stored, Hash& hash) {
  // A damaged hash column is kept visibly wrong (zeros past its end), so an
  // audit reports it instead of the read failing.
  hash.fill(0);
  std::memcpy(hash.data(), stored.data(), std::min(stored.size(), hash.size()));
}

constexpr const char* read_all_sql =
    "SELECT e.position, s.stream_id, e.stream_version, e.type_key, e.schema_version, c.command_id, e.actor_key, "
    "e.role_key, e.business_time, e.recorded_time, e.payload, e.hash FROM events e "
    "LEFT JOIN streams s ON s.stream_key = e.stream_key LEFT JOIN commands c ON c.first_position = e.command_key "
    "WHERE e.position >= ?1 ORDER BY e.position";

}  // namespace

void signal_commit() {
  CommitSignal& signal = commit_signal();
  {
    std::lock_guard lock(signal.mutex);
    ++signal.generation;
  }
  signal.changed.notify_all();
}

SqliteStore::SqliteStore(std::string path, sqlite::Connection connection, Statements statements,
                         SqliteOptions options)
    : path_(std::move(path)),
      connection_(std::move(connection)),
      statements_(std::move(statements)),
      options_(std::move(options)) {}

StoreResult<std::string_view> SqliteStore::name_of(std::int64_t key) {
  if (const auto found = names_.find(key); found != names_.end()) return std::string_view(found->second);
  auto& query = statements_.name_of.reset().bind(1, key);
  auto has_row = query.step("reading an interned name");
  if (!has_row) return std::move(has_row).error();
  if (!*has_row) {
    return StoreError{StoreError::Kind::corrupt, path_ + " is damaged: name key " + std::to_string(key) + " is unknown"};
  }
  const auto inserted = names_.emplace(key, std::string(query.text(0)));
  return std::string_view(inserted.first->second);
}

StoreResult<std::vector<StoredEvent>> SqliteStore::read_stream_stored(std::string_view stream_id,
                                                                      std::int64_t from_version) {
  std::vector<StoredEvent> events;
  auto key = stream_key(stream_id, false);
  if (!key) return std::move(key).error();
  if (*key == 0) return events;
  auto& query = statements_.read_stream.reset().bind(1, *key).bind(2, from_version);
  while (true) {
    auto has_row = query.step("reading a stream");
    if (!has_row) return std::move(has_row).error();
    if (!*has_row) break;
    StoredEvent event;
    event.position = query.integer(0);
    event.stream_id = stream_id;
    event.stream_version = query.integer(1);
    event.schema_version = static_cast<std::uint32_t>(query.integer(3));
    event.command_id = query.text(4);
    event.business_time_us = query.integer(7);
    event.recorded_time_us = query.integer(8);
    event.payload = query.blob(9);
    copy_hash(query.blob(10), event.hash);
    for (const auto& [column, target] : {std::pair{2, &event.event_type}, std::pair{5, &event.actor},
                                         std::pair{6, &event.role}}) {
      auto name = name_of(query.integer(column));
      if (!name) return std::move(name).error();
      *target = *name;
    }
    events.push_back(std::move(event));
  }
  return events;
}

StoreStatus SqliteStore::for_each_stored(std::int64_t from_position,
                                         const std::function<bool(const StoredEvent&)>& visit) {
  // A statement of its own: `visit` may call back into this store.
  auto prepared = sqlite::Statement::prepare(connection_.handle(), read_all_sql);
  if (!prepared) return prepared.error();
  sqlite::Statement& query = prepared->bind(1, from_position);
  StoredEvent event;
  while (true) {
    auto has_row = query.step("reading the log");
    if (!has_row) return has_row.error();
    if (!*has_row) return StoreStatus::success();
    event.position = query.integer(0);
    event.stream_id.assign(query.text(1));
    event.stream_version = query.integer(2);
    event.schema_version = static_cast<std::uint32_t>(query.integer(4));
    event.command_id.assign(query.text(5));
    event.business_time_us = query.integer(8);
    event.recorded_time_us = query.integer(9);
    event.payload.assign(query.blob(10));
    copy_hash(query.blob(11), event.hash);
    for (const auto& [column, target] : {std::pair{3, &event.event_type}, std::pair{6, &event.actor},
                                         std::pair{7, &event.role}}) {
      auto name = name_of(query.integer(column));
      if (!name) return name.error();
      target->assign(*name);
    }
    if (!visit(event)) return StoreStatus::success();
  }
}

StoreResult<LogHead> SqliteStore::head() {
  auto& query = statements_.head.reset();
  auto has_row = query.step("reading the log head");
  if (!has_row) return std::move(has_row).error();
  LogHead head;
  if (*has_row) {
    head.position = query.integer(0);
    copy_hash(query.blob(1), head.hash);
  }
  query.reset();
  return head;
}

StoreResult<std::optional<CommandRecord>> SqliteStore::find_command(std::string_view command_id) {
  auto& query = statements_.find_command.reset().bind(1, command_id);
  auto has_row = query.step("looking up a command");
  if (!has_row) return std::move(has_row).error();
  if (!*has_row) return std::optional<CommandRecord>();
  return std::optional<CommandRecord>(CommandRecord{query.integer(0), query.integer(1)});
}

StoreResult<std::int64_t> SqliteStore::highest_commanded_position() {
  auto& query = statements_.highest_commanded.reset();
  auto has_row = query.step("reading command records");
  if (!has_row) return std::move(has_row).error();
  return query.integer(0);
}

StoreResult<std::int64_t> SqliteStore::wait_for_events(std::int64_t after_position,
                                                        std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  CommitSignal& signal = commit_signal();
  while (true) {
    std::uint64_t generation = 0;
    {
      std::lock_guard lock(signal.mutex);
      generation = signal.generation;
    }
    auto current = head();
    if (!current) return std::move(current).error();
    const auto now = std::chrono::steady_clock::now();
    if (current->position > after_position || now >= deadline) return current->position;
    std::unique_lock lock(signal.mutex);
    signal.changed.wait_until(lock, std::min(deadline, now + poll_interval),
                              [&] { return signal.generation != generation; });
  }
}

}  // namespace csp::eventstore::detail
