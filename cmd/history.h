#pragma once
// The audit trail of one thing (`history`, GET /history): its events,
// oldest first, as stored_event_json lines with the private fields
// withheld from a reader who may not see them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/error.h"
#include "eventstore/store.h"

namespace csp::cmd {

// What to show, by one of its ids, and which of its events.
struct HistorySelector {
  enum class Kind { subscription, order, customer, ticket, link };
  Kind kind = Kind::subscription;
  std::string id;
  std::int64_t from_position = 1;
  std::optional<std::int64_t> limit;  // empty: every event from from_position on
};

// The lines; or invalid_input for an id that does not parse, unknown_* for
// one that names nothing; or the store's failure.
using HistoryAnswer = std::variant<std::vector<nlohmann::ordered_json>, domain::Error, eventstore::StoreError>;

// `reader` is the agent whose roles decide what is shown: the private
// fields of private_fields.h only to an admin-agent, and to nobody when
// `reader` is empty.
HistoryAnswer history_of(eventstore::EventStore& store, const HistorySelector& selector, std::string_view reader);

}  // namespace csp::cmd
