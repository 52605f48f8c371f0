#include "eventstore/append_checks.h"

#include <set>

namespace csp::eventstore {
namespace {

StoreError invalid(std::string message) { return StoreError{StoreError::Kind::invalid_argument, std::move(message)}; }

}  // namespace

StoreStatus check_request(const AppendRequest& request) {
  const std::string_view command_id = request.command_id;
  const auto command = [command_id] { return command_id.empty() ? std::string("a command") : "command " + std::string(command_id); };
  if (!request.command_id.empty() && request.command_id.front() == '@') {
    return invalid("command id " + request.command_id + " may not start with '@': the store names commands so");
  }
  if (request.writes.empty()) return invalid(command() + " appends no events");
  std::size_t event_count = 0;
  for (std::size_t index = 0; index < request.writes.size(); ++index) {
    const StreamWrite& write = request.writes[index];
    if (write.stream_id.empty()) return invalid(command() + " writes to an unnamed stream");
    for (std::size_t earlier = 0; earlier < index; ++earlier) {
      if (request.writes[earlier].stream_id == write.stream_id) {
        return invalid(command() + " names stream " + write.stream_id + " twice");
      }
    }
    if (write.events.empty()) return invalid(command() + " writes no events to " + write.stream_id);
    if (write.expected_version < 0) return invalid("expected version of " + write.stream_id + " is negative");
    for (const auto& event : write.events) {
      if (event.event_type.empty() || event.actor.empty()) return invalid(command() + " has an event without type or actor");
    }
    for (const auto& alias : write.aliases) {
      if (alias.empty()) return invalid(command() + " gives an empty alias");
    }
    event_count += write.events.size();
  }
  if (event_count > events_per_request_max) {
    return invalid(command() + " appends " + std::to_string(event_count) + " events; the limit is " +
                   std::to_string(events_per_request_max));
  }
  return StoreStatus::success();
}

StoreError version_conflict(const StreamWrite& write, std::int64_t version) {
  return StoreError{StoreError::Kind::conflict,
                    "stream " + write.stream_id + " is at version " + std::to_string(version) + ", not " +
                        std::to_string(write.expected_version) +
                        " as expected: another command changed it; nothing was written (L4)"};
}

StoreStatus check_alias_free(EventStore& store, const std::string& alias) {
  auto taken = store.resolve_alias(alias);
  if (!taken) return taken.error();
  if (*taken) {
    return StoreError{StoreError::Kind::alias_taken, alias + " already names " + **taken + "; nothing was written"};
  }
  return StoreStatus::success();
}

StoreStatus check_aliases_free(EventStore& store, const AppendRequest& request) {
  std::set<std::string_view> seen;
  for (const auto& write : request.writes) {
    for (const auto& alias : write.aliases) {
      if (!seen.insert(alias).second) {
        return StoreError{StoreError::Kind::alias_taken,
                          alias + " is given twice for " + write.stream_id + "; nothing was written"};
      }
      if (StoreStatus free = check_alias_free(store, alias); !free) return free;
    }
  }
  return StoreStatus::success();
}

StoreResult<AppendOutcome> seen_command_outcome(const AppendRequest& request, const CommandRecord& known) {
  if (known.digest && request.command_digest && *known.digest != *request.command_digest) {
    return StoreError{StoreError::Kind::command_differs, "command id '" + request.command_id +
                                                             "' was already used for a different command; nothing was written"};
  }
  AppendOutcome replay{true, {}};
  for (std::int64_t offset = 0; offset < known.event_count; ++offset) {
    replay.positions.push_back(known.first_position + offset);
  }
  return replay;
}

StoreStatus check_imported_digest(const StoredEvent& event, bool starts_command,
                                  const std::optional<Hash>& command_digest) {
  if (!command_digest || (starts_command && event.command_id.front() != '@')) return StoreStatus::success();
  return invalid("event at position " + std::to_string(event.position) +
                 " carries a command digest but starts no command with a caller's id");
}

std::string derived_command_id(std::int64_t first_position) { return "@" + std::to_string(first_position); }

}  // namespace csp::eventstore
