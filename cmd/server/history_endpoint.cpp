#include "cmd/server/history_endpoint.h"

#include <algorithm>
#include <array>
#include <utility>
#include <variant>

#include "cmd/output.h"

namespace csp::server {
namespace {

using Kind = cmd::HistorySelector::Kind;

constexpr std::array<std::pair<std::string_view, Kind>, 5> selectors{{{"subscription", Kind::subscription},
                                                                      {"order", Kind::order},
                                                                      {"customer", Kind::customer},
                                                                      {"ticket", Kind::ticket},
                                                                      {"link", Kind::link}}};

}  // namespace

domain::Result<cmd::HistorySelector> history_selector_of(const Target& target) {
  cmd::HistorySelector selector;
  int ids_given = 0;
  for (const auto& [parameter, value] : target.parameters) {
    const auto named = std::find_if(selectors.begin(), selectors.end(),
                                    [&](const auto& entry) { return entry.first == parameter; });
    if (named != selectors.end()) {
      selector.kind = named->second;
      selector.id = value;
      ++ids_given;
    } else if (parameter == "from" || parameter == "limit") {
      const auto number = whole_number(parameter, value, parameter == "from" ? "1" : "50");
      if (!number) return number.error();
      if (*number < 1) return domain::invalid_input(parameter + " \"" + value + "\" is not 1 or more");
      if (parameter == "from") selector.from_position = *number;
      if (parameter == "limit") selector.limit = *number;
    } else {
      return domain::invalid_input("query parameter \"" + parameter +
                                   "\" is not known; give one of subscription, order, customer, ticket, link, and from or "
                                   "limit");
    }
  }
  if (ids_given != 1) {
    return domain::invalid_input("give exactly one of subscription, order, customer, ticket or link (example: "
                                 "/history?subscription=a1000000-0000-4000-8000-000000000001)");
  }
  return selector;
}

Response history_response(eventstore::EventStore& store, const cmd::HistorySelector& selector, const std::string& reader) {
  cmd::HistoryAnswer answer = cmd::history_of(store, selector, reader);
  if (const auto* refusal = std::get_if<domain::Error>(&answer)) return refusal_response(*refusal);
  if (const auto* failure = std::get_if<eventstore::StoreError>(&answer)) {
    return error_response(http::status::internal_server_error, "store_failure", failure->message);
  }
  auto& lines = std::get<std::vector<nlohmann::ordered_json>>(answer);
  return json_response(http::status::ok,
                       {{"ok", true}, {"command", "history"}, {"result", {{"events", std::move(lines)}}}});
}

}  // namespace csp::server
