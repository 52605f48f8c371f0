// Writing to the SQLite log: one write transaction per batch. A command's
// versions and id are checked before it writes anything, so a refused
// command leaves no trace and needs no savepoint.

#include <string>

#include "eventstore/append_checks.h"
#include "eventstore/sqlite/store_impl.h"
#include "eventstore/transaction_batch.h"

namespace csp::eventstore::detail {

StoreResult<std::unique_ptr<WriteBatch>> SqliteStore::begin_batch() {
  if (is_batch_open_) throw std::logic_error("a batch is already open on this store object");
  if (StoreStatus begun = statements_.begin.reset().run("starting a write transaction"); !begun) return begun.error();
  is_batch_open_ = true;
  batch_failure_.reset();
  StoreStatus fresh = forget_stale_caches();
  auto current = fresh ? head() : StoreResult<LogHead>(fresh.error());
  if (!current) {
    rollback_transaction();
    return std::move(current).error();
  }
  head_ = *current;
  return std::unique_ptr<WriteBatch>(std::make_unique<TransactionBatch<SqliteStore>>(*this, upcasters()));
}

StoreStatus SqliteStore::forget_stale_caches() {
  auto& query = statements_.data_version.reset();
  auto has_row = query.step("reading the data version");
  if (!has_row) return has_row.error();
  const std::int64_t version = query.integer(0);
  query.reset();
  // Stream versions move when another connection commits; keys never do.
  is_log_unchanged_by_others_ = version == data_version_;
  if (!is_log_unchanged_by_others_ || stream_versions_.size() > cached_streams_max) stream_versions_.clear();
  if (stream_keys_.size() > cached_streams_max) stream_keys_.clear();
  if (name_keys_.size() > cached_streams_max || names_.size() > cached_streams_max) {
    name_keys_.clear();
    names_.clear();
    for (auto& recent : recent_names_) recent = RecentName{};
  }
  data_version_ = version;
  return StoreStatus::success();
}

StoreStatus SqliteStore::commit_transaction() {
  if (batch_failure_) {
    is_batch_open_ = false;
    return *batch_failure_;
  }
  const std::string head_text = std::to_string(head_.position) + " " + hash_hex(head_.hash);
  StoreStatus committed = statements_.write_head.reset().bind(1, head_text).run("recording the head");
  if (committed) committed = statements_.commit.reset().run("committing");
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
  forget_uncommitted_state();
}

void SqliteStore::forget_uncommitted_state() {
  // Keys made and versions counted inside a rolled-back transaction are
  // gone; the caches refill from the file.
  stream_keys_.clear();
  stream_versions_.clear();
  is_log_unchanged_by_others_ = false;
  name_keys_.clear();
  names_.clear();
  for (auto& recent : recent_names_) recent = RecentName{};
  import_command_id_.clear();
  import_command_first_ = 0;
}

StoreResult<std::int64_t> SqliteStore::interned_key(std::string_view text, KeyByText& cache, sqlite::Statement& find,
                                                    sqlite::Statement* insert) {
  if (const auto found = cache.find(text); found != cache.end()) return found->second;
  auto& query = find.reset().bind(1, text);
  auto has_row = query.step("looking up an interned name");
  if (!has_row) return std::move(has_row).error();
  std::int64_t key = *has_row ? query.integer(0) : 0;
  query.reset();
  if (key == 0 && insert != nullptr) {
    if (StoreStatus inserted = insert->reset().bind(1, text).run("interning a name"); !inserted) return inserted.error();
    key = sqlite3_last_insert_rowid(connection_.handle());
  }
  if (key != 0) cache.emplace(std::string(text), key);
  return key;
}

StoreResult<std::int64_t> SqliteStore::stream_key(std::string_view stream_id, bool creates) {
  return interned_key(stream_id, stream_keys_, statements_.find_stream, creates ? &statements_.insert_stream : nullptr);
}

StoreResult<std::int64_t> SqliteStore::stream_version(std::int64_t key) {
  if (key == 0) return std::int64_t{0};
  if (const auto found = stream_versions_.find(key); found != stream_versions_.end()) return found->second;
  auto& query = statements_.stream_version.reset().bind(1, key);
  auto has_row = query.step("reading a stream version");
  if (!has_row) return std::move(has_row).error();
  const std::int64_t version = query.integer(0);
  query.reset();
  stream_versions_[key] = version;
  return version;
}

StoreResult<std::int64_t> SqliteStore::name_key(std::string_view name) {
  auto key = interned_key(name, name_keys_, statements_.find_name, &statements_.insert_name);
  if (key) names_.try_emplace(*key, std::string(name));
  return key;
}

StoreResult<AppendOutcome> SqliteStore::append_in_transaction(const AppendRequest& request) {
  if (batch_failure_) return *batch_failure_;
  if (StoreStatus valid = check_request(request); !valid) return valid.error();
  if (!request.command_id.empty()) {
    auto known = find_command(request.command_id);
    if (!known) return std::move(known).error();
    if (*known) return seen_command_outcome(request, **known);
  }
  std::vector<StreamPlace> places;
  for (const auto& write : request.writes) {
    auto key = stream_key(write.stream_id, false);
    auto version = key ? stream_version(*key) : StoreResult<std::int64_t>(key.error());
    if (!version) return std::move(version).error();
    if (*version != write.expected_version) {
      return version_conflict(write, *version);
    }
    places.push_back(StreamPlace{*key, *version});
  }
  if (StoreStatus free = check_aliases_free(*this, request); !free) return free.error();
  auto outcome = write_events(request, places);
  if (!outcome) {
    // Half a command may be written: only undoing the whole batch is safe.
    rollback_transaction();
    is_batch_open_ = true;
    batch_failure_ = StoreError{outcome.error().kind, outcome.error().message + "; the whole batch was rolled back"};
    return *batch_failure_;
  }
  return outcome;
}

StoreStatus SqliteStore::insert_event_row(const ChainFields& fields, std::int64_t stream_key,
                                          std::optional<std::string_view> command_id,
                                          std::optional<std::int64_t> command_first, const Hash& hash) {
  std::int64_t name_keys[3] = {};
  const std::string_view names[3] = {fields.event_type, fields.actor, fields.role};
  for (std::size_t which = 0; which < 3; ++which) {
    RecentName& recent = recent_names_[which];
    if (recent.key == 0 || recent.name != names[which]) {
      auto name = name_key(names[which]);
      if (!name) return name.error();
      recent.name.assign(names[which]);
      recent.key = *name;
    }
    name_keys[which] = recent.key;
  }
  sqlite::Statement& insert = statements_.insert_event.reset();
  insert.bind(1, fields.position).bind(2, stream_key).bind(3, fields.stream_version).bind(4, name_keys[0]);
  insert.bind(5, static_cast<std::int64_t>(fields.schema_version));
  if (command_id) insert.bind(6, *command_id);
  if (command_first) insert.bind(7, *command_first);
  insert.bind(8, name_keys[1]).bind(9, name_keys[2]).bind(10, fields.business_time_us).bind(11, fields.recorded_time_us);
  insert.bind_blob(12, fields.payload);
  insert.bind_blob(13, hash_bytes(hash));
  if (StoreStatus inserted = insert.run("appending an event"); !inserted) return inserted;
  head_ = LogHead{fields.position, hash};
  return StoreStatus::success();
}

StoreStatus SqliteStore::insert_aliases(const std::vector<std::string>& aliases, std::int64_t stream_key) {
  for (const auto& alias : aliases) {
    if (StoreStatus added = statements_.insert_alias.reset().bind(1, alias).bind(2, stream_key).run("adding an alias");
        !added) {
      return added;
    }
  }
  return StoreStatus::success();
}

StoreStatus SqliteStore::insert_digest(std::int64_t first_position, const std::optional<Hash>& command_digest) {
  if (!command_digest) return StoreStatus::success();
  return statements_.insert_digest.reset().bind(1, first_position).bind_blob(2, hash_bytes(*command_digest))
      .run("recording a command digest");
}

StoreResult<AppendOutcome> SqliteStore::write_events(const AppendRequest& request,
                                                     const std::vector<StreamPlace>& places_before) {
  const std::int64_t first_position = head_.position + 1;
  const std::string derived_id = request.command_id.empty() ? derived_command_id(first_position) : std::string();
  const std::string& command_id = request.command_id.empty() ? derived_id : request.command_id;
  const std::int64_t recorded_time = options_.clock_us();
  AppendOutcome outcome;
  for (std::size_t index = 0; index < request.writes.size(); ++index) {
    const StreamWrite& write = request.writes[index];
    auto key = places_before[index].key != 0 ? StoreResult<std::int64_t>(places_before[index].key)
                                             : stream_key(write.stream_id, true);
    if (!key) return std::move(key).error();
    std::int64_t version = places_before[index].version;
    for (const NewEvent& event : write.events) {
      const ChainFields fields{head_.position + 1, write.stream_id,  ++version,   event.event_type,
                               event.schema_version, command_id,    event.actor, event.role,
                               event.business_time_us, recorded_time, event.payload};
      const Hash hash = hasher_.next(head_.hash, fields);
      const bool is_first = fields.position == first_position;
      const std::optional<std::string_view> stored_id =
          is_first && !request.command_id.empty() ? std::optional<std::string_view>(request.command_id) : std::nullopt;
      const std::optional<std::int64_t> first = is_first ? std::nullopt : std::optional<std::int64_t>(first_position);
      if (StoreStatus inserted = insert_event_row(fields, *key, stored_id, first, hash); !inserted) {
        return inserted.error();
      }
      outcome.positions.push_back(fields.position);
    }
    stream_versions_[*key] = version;
    if (StoreStatus added = insert_aliases(write.aliases, *key); !added) return added.error();
  }
  // A command without a caller's id can never come again: its digest would
  // never be read.
  if (!request.command_id.empty()) {
    if (StoreStatus recorded = insert_digest(first_position, request.command_digest); !recorded) return recorded.error();
  }
  return outcome;
}

StoreStatus SqliteStore::import_in_transaction(const StoredEvent& event, const std::vector<std::string>& aliases,
                                               const std::optional<Hash>& command_digest) {
  if (batch_failure_) return *batch_failure_;
  const std::string at = "event at position " + std::to_string(event.position);
  const auto refuse = [&](const std::string& why) { return StoreError{StoreError::Kind::invalid_argument, at + " " + why}; };
  if (event.position != head_.position + 1) {
    return refuse("is not next: the log holds " + std::to_string(head_.position) + " events");
  }
  if (event.stream_id.empty() || event.event_type.empty() || event.actor.empty() || event.command_id.empty()) {
    return refuse("lacks its stream, type, actor or command id");
  }
  auto existing_key = stream_key(event.stream_id, false);
  auto version = existing_key ? stream_version(*existing_key) : StoreResult<std::int64_t>(existing_key.error());
  if (!version) return version.error();
  if (event.stream_version != *version + 1) {
    return refuse("has version " + std::to_string(event.stream_version) + " of " + event.stream_id + ", expected " +
                  std::to_string(*version + 1));
  }
  // A command's events are contiguous: this one continues the previous
  // event's command or starts a new one at its own position.
  std::optional<std::string_view> stored_id;
  std::optional<std::int64_t> first;
  const bool continues = event.command_id == import_command_id_;
  if (continues) {
    if (event.position - import_command_first_ >= static_cast<std::int64_t>(events_per_request_max)) {
      return refuse("makes command " + event.command_id + " longer than " + std::to_string(events_per_request_max) +
                    " events");
    }
    first = import_command_first_;
  } else if (event.command_id.front() == '@') {
    if (event.command_id != "@" + std::to_string(event.position)) return refuse("names a command it does not start");
  } else {
    auto known = find_command(event.command_id);
    if (!known) return known.error();
    if (*known) return refuse("repeats command id " + event.command_id);
    stored_id = event.command_id;
  }
  if (StoreStatus digest = check_imported_digest(event, !continues, command_digest); !digest) return digest;
  if (hasher_.next(head_.hash, chain_fields(event)) != event.hash) {
    return StoreError{StoreError::Kind::corrupt, at + " does not match its hash: the export was changed"};
  }
  for (const auto& alias : aliases) {
    if (StoreStatus free = check_alias_free(*this, alias); !free) return free;
  }
  auto key = stream_key(event.stream_id, true);
  if (!key) return key.error();
  StoreStatus written = insert_event_row(chain_fields(event), *key, stored_id, first, event.hash);
  if (written) written = insert_aliases(aliases, *key);
  if (written) written = insert_digest(event.position, command_digest);
  if (!written) {
    rollback_transaction();
    is_batch_open_ = true;
    batch_failure_ = StoreError{written.error().kind, written.error().message + "; the whole batch was rolled back"};
    return *batch_failure_;
  }
  stream_versions_[*key] = event.stream_version;
  if (!continues) {
    import_command_id_ = event.command_id;
    import_command_first_ = event.position;
  }
  return StoreStatus::success();
}

}  // namespace csp::eventstore::detail
