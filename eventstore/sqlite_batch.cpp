// Writing to the SQLite log: one write transaction per batch, one savepoint
// per command, so a refused command never disturbs the others.

#include <set>

#include "eventstore/sqlite_store_impl.h"

namespace csp::eventstore::detail {
namespace {

StoreError invalid(std::string message) { return StoreError{StoreError::Kind::invalid_argument, std::move(message)}; }

StoreStatus check_request(const AppendRequest& request) {
  if (request.command_id.empty()) return invalid("an append needs a command id");
  if (request.writes.empty()) return invalid("command " + request.command_id + " appends no events");
  std::set<std::string_view> streams;
  for (const auto& write : request.writes) {
    if (write.stream_id.empty()) return invalid("command " + request.command_id + " writes to an unnamed stream");
    if (!streams.insert(write.stream_id).second) {
      return invalid("command " + request.command_id + " names stream " + write.stream_id + " twice");
    }
    if (write.events.empty()) return invalid("command " + request.command_id + " writes no events to " + write.stream_id);
    if (write.expected_version < 0) return invalid("expected version of " + write.stream_id + " is negative");
    for (const auto& event : write.events) {
      if (event.event_type.empty() || event.actor.empty()) {
        return invalid("command " + request.command_id + " has an event without type or actor");
      }
    }
  }
  return StoreStatus::success();
}

class SqliteBatch final : public WriteBatch {
 public:
  SqliteBatch(SqliteStore& store, const UpcasterRegistry* upcasters) : WriteBatch(upcasters), store_(store) {}
  ~SqliteBatch() override {
    if (!is_finished_) store_.rollback_transaction();
  }

  StoreResult<AppendOutcome> append(const AppendRequest& request) override {
    if (is_finished_) throw std::logic_error("append on a finished batch");
    return store_.append_in_transaction(request);
  }
  StoreResult<std::optional<CommandRecord>> find_command(std::string_view command_id) override {
    return store_.find_command(command_id);
  }
  StoreStatus commit() override {
    if (is_finished_) throw std::logic_error("commit on a finished batch");
    is_finished_ = true;
    return store_.commit_transaction();
  }

 protected:
  StoreResult<std::vector<StoredEvent>> read_stream_stored(std::string_view stream_id,
                                                           std::int64_t from_version) override {
    return store_.read_stream_stored(stream_id, from_version);
  }

