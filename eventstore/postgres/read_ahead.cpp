// Reading ahead for a batch (WriteBatch::read_ahead): the command ids,
// aliases and streams its commands will look up, in one query each, so a
// batch of new streams costs three round trips instead of a few per
// command. The batch holds the head lock, so no other node can change
// what was read before the batch ends.

#include "eventstore/postgres/store_impl.h"

namespace csp::eventstore::detail {
namespace {

using postgres::Params;

std::vector<std::string_view> views_of(const std::vector<std::string>& texts) {
  return std::vector<std::string_view>(texts.begin(), texts.end());
}

}  // namespace

StoreStatus PostgresStore::read_ahead_in_transaction(const WriteBatch::ReadAhead& lookups) {
  if (batch_failure_) return *batch_failure_;
  if (!is_batch_open_) throw std::logic_error("read_ahead outside a batch");
  if (StoreStatus read = read_commands_ahead(lookups.command_ids); !read) return fail_batch(read.error());
  if (StoreStatus read = read_aliases_ahead(lookups.aliases); !read) return fail_batch(read.error());
  if (StoreStatus read = read_streams_ahead(lookups.streams); !read) return fail_batch(read.error());
  return StoreStatus::success();
}

StoreStatus PostgresStore::read_commands_ahead(const std::vector<std::string>& command_ids) {
  if (command_ids.empty()) return StoreStatus::success();
  auto rows = connection_.query_prepared(
      "commands_ahead", std::string(pg_command_records) + "e.command_id = ANY($1::text[])",
      Params().add_array(views_of(command_ids)), "looking up commands");
  if (!rows) return rows.error();
  for (const auto& id : command_ids) {
    if (!pending_commands_.contains(id)) commands_ahead_.insert_or_assign(id, std::nullopt);
  }
  for (int row = 0; row < PQntuples(rows->get()); ++row) {
    auto record = read_command_row(rows->get(), row);
    if (!record) return record.error();
    commands_ahead_.insert_or_assign(std::string(postgres::bytes_at(rows->get(), row, 0)), std::move(record).value());
  }
  return StoreStatus::success();
}

StoreStatus PostgresStore::read_aliases_ahead(const std::vector<std::string>& aliases) {
  if (aliases.empty()) return StoreStatus::success();
  auto rows = connection_.query_prepared("aliases_ahead", "SELECT alias, stream_id FROM aliases WHERE alias = ANY($1::text[])",
                                         Params().add_array(views_of(aliases)), "resolving aliases");
  if (!rows) return rows.error();
  for (const auto& alias : aliases) {
    if (!pending_alias_streams_.contains(alias)) aliases_ahead_.insert_or_assign(alias, std::nullopt);
  }
  for (int row = 0; row < PQntuples(rows->get()); ++row) {
    aliases_ahead_.insert_or_assign(std::string(postgres::bytes_at(rows->get(), row, 0)),
                                    std::string(postgres::bytes_at(rows->get(), row, 1)));
  }
  return StoreStatus::success();
}

StoreStatus PostgresStore::read_streams_ahead(const std::vector<WriteBatch::StreamFrom>& streams) {
  std::vector<std::string_view> ids;
  std::vector<std::int64_t> from_versions;
  for (const auto& wanted : streams) {
    ids.push_back(wanted.stream_id);
    from_versions.push_back(wanted.from_version);
  }
  if (ids.empty()) return StoreStatus::success();
  // The batch's own appends are read too.
  if (StoreStatus sent = send_pending_rows(); !sent) return sent;
  auto rows = connection_.query_prepared(
      "streams_ahead",
      std::string("SELECT ") + pg_event_columns +
          "NATURAL JOIN unnest($1::text[], $2::bigint[]) AS wanted(stream_id, from_version) "
          "WHERE stream_version >= from_version ORDER BY stream_id, stream_version",
      Params().add_array(ids).add_array(from_versions), "reading streams");
  if (!rows) return rows.error();
  for (std::size_t index = 0; index < ids.size(); ++index) {
    streams_ahead_.insert_or_assign(std::string(ids[index]), StreamAhead{from_versions[index], {}});
  }
  const int count = PQntuples(rows->get());
  for (int row = 0; row < count; ++row) {
    StoredEvent event;
    read_event_row(rows->get(), row, event);
    auto& ahead = streams_ahead_.find(event.stream_id)->second;
    ahead.events.push_back(std::move(event));
  }
  // What was read tells the stream's version, unless it was read from
  // past its end: those versions are asked for in one more query.
  std::vector<std::string_view> unknown_versions;
  for (std::size_t index = 0; index < ids.size(); ++index) {
    const auto& events = streams_ahead_.find(ids[index])->second.events;
    if (!events.empty()) {
      stream_versions_.insert_or_assign(std::string(ids[index]), events.back().stream_version);
    } else if (from_versions[index] == 1) {
      stream_versions_.insert_or_assign(std::string(ids[index]), 0);
    } else if (!stream_versions_.contains(ids[index])) {
      unknown_versions.push_back(ids[index]);
    }
  }
  return read_versions_ahead(unknown_versions);
}

StoreStatus PostgresStore::read_versions_ahead(const std::vector<std::string_view>& streams) {
  if (streams.empty()) return StoreStatus::success();
  auto rows = connection_.query_prepared(
      "versions_ahead",
      "SELECT wanted.stream_id, coalesce((SELECT max(stream_version) FROM events WHERE events.stream_id = "
      "wanted.stream_id), 0) FROM unnest($1::text[]) AS wanted(stream_id)",
      Params().add_array(streams), "reading stream versions");
  if (!rows) return rows.error();
  for (int row = 0; row < PQntuples(rows->get()); ++row) {
    stream_versions_.insert_or_assign(std::string(postgres::bytes_at(rows->get(), row, 0)),
                                      postgres::integer_at(rows->get(), row, 1));
  }
  return StoreStatus::success();
}

}  // namespace csp::eventstore::detail
