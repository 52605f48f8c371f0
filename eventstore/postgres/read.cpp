// Reading the PostgreSQL log: streams, the whole log in pages, the head,
// and waiting for commits with LISTEN/NOTIFY.

#include <poll.h>

#include <algorithm>
#include <cstring>

#include "eventstore/postgres/store_impl.h"

namespace csp::eventstore::detail {
namespace {

using postgres::Params;

// The log is read in pages of this many events: one round trip each, and
// `visit` may call back into the store between rows.
constexpr int page_events = 5000;
// A follower re-reads the head at least this often even if a notification
// was lost with its connection.
constexpr std::chrono::milliseconds wait_slice{1000};

void copy_hash(std::string_view stored, Hash& hash) {
  // A damaged hash is kept visibly wrong (zeros past its end), so an audit
  // reports it instead of the read failing.
  hash.fill(0);
  std::memcpy(hash.data(), stored.data(), std::min(stored.size(), hash.size()));
}

}  // namespace

void read_event_row(const PGresult* rows, int row, StoredEvent& event) {
  event.position = postgres::integer_at(rows, row, 0);
  event.stream_id.assign(postgres::bytes_at(rows, row, 1));
  event.stream_version = postgres::integer_at(rows, row, 2);
  event.event_type.assign(postgres::bytes_at(rows, row, 3));
  event.schema_version = static_cast<std::uint32_t>(postgres::integer_at(rows, row, 4));
  event.command_id.assign(postgres::bytes_at(rows, row, 5));
  event.actor.assign(postgres::bytes_at(rows, row, 6));
  event.role.assign(postgres::bytes_at(rows, row, 7));
  event.business_time_us = postgres::integer_at(rows, row, 8);
  event.recorded_time_us = postgres::integer_at(rows, row, 9);
  event.payload.assign(postgres::bytes_at(rows, row, 10));
  copy_hash(postgres::bytes_at(rows, row, 11), event.hash);
}

PostgresStore::PostgresStore(postgres::Connection connection, PostgresOptions options)
    : connection_(std::move(connection)), options_(std::move(options)) {}

PostgresStore::~PostgresStore() = default;

StoreResult<std::vector<StoredEvent>> PostgresStore::read_stream_stored(std::string_view stream_id,
                                                                        std::int64_t from_version) {
  if (const auto ahead = streams_ahead_.find(stream_id); ahead != streams_ahead_.end()) {
    if (ahead->second.from_version <= from_version) {
      std::vector<StoredEvent> events;
      for (auto& event : ahead->second.events) {
        if (event.stream_version >= from_version) events.push_back(std::move(event));
      }
      // Served once: the state folded from it is cached above the store.
      streams_ahead_.erase(ahead);
      return events;
    }
  }
  if (StoreStatus ready = ready_to_read(); !ready) return fail_batch(ready.error());
  auto rows = connection_.query_prepared(
      "read_stream",
      std::string("SELECT ") + pg_event_columns + "WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version",
      Params().add(stream_id).add(from_version), "reading a stream");
  if (!rows) return std::move(rows).error();
  std::vector<StoredEvent> events(static_cast<std::size_t>(PQntuples(rows->get())));
  for (std::size_t index = 0; index < events.size(); ++index) read_event_row(rows->get(), static_cast<int>(index), events[index]);
  return events;
}

StoreStatus PostgresStore::for_each_stored(std::int64_t from_position,
                                           const std::function<bool(const StoredEvent&)>& visit) {
  if (StoreStatus ready = ready_to_read(); !ready) return fail_batch(ready.error());
  StoredEvent event;
  std::int64_t next = from_position;
  while (true) {
    auto page = connection_.query_prepared(
        "read_page", std::string("SELECT ") + pg_event_columns + "WHERE position >= $1 ORDER BY position LIMIT $2",
        Params().add(next).add(std::int64_t{page_events}), "reading the log");
    if (!page) return page.error();
    const int count = PQntuples(page->get());
    for (int row = 0; row < count; ++row) {
      read_event_row(page->get(), row, event);
      if (!visit(event)) return StoreStatus::success();
    }
    if (count < page_events) return StoreStatus::success();
    next = event.position + 1;
  }
}

StoreResult<LogHead> PostgresStore::head_of(const std::string& sql, std::string_view doing) {
  if (StoreStatus ready = ready_to_read(); !ready) return ready.error();
  auto rows = connection_.query_prepared(std::string(doing), sql, Params(), doing);
  if (!rows) return std::move(rows).error();
  LogHead head;
  if (PQntuples(rows->get()) == 1) {
    head.position = postgres::integer_at(rows->get(), 0, 0);
    copy_hash(postgres::bytes_at(rows->get(), 0, 1), head.hash);
  }
  return head;
}

StoreResult<LogHead> PostgresStore::head() {
  return head_of("SELECT position, hash FROM events ORDER BY position DESC LIMIT 1", "reading the log head");
}

StoreResult<LogHead> PostgresStore::recorded_head() {
  return head_of("SELECT position, hash FROM ledger_head WHERE id = 1", "reading the recorded head");
}

StoreResult<std::optional<CommandRecord>> PostgresStore::find_command(std::string_view command_id) {
  if (const auto pending = pending_commands_.find(command_id); pending != pending_commands_.end()) {
    return std::optional<CommandRecord>(pending->second);
  }
  if (const auto ahead = commands_ahead_.find(command_id); ahead != commands_ahead_.end()) return ahead->second;
  if (StoreStatus ready = ready_to_look_up(); !ready) return ready.error();
  auto rows = connection_.query_prepared(
      "find_command", std::string(pg_command_records) + "e.command_id = $1", Params().add(command_id),
      "looking up a command");
  if (!rows) return std::move(rows).error();
  if (PQntuples(rows->get()) == 0) return std::optional<CommandRecord>();
  auto record = read_command_row(rows->get(), 0);
  if (!record) return std::move(record).error();
  return std::optional<CommandRecord>(std::move(record).value());
}

StoreResult<CommandRecord> read_command_row(const PGresult* rows, int row) {
  CommandRecord record{postgres::integer_at(rows, row, 1), 1 + postgres::integer_at(rows, row, 2)};
  if (postgres::is_null_at(rows, row, 3)) return record;
  record.digest = hash_from_bytes(postgres::bytes_at(rows, row, 3));
  if (!record.digest) {
    return StoreError{StoreError::Kind::corrupt, "the digest of command " +
                                                     std::string(postgres::bytes_at(rows, row, 0)) +
                                                     " is not 32 bytes: the database is damaged"};
  }
  return record;
}

StoreResult<std::vector<PositionedDigest>> PostgresStore::command_digests_between(std::int64_t first_position,
                                                                                 std::int64_t last_position) {
  // Rows a batch appended but has not sent yet are sent first, as for the
  // log itself, so the range shows the batch's own digests too.
  if (StoreStatus ready = ready_to_read(); !ready) return fail_batch(ready.error());
  auto rows = connection_.query_prepared(
      "digests_between", "SELECT position, digest FROM command_digests WHERE position BETWEEN $1 AND $2 ORDER BY position",
      Params().add(first_position).add(last_position), "reading command digests");
  if (!rows) return std::move(rows).error();
  std::vector<PositionedDigest> digests(static_cast<std::size_t>(PQntuples(rows->get())));
  for (std::size_t index = 0; index < digests.size(); ++index) {
    const int row = static_cast<int>(index);
    digests[index].position = postgres::integer_at(rows->get(), row, 0);
    const auto digest = hash_from_bytes(postgres::bytes_at(rows->get(), row, 1));
    if (!digest) {
      return StoreError{StoreError::Kind::corrupt, "the digest of the command at position " +
                                                       std::to_string(digests[index].position) +
                                                       " is not 32 bytes: the database is damaged"};
    }
    digests[index].digest = *digest;
  }
  return digests;
}

StoreResult<std::optional<std::string>> PostgresStore::resolve_alias(std::string_view alias) {
  if (const auto pending = pending_alias_streams_.find(alias); pending != pending_alias_streams_.end()) {
    return std::optional<std::string>(pending->second);
  }
  if (const auto ahead = aliases_ahead_.find(alias); ahead != aliases_ahead_.end()) return ahead->second;
  if (StoreStatus ready = ready_to_look_up(); !ready) return ready.error();
  auto rows = connection_.query_prepared("find_alias", "SELECT stream_id FROM aliases WHERE alias = $1",
                                         Params().add(alias), "resolving an alias");
  if (!rows) return std::move(rows).error();
  if (PQntuples(rows->get()) == 0) return std::optional<std::string>();
  return std::optional<std::string>(std::string(postgres::bytes_at(rows->get(), 0, 0)));
}

StoreStatus PostgresStore::for_each_alias(
    const std::function<bool(std::string_view alias, std::string_view stream_id)>& visit) {
  if (StoreStatus ready = ready_to_read(); !ready) return fail_batch(ready.error());
  // Byte order, as SQLite sorts: the database's collation may differ.
  auto rows = connection_.query("SELECT alias, stream_id FROM aliases ORDER BY alias COLLATE \"C\"", Params(),
                                "reading the aliases");
  if (!rows) return rows.error();
  for (int row = 0; row < PQntuples(rows->get()); ++row) {
    if (!visit(postgres::bytes_at(rows->get(), row, 0), postgres::bytes_at(rows->get(), row, 1))) break;
  }
  return StoreStatus::success();
}

StoreResult<std::int64_t> PostgresStore::wait_for_events(std::int64_t after_position,
                                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (StoreStatus ready = ready_to_read(); !ready) return ready.error();
    // A new session (a lost connection opened again) listens afresh.
    if (listening_generation_ != connection_.generation()) {
      const std::string listen = std::string("LISTEN ") + pg_commit_channel;
      if (StoreStatus listening = connection_.exec(listen, "listening for commits"); !listening) return listening.error();
      listening_generation_ = connection_.generation();
    }
    // Notifications read so far are spent: the head below is newer than any.
    while (PGnotify* notification = PQnotifies(connection_.handle())) PQfreemem(notification);
    auto current = head();
    if (!current) return std::move(current).error();
    const auto now = std::chrono::steady_clock::now();
    if (current->position > after_position || now >= deadline) return current->position;
    const auto slice = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now), wait_slice);
    pollfd socket{PQsocket(connection_.handle()), POLLIN, 0};
    (void)poll(&socket, 1, static_cast<int>(slice.count()) + 1);
    (void)PQconsumeInput(connection_.handle());
  }
}

}  // namespace csp::eventstore::detail