 private:
  SqliteStore& store_;
  bool is_finished_ = false;
};

}  // namespace

StoreResult<std::unique_ptr<WriteBatch>> SqliteStore::begin_batch() {
  if (is_batch_open_) throw std::logic_error("a batch is already open on this store object");
  if (StoreStatus begun = statements_.begin.reset().run("starting a write transaction"); !begun) return begun.error();
  is_batch_open_ = true;
  auto current = head();
  if (!current) {
    rollback_transaction();
    return std::move(current).error();
  }
  head_ = *current;
  return std::unique_ptr<WriteBatch>(std::make_unique<SqliteBatch>(*this, upcasters()));
}

StoreStatus SqliteStore::commit_transaction() {
  StoreStatus committed = statements_.commit.reset().run("committing");
  if (!committed) {
    rollback_transaction();
    return committed;
  }
  is_batch_open_ = false;
  signal_commit();
  return committed;
}

void SqliteStore::rollback_transaction() {
  // Fails only when no transaction is open, which leaves nothing to undo.
  (void)statements_.rollback.reset().run("rolling back");
  is_batch_open_ = false;
  forget_uncommitted_keys();
}

void SqliteStore::forget_uncommitted_keys() {
  // Keys made inside a rolled-back transaction no longer exist; the caches
  // refill from the file.
  stream_keys_.clear();
  name_keys_.clear();
  names_.clear();
}

StoreResult<std::int64_t> SqliteStore::stream_key(std::string_view stream_id, bool creates) {
  if (const auto found = stream_keys_.find(stream_id); found != stream_keys_.end()) return found->second;
  auto& query = statements_.find_stream.reset().bind(1, stream_id);
  auto has_row = query.step("looking up a stream");
  if (!has_row) return std::move(has_row).error();
  std::int64_t key = *has_row ? query.integer(0) : 0;
  query.reset();
  if (key == 0 && creates) {
    if (StoreStatus inserted = statements_.insert_stream.reset().bind(1, stream_id).run("adding a stream");
        !inserted) {
      return inserted.error();
    }
    key = sqlite3_last_insert_rowid(connection_.handle());
  }
  if (key != 0) stream_keys_.emplace(std::string(stream_id), key);
  return key;
}

StoreResult<std::int64_t> SqliteStore::name_key(std::string_view name) {
  if (const auto found = name_keys_.find(name); found != name_keys_.end()) return found->second;
  auto& query = statements_.find_name.reset().bind(1, name);
  auto has_row = query.step("looking up a name");
  if (!has_row) return std::move(has_row).error();
  std::int64_t key = *has_row ? query.integer(0) : 0;
  query.reset();
  if (key == 0) {
    if (StoreStatus inserted = statements_.insert_name.reset().bind(1, name).run("adding a name"); !inserted) {
      return inserted.error();
    }
    key = sqlite3_last_insert_rowid(connection_.handle());
  }
  name_keys_.emplace(std::string(name), key);
  names_.emplace(key, std::string(name));
  return key;
}

StoreResult<AppendOutcome> SqliteStore::append_in_transaction(const AppendRequest& request) {
  if (StoreStatus valid = check_request(request); !valid) return valid.error();
  auto known = find_command(request.command_id);
  if (!known) return std::move(known).error();
  if (*known) {
    AppendOutcome replay{true, {}};
    for (std::int64_t offset = 0; offset < (*known)->event_count; ++offset) {
      replay.positions.push_back((*known)->first_position + offset);
    }
    return replay;
  }
  if (StoreStatus saved = statements_.savepoint.reset().run("starting a command"); !saved) return saved.error();
  const LogHead head_before = head_;
  auto outcome = write_events(request);
  if (!outcome) {
    (void)statements_.rollback_to.reset().run("undoing a command");
    (void)statements_.release.reset().run("ending a command");
    head_ = head_before;
    forget_uncommitted_keys();
    return outcome;
  }
  if (StoreStatus released = statements_.release.reset().run("ending a command"); !released) return released.error();
  return outcome;
}

StoreResult<AppendOutcome> SqliteStore::write_events(const AppendRequest& request) {
  std::vector<std::int64_t> versions;
  std::vector<std::int64_t> keys;
  std::int64_t event_count = 0;
  for (const auto& write : request.writes) {
    auto key = stream_key(write.stream_id, true);
    if (!key) return std::move(key).error();
    auto& query = statements_.stream_version.reset().bind(1, *key);
    auto has_row = query.step("reading a stream version");
    if (!has_row) return std::move(has_row).error();
    const std::int64_t version = query.integer(0);
    query.reset();
    if (version != write.expected_version) {
      return StoreError{StoreError::Kind::conflict,
                        "stream " + write.stream_id + " is at version " + std::to_string(version) + ", not " +
                            std::to_string(write.expected_version) +
                            " as expected: another command changed it; nothing was written (L4)"};
    }
    keys.push_back(*key);
    versions.push_back(version);
    event_count += static_cast<std::int64_t>(write.events.size());
  }
  const std::int64_t first_position = head_.position + 1;
  if (StoreStatus recorded = statements_.insert_command.reset()
                                 .bind(1, first_position)
                                 .bind(2, request.command_id)
                                 .bind(3, event_count)
                                 .run("recording a command");
      !recorded) {
    return recorded.error();
  }
  const std::int64_t recorded_time = options_.clock_us();
  AppendOutcome outcome;
  for (std::size_t index = 0; index < request.writes.size(); ++index) {
    const StreamWrite& write = request.writes[index];
    for (const NewEvent& event : write.events) {
      std::int64_t name_keys[3] = {};
      const std::string_view names[3] = {event.event_type, event.actor, event.role};
      for (std::size_t which = 0; which < 3; ++which) {
        auto key = name_key(names[which]);
        if (!key) return std::move(key).error();
        name_keys[which] = *key;
      }
      const std::int64_t position = head_.position + 1;
      const std::int64_t version = ++versions[index];
      const Hash hash = hasher_.next(
          head_.hash, ChainFields{position, write.stream_id, version, event.event_type, event.schema_version,
                                  request.command_id, event.actor, event.role, event.business_time_us,
                                  recorded_time, event.payload});
      const std::string_view hash_bytes(reinterpret_cast<const char*>(hash.data()), hash.size());
      if (StoreStatus inserted = statements_.insert_event.reset()
                                     .bind(1, position)
                                     .bind(2, keys[index])
                                     .bind(3, version)
                                     .bind(4, name_keys[0])
                                     .bind(5, static_cast<std::int64_t>(event.schema_version))
                                     .bind(6, first_position)
                                     .bind(7, name_keys[1])
                                     .bind(8, name_keys[2])
                                     .bind(9, event.business_time_us)
                                     .bind(10, recorded_time)
                                     .bind_blob(11, event.payload)
                                     .bind_blob(12, hash_bytes)
                                     .run("appending an event");
          !inserted) {
        return inserted.error();
      }
      head_ = LogHead{position, hash};
      outcome.positions.push_back(position);
    }
  }
  return outcome;
}

}  // namespace csp::eventstore::detail
