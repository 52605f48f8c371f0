// Reading the SQLite log: streams, the whole log, the head, and waiting for
// new events.

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <mutex>

#include "eventstore/sqlite/store_impl.h"

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
      session_(connection_.handle()),
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
  // A statement left on a row keeps its read snapshot open across commits.
  query.reset();
  return std::string_view(inserted.first->second);
}

// Fills `event` from a row of `event_columns`, reusing its strings' memory.
StoreStatus SqliteStore::read_event(const sqlite::Statement& row, StoredEvent& event) {
  event.position = row.integer(0);
  event.stream_id.assign(row.text(1));
  event.stream_version = row.integer(2);
  event.schema_version = static_cast<std::uint32_t>(row.integer(4));
  if (row.is_null(5)) {
    event.command_id.assign("@");
    event.command_id.append(std::to_string(row.integer(6)));
  } else {
    event.command_id.assign(row.text(5));
  }
  event.business_time_us = row.integer(9);
  event.recorded_time_us = row.integer(10);
  event.payload.assign(row.blob(11));
  copy_hash(row.blob(12), event.hash);
  for (const auto& [column, target] : {std::pair{3, &event.event_type}, std::pair{7, &event.actor},
                                       std::pair{8, &event.role}}) {
    auto name = name_of(row.integer(column));
    if (!name) {
      return StoreError{name.error().kind, "event at position " + std::to_string(event.position) + ": " + name.error().message};
    }
    target->assign(*name);
  }
  return StoreStatus::success();
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
    StoredEvent& event = events.emplace_back();
    if (StoreStatus read = read_event(query, event); !read) return read.error();
  }
  query.reset();
  return events;
}

StoreStatus SqliteStore::for_each_stored(std::int64_t from_position,
                                         const std::function<bool(const StoredEvent&)>& visit) {
  // A statement of its own: `visit` may call back into this store.
  const std::string sql = std::string("SELECT ") + event_columns + "WHERE e.position >= ?1 ORDER BY e.position";
  auto prepared = sqlite::Statement::prepare(connection_.handle(), sql.c_str());
  if (!prepared) return prepared.error();
  sqlite::Statement& query = prepared->bind(1, from_position);
  StoredEvent event;
  while (true) {
    auto has_row = query.step("reading the log");
    if (!has_row) return has_row.error();
    if (!*has_row) return StoreStatus::success();
    if (StoreStatus read = read_event(query, event); !read) return read;
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
  const std::int64_t first = query.integer(0);
  std::optional<Hash> digest;
  if (!query.is_null(1)) {
    digest = hash_from_bytes(query.blob(1));
    if (!digest) {
      query.reset();
      return StoreError{StoreError::Kind::corrupt, path_ + " is damaged: the digest of command " + std::string(command_id) +
                                                       " is not 32 bytes"};
    }
  }
  query.reset();
  auto& tail = statements_.command_tail.reset().bind(1, first);
  auto counted = tail.step("counting a command's events");
  if (!counted) return std::move(counted).error();
  const std::int64_t others = tail.integer(0);
  tail.reset();
  return std::optional<CommandRecord>(CommandRecord{first, 1 + others, digest});
}

StoreResult<std::vector<PositionedDigest>> SqliteStore::command_digests_between(std::int64_t first_position,
                                                                               std::int64_t last_position) {
  std::vector<PositionedDigest> digests;
  auto& query = statements_.digests_between.reset().bind(1, first_position).bind(2, last_position);
  while (true) {
    auto has_row = query.step("reading command digests");
    if (!has_row) return std::move(has_row).error();
    if (!*has_row) break;
    const std::int64_t position = query.integer(0);
    const auto digest = hash_from_bytes(query.blob(1));
    if (!digest) {
      query.reset();
      return StoreError{StoreError::Kind::corrupt, path_ + " is damaged: the digest of the command at position " +
                                                       std::to_string(position) + " is not 32 bytes"};
    }
    digests.push_back(PositionedDigest{position, *digest});
  }
  query.reset();
  return digests;
}

StoreResult<std::optional<std::string>> SqliteStore::resolve_alias(std::string_view alias) {
  auto& query = statements_.find_alias.reset().bind(1, alias);
  auto has_row = query.step("resolving an alias");
  if (!has_row) return std::move(has_row).error();
  std::optional<std::string> stream;
  if (*has_row) stream = std::string(query.text(0));
  query.reset();
  return stream;
}

StoreStatus SqliteStore::for_each_alias(
    const std::function<bool(std::string_view alias, std::string_view stream_id)>& visit) {
  // A statement of its own, like for_each_stored: `visit` may call back.
  auto prepared = sqlite::Statement::prepare(
      connection_.handle(),
      "SELECT a.alias, coalesce(s.stream_id, '') FROM aliases a LEFT JOIN streams s USING (stream_key) ORDER BY a.alias");
  if (!prepared) return prepared.error();
  while (true) {
    auto has_row = prepared->step("reading the aliases");
    if (!has_row) return has_row.error();
    if (!*has_row) return StoreStatus::success();
    if (!visit(prepared->text(0), prepared->text(1))) return StoreStatus::success();
  }
}

StoreResult<LogHead> SqliteStore::recorded_head() {
  auto& query = statements_.recorded_head.reset();
  auto has_row = query.step("reading the recorded head");
  if (!has_row) return std::move(has_row).error();
  const std::string text(*has_row ? query.text(0) : std::string_view());
  query.reset();
  const std::size_t space = text.find(' ');
  std::int64_t position = -1;
  try {
    position = space == std::string::npos ? -1 : std::stoll(text.substr(0, space));
  } catch (const std::exception&) {
    position = -1;
  }
  const auto hash = space == std::string::npos ? std::nullopt : hash_from_hex(std::string_view(text).substr(space + 1));
  if (position < 0 || !hash) {
    return StoreError{StoreError::Kind::corrupt, path_ + " is damaged: its recorded head \"" + text + "\" is unreadable"};
  }
  return LogHead{position, *hash};
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
