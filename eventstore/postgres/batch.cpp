// Writing to the PostgreSQL log: one transaction per batch, serialised on
// the one-row head table (FORMAT.md, "One chain across nodes"). Rows wait
// in memory and go to the server in one binary COPY before anything could
// read them and at commit, not a round trip per row.

#include <string>

#include "eventstore/append_checks.h"
#include "eventstore/postgres/store_impl.h"
#include "eventstore/transaction_batch.h"

namespace csp::eventstore::detail {
namespace {

using postgres::Params;

constexpr const char* lock_head_sql = "SELECT position FROM ledger_head WHERE id = 1 FOR UPDATE";
constexpr const char* events_copy_sql =
    "COPY events (position, stream_id, stream_version, event_type, schema_version, command_id, command_first, actor, "
    "role, business_time, recorded_time, payload, hash) FROM STDIN (FORMAT binary)";
constexpr const char* aliases_copy_sql = "COPY aliases (alias, stream_id) FROM STDIN (FORMAT binary)";
constexpr const char* digests_copy_sql = "COPY command_digests (position, digest) FROM STDIN (FORMAT binary)";

}  // namespace

StoreResult<std::unique_ptr<WriteBatch>> PostgresStore::begin_batch() {
  if (is_batch_open_) throw std::logic_error("a batch is already open on this store object");
  if (StoreStatus ready = ready_to_look_up(); !ready) return ready.error();
  if (StoreStatus begun = connection_.exec("BEGIN", "starting a write transaction"); !begun) return begun.error();
  is_batch_open_ = true;
  batch_failure_.reset();
  // The lock comes first, in a statement of its own: every read after it
  // takes a snapshot that holds every commit before ours.
  auto locked = connection_.query_prepared("lock_head", lock_head_sql, Params(), "waiting for the log head");
  auto current = locked ? head() : StoreResult<LogHead>(locked.error());
  if (!current) {
    rollback_transaction();
    return std::move(current).error();
  }
  head_ = *current;
  is_log_unchanged_by_others_ = head_.position == known_head_position_;
  appended_by_others_.reset();
  if (!is_log_unchanged_by_others_ && known_head_position_ >= 0 && head_.position > known_head_position_) {
    appended_by_others_ = WriteBatch::AppendedByOthers{known_head_position_, head_.position};
  }
  // Stream versions move when another node commits: those it moved are
  // read again in one query, or all are dropped after a long absence.
  if (stream_versions_.size() > cached_streams_max) stream_versions_.clear();
  if (!is_log_unchanged_by_others_) {
    StoreStatus followed = follow_stream_versions();
    if (!followed) {
      rollback_transaction();
      return followed.error();
    }
  }
  known_head_position_ = head_.position;
  return std::unique_ptr<WriteBatch>(std::make_unique<TransactionBatch<PostgresStore>>(*this, upcasters()));
}

StoreStatus PostgresStore::follow_stream_versions() {
  constexpr std::int64_t events_followed_max = 10'000;
  if (!appended_by_others_ || head_.position - appended_by_others_->after_position > events_followed_max) {
    stream_versions_.clear();
    return StoreStatus::success();
  }
  auto moved = connection_.query_prepared(
      "streams_moved", "SELECT stream_id, max(stream_version) FROM events WHERE position > $1 GROUP BY stream_id",
      Params().add(appended_by_others_->after_position), "reading the streams other nodes moved");
  if (!moved) return moved.error();
  // Versions only grow with positions: the newest after the head this
  // object knew is the stream's version now.
  for (int row = 0; row < PQntuples(moved->get()); ++row) {
    stream_versions_.insert_or_assign(std::string(postgres::bytes_at(moved->get(), row, 0)),
                                      postgres::integer_at(moved->get(), row, 1));
  }
  return StoreStatus::success();
}

StoreStatus PostgresStore::ready_to_look_up() {
  if (!is_batch_open_ && !is_snapshot_open_ && connection_.is_lost_while_idle()) {
    if (StoreStatus again = connection_.reconnect(); !again) return again;
    forget_uncommitted_state();
  }
  return StoreStatus::success();
}

StoreStatus PostgresStore::ready_to_read() {
  if (StoreStatus ready = ready_to_look_up(); !ready) return ready;
  return send_pending_rows();
}

StoreStatus PostgresStore::send_pending_rows() {
  if (!pending_events_.is_empty()) {
    const std::string rows = pending_events_.finish();
    if (StoreStatus sent = connection_.copy_in(events_copy_sql, rows, "appending events"); !sent) return sent;
  }
  if (!pending_aliases_.is_empty()) {
    const std::string rows = pending_aliases_.finish();
    if (StoreStatus sent = connection_.copy_in(aliases_copy_sql, rows, "adding aliases"); !sent) return sent;
  }
  if (!pending_digests_.is_empty()) {
    const std::string rows = pending_digests_.finish();
    if (StoreStatus sent = connection_.copy_in(digests_copy_sql, rows, "recording command digests"); !sent) return sent;
  }
  if (!queued_writes_.empty()) {
    const std::vector<postgres::Connection::Queued> writes = std::move(queued_writes_);
    queued_writes_.clear();
    if (StoreStatus sent = connection_.run_pipelined(writes, "writing read-model rows"); !sent) return sent;
  }
  return StoreStatus::success();
}

StoreStatus PostgresStore::commit_transaction() {
  if (batch_failure_) {
    is_batch_open_ = false;
    return *batch_failure_;
  }
  StoreStatus committed = send_pending_rows();
  if (committed) {
    const std::string record_head = "UPDATE ledger_head SET position = " + std::to_string(head_.position) +
                                    ", hash = '\\x" + hash_hex(head_.hash) + "' WHERE id = 1; NOTIFY " +
                                    pg_commit_channel + "; COMMIT";
    committed = connection_.exec(record_head, "committing");
  }
  if (!committed) {
    rollback_transaction();
    return committed;
  }
  is_batch_open_ = false;
  known_head_position_ = head_.position;
  forget_batch_lookups();
  return committed;
}

void PostgresStore::rollback_transaction() {
  // Fails only when no transaction is open or the connection is gone;
  // either way nothing of it can commit.
  if (!connection_.is_broken()) (void)connection_.exec("ROLLBACK", "rolling back");
  is_batch_open_ = false;
  forget_uncommitted_state();
}

void PostgresStore::forget_batch_lookups() {
  pending_commands_.clear();
  pending_alias_streams_.clear();
  commands_ahead_.clear();
  aliases_ahead_.clear();
  streams_ahead_.clear();
}

void PostgresStore::forget_uncommitted_state() {
  stream_versions_.clear();
  pending_events_.clear();
  pending_aliases_.clear();
  pending_digests_.clear();
  forget_batch_lookups();
  queued_writes_.clear();
  is_log_unchanged_by_others_ = false;
  appended_by_others_.reset();
  known_head_position_ = -1;
  import_command_id_.clear();
  import_command_first_ = 0;
}

StoreError PostgresStore::fail_batch(const StoreError& error) {
  rollback_transaction();
  is_batch_open_ = true;
  batch_failure_ = StoreError{error.kind, error.message + "; the whole batch was rolled back"};
  return *batch_failure_;
}

StoreResult<std::int64_t> PostgresStore::stream_version(const std::string& stream_id) {
  if (const auto found = stream_versions_.find(stream_id); found != stream_versions_.end()) return found->second;
  auto version = connection_.query_prepared(
      "stream_version", "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_id = $1",
      Params().add(stream_id), "reading a stream version");
  if (!version) return std::move(version).error();
  const std::int64_t value = postgres::integer_at(version->get(), 0, 0);
  stream_versions_.emplace(stream_id, value);
  return value;
}

StoreResult<AppendOutcome> PostgresStore::append_in_transaction(const AppendRequest& request) {
  if (batch_failure_) return *batch_failure_;
  if (StoreStatus valid = check_request(request); !valid) return valid.error();
  if (!request.command_id.empty()) {
    auto known = find_command(request.command_id);
    if (!known) return fail_batch(known.error());
    if (*known) return seen_command_outcome(request, **known);
  }
  std::vector<std::int64_t> versions;
  for (const auto& write : request.writes) {
    auto version = stream_version(write.stream_id);
    if (!version) return fail_batch(version.error());
    if (*version != write.expected_version) return version_conflict(write, *version);
    versions.push_back(*version);
  }
  if (StoreStatus free = check_aliases_free(*this, request); !free) {
    if (free.error().kind == StoreError::Kind::alias_taken) return free.error();
    return fail_batch(free.error());
  }
  return write_events(request, versions);
}

void PostgresStore::add_event_row(const ChainFields& fields, bool is_first_of_command, std::int64_t command_first,
                                  const Hash& hash) {
  postgres::CopyWriter& rows = pending_events_;
  rows.begin_row(13);
  rows.integer(fields.position);
  rows.bytes(fields.stream_id);
  rows.integer(fields.stream_version);
  rows.bytes(fields.event_type);
  rows.integer4(static_cast<std::int32_t>(fields.schema_version));
  rows.bytes(fields.command_id);
  if (is_first_of_command) {
    rows.null();
  } else {
    rows.integer(command_first);
  }
  rows.bytes(fields.actor);
  rows.bytes(fields.role);
  rows.integer(fields.business_time_us);
  rows.integer(fields.recorded_time_us);
  rows.bytes(fields.payload);
  rows.bytes(hash_bytes(hash));
  head_ = LogHead{fields.position, hash};
}

void PostgresStore::add_alias_rows(const std::vector<std::string>& aliases, const std::string& stream_id) {
  for (const auto& alias : aliases) {
    pending_aliases_.begin_row(2);
    pending_aliases_.bytes(alias);
    pending_aliases_.bytes(stream_id);
    pending_alias_streams_.emplace(alias, stream_id);
  }
}

void PostgresStore::add_digest_row(std::int64_t first_position, const std::optional<Hash>& command_digest) {
  if (!command_digest) return;
  pending_digests_.begin_row(2);
  pending_digests_.integer(first_position);
  pending_digests_.bytes(hash_bytes(*command_digest));
}

StoreResult<AppendOutcome> PostgresStore::write_events(const AppendRequest& request,
                                                       const std::vector<std::int64_t>& versions_before) {
  const std::int64_t first_position = head_.position + 1;
  const std::string command_id = request.command_id.empty() ? derived_command_id(first_position) : request.command_id;
  const std::int64_t recorded_time = options_.clock_us();
  AppendOutcome outcome;
  for (std::size_t index = 0; index < request.writes.size(); ++index) {
    const StreamWrite& write = request.writes[index];
    std::int64_t version = versions_before[index];
    for (const NewEvent& event : write.events) {
      const ChainFields fields{head_.position + 1, write.stream_id,  ++version,   event.event_type,
                               event.schema_version, command_id,    event.actor, event.role,
                               event.business_time_us, recorded_time, event.payload};
      const Hash hash = hasher_.next(head_.hash, fields);
      add_event_row(fields, fields.position == first_position, first_position, hash);
      outcome.positions.push_back(fields.position);
    }
    stream_versions_[write.stream_id] = version;
    streams_ahead_.erase(write.stream_id);
    add_alias_rows(write.aliases, write.stream_id);
  }
  // A command without a caller's id can never come again: its digest would
  // never be read.
  if (!request.command_id.empty()) {
    pending_commands_.emplace(request.command_id, CommandRecord{first_position,
                                                                static_cast<std::int64_t>(outcome.positions.size()),
                                                                request.command_digest});
    add_digest_row(first_position, request.command_digest);
  }
  return outcome;
}

StoreStatus PostgresStore::import_in_transaction(const StoredEvent& event, const std::vector<std::string>& aliases,
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
  auto version = stream_version(event.stream_id);
  if (!version) return fail_batch(version.error());
  if (event.stream_version != *version + 1) {
    return refuse("has version " + std::to_string(event.stream_version) + " of " + event.stream_id + ", expected " +
                  std::to_string(*version + 1));
  }
  // A command's events are contiguous: this one continues the previous
  // event's command or starts a new one at its own position.
  const bool continues = event.command_id == import_command_id_;
  if (continues) {
    if (event.position - import_command_first_ >= static_cast<std::int64_t>(events_per_request_max)) {
      return refuse("makes command " + event.command_id + " longer than " + std::to_string(events_per_request_max) +
                    " events");
    }
  } else if (event.command_id.front() == '@') {
    if (event.command_id != derived_command_id(event.position)) return refuse("names a command it does not start");
  } else {
    auto known = find_command(event.command_id);
    if (!known) return fail_batch(known.error());
    if (*known) return refuse("repeats command id " + event.command_id);
  }
  if (StoreStatus digest = check_imported_digest(event, !continues, command_digest); !digest) return digest;
  if (hasher_.next(head_.hash, chain_fields(event)) != event.hash) {
    return StoreError{StoreError::Kind::corrupt, at + " does not match its hash: the export was changed"};
  }
  for (const auto& alias : aliases) {
    if (StoreStatus free = check_alias_free(*this, alias); !free) {
      if (free.error().kind == StoreError::Kind::alias_taken) return free;
      return fail_batch(free.error());
    }
  }
  add_event_row(chain_fields(event), !continues, import_command_first_, event.hash);
  add_alias_rows(aliases, event.stream_id);
  stream_versions_[event.stream_id] = event.stream_version;
  streams_ahead_.erase(event.stream_id);
  if (!continues) {
    import_command_id_ = event.command_id;
    import_command_first_ = event.position;
    if (event.command_id.front() != '@') {
      pending_commands_.emplace(event.command_id, CommandRecord{event.position, 1, command_digest});
    }
    add_digest_row(event.position, command_digest);
  } else if (const auto found = pending_commands_.find(event.command_id); found != pending_commands_.end()) {
    ++found->second.event_count;
  }
  return StoreStatus::success();
}

}  // namespace csp::eventstore::detail
