#include "cmd/history.h"

#include <algorithm>
#include <set>
#include <utility>

#include "cmd/event_json.h"
#include "cmd/ledger.h"
#include "cmd/private_fields.h"
#include "domain/event_codec.h"
#include "domain/streams.h"
#include "projections/stored_events.h"

namespace csp::cmd {
namespace {

using eventstore::StoredEvent;
using eventstore::StoreError;
using eventstore::StoreResult;

// The streams holding a customer's story: its registration, its
// subscriptions and their refund tickets. Found by scanning the log.
StoreResult<std::set<std::string>> customer_streams(eventstore::EventStore& store, const std::string& customer_stream) {
  std::set<std::string> streams{customer_stream};
  const std::string tenant = customer_stream.substr(std::string("customer-").size());
  StoreResult<std::set<std::string>> failure = streams;
  eventstore::StoreStatus scanned = store.for_each(1, [&](const StoredEvent& stored) {
    if (stored.event_type != "SoftwarePurchased" && stored.event_type != "PurchaseCancelled") return true;
    auto event = projections::decode_stored(stored);
    if (!event) {
      failure = event.error();
      return false;
    }
    if (const auto* purchased = std::get_if<domain::SoftwarePurchased>(&*event); purchased && purchased->tenant.str() == tenant) {
      streams.insert(stored.stream_id);
    }
    if (const auto* cancelled = std::get_if<domain::PurchaseCancelled>(&*event); cancelled && cancelled->tenant.str() == tenant) {
      streams.insert(domain::refund_stream(cancelled->ticket));
    }
    return true;
  });
  if (!scanned) return scanned.error();
  if (!failure) return failure;
  return streams;
}

StoreResult<std::set<std::string>> selected_streams(eventstore::EventStore& store, const HistorySelector& selector,
                                                    domain::Error& unknown) {
  using Kind = HistorySelector::Kind;
  if (selector.kind == Kind::subscription) {
    auto id = domain::SubscriptionId::parse(selector.id);
    if (!id) return StoreError{StoreError::Kind::invalid_argument, id.error().message};
    unknown = domain::Error{domain::ErrorCode::unknown_subscription, "subscription " + id->str() + " does not exist"};
    return std::set<std::string>{domain::subscription_stream(*id)};
  }
  if (selector.kind == Kind::ticket) {
    auto id = domain::TicketId::parse(selector.id);
    if (!id) return StoreError{StoreError::Kind::invalid_argument, id.error().message};
    unknown = domain::Error{domain::ErrorCode::unknown_ticket, "refund ticket " + id->str() + " does not exist"};
    return std::set<std::string>{domain::refund_stream(*id)};
  }
  // A link and an order name their subscription's stream through an alias.
  const auto aliased = [&](const std::string& alias) -> StoreResult<std::set<std::string>> {
    auto stream = store.resolve_alias(alias);
    if (!stream) return std::move(stream).error();
    return *stream ? std::set<std::string>{**stream} : std::set<std::string>{};
  };
  if (selector.kind == Kind::link) {
    auto id = domain::LinkId::parse(selector.id);
    if (!id) return StoreError{StoreError::Kind::invalid_argument, id.error().message};
    unknown = domain::Error{domain::ErrorCode::unknown_link, "download link " + id->str() + " does not exist"};
    return aliased(link_alias(*id));
  }
  if (selector.kind == Kind::order) {
    auto id = domain::OrderId::parse(selector.id);
    if (!id) return StoreError{StoreError::Kind::invalid_argument, id.error().message};
    unknown = domain::Error{domain::ErrorCode::unknown_subscription, "order " + id->str() + " does not exist"};
    return aliased(order_alias(*id));
  }
  unknown = domain::Error{domain::ErrorCode::unknown_customer, "customer " + selector.id + " is not registered"};
  std::string stream;
  if (auto tenant = domain::TenantId::parse(selector.id)) {
    stream = domain::customer_stream(*tenant);
  } else if (auto domain_name = domain::DomainName::parse(selector.id)) {
    auto found = store.resolve_alias(domain_alias(*domain_name));
    if (!found) return std::move(found).error();
    if (!*found) return std::set<std::string>{};
    stream = **found;
  } else {
    return StoreError{StoreError::Kind::invalid_argument,
                      "customer \"" + selector.id + "\" is neither a tenant GUID nor a domain name"};
  }
  return customer_streams(store, stream);
}

// A link's story within its subscription's stream: the events that name it.
bool concerns_link(const nlohmann::ordered_json& line, const std::string& link) {
  const nlohmann::ordered_json& event = line["event"];
  if (event.contains("link_id")) return event["link_id"] == link;
  if (event.contains("links_revoked")) {
    const auto& revoked = event["links_revoked"];
    return std::find(revoked.begin(), revoked.end(), link) != revoked.end();
  }
  return false;
}

}  // namespace

HistoryAnswer history_of(eventstore::EventStore& store, const HistorySelector& selector, std::string_view reader) {
  auto is_private_shown = reads_private_fields(store, reader);
  if (!is_private_shown) return is_private_shown.error();
  domain::Error unknown;
  auto streams = selected_streams(store, selector, unknown);
  if (!streams) {
    if (streams.error().kind == StoreError::Kind::invalid_argument) return domain::invalid_input(streams.error().message);
    return streams.error();
  }
  std::vector<StoredEvent> events;
  for (const auto& stream : *streams) {
    auto read = store.read_stream(stream);
    if (!read) return read.error();
    events.insert(events.end(), read->begin(), read->end());
  }
  if (events.empty()) return unknown;
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.position < b.position; });
  std::vector<nlohmann::ordered_json> lines;
  const std::string link_id = selector.kind == HistorySelector::Kind::link ? domain::LinkId::parse(selector.id)->str() : "";
  for (const auto& stored : events) {
    if (stored.position < selector.from_position) continue;
    if (selector.limit && std::cmp_greater_equal(lines.size(), *selector.limit)) break;
    auto event = projections::decode_stored(stored);
    if (!event) return event.error();
    nlohmann::ordered_json line = stored_event_json(stored, *event, false);
    if (!link_id.empty() && !concerns_link(line, link_id)) continue;
    if (!*is_private_shown) withhold_private_fields(line);
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace csp::cmd
