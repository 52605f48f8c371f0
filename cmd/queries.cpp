// `history` and `export`: read straight from the log.

#include <algorithm>
#include <iostream>
#include <set>

#include "cmd/event_json.h"
#include "cmd/output.h"
#include "cmd/session.h"
#include "domain/event_codec.h"
#include "domain/streams.h"
#include "eventstore/chain.h"

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
  if (selector.kind == Kind::order) {
    auto id = domain::OrderId::parse(selector.id);
    if (!id) return StoreError{StoreError::Kind::invalid_argument, id.error().message};
    unknown = domain::Error{domain::ErrorCode::unknown_subscription, "order " + id->str() + " does not exist"};
    auto stream = store.resolve_alias(order_alias(*id));
    if (!stream) return std::move(stream).error();
    return *stream ? std::set<std::string>{**stream} : std::set<std::string>{};
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

std::string summary_of(const nlohmann::ordered_json& fields) {
  std::string text;
  for (const auto& [key, value] : fields.items()) {
    if (key == "description" || key == "contact" || key == "attachments") continue;
    if (value.is_object() && value.contains("amount")) {
      text += key + "=" + value["amount"].get<std::string>() + " " + value["currency"].get<std::string>() + "  ";
    } else {
      text += key + "=" + (value.is_string() ? value.get<std::string>() : json_line(value)) + "  ";
    }
  }
  return text;
}

}  // namespace

int show_history(const Globals& globals, const HistorySelector& selector) {
  auto opened = open_ledger(globals.db_path, false);
  if (!opened) return report(globals, opened.error());
  domain::Error unknown;
  auto streams = selected_streams(*opened->store, selector, unknown);
  if (!streams) {
    if (streams.error().kind == StoreError::Kind::invalid_argument) {
      return report(globals, domain::invalid_input(streams.error().message));
    }
    return report(globals, streams.error());
  }
  std::vector<StoredEvent> events;
  for (const auto& stream : *streams) {
    auto read = opened->store->read_stream(stream);
    if (!read) return report(globals, read.error());
    events.insert(events.end(), read->begin(), read->end());
  }
  if (events.empty()) return report(globals, unknown);
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.position < b.position; });
  nlohmann::ordered_json lines = nlohmann::ordered_json::array();
  for (const auto& stored : events) {
    auto event = projections::decode_stored(stored);
    if (!event) return report(globals, event.error());
    lines.push_back(stored_event_json(stored, *event, false));
  }
  if (globals.is_json) {
    std::cout << json_line(nlohmann::ordered_json{{"ok", true}, {"command", "history"}, {"result", {{"events", lines}}}})
              << "\n";
    return exit_done;
  }
  for (const auto& line : lines) {
    std::string who = line["actor"].get<std::string>();
    if (!line["role"].get<std::string>().empty()) who += " (" + line["role"].get<std::string>() + ")";
    std::cout << "#" << line["position"].get<std::int64_t>() << "  " << line["at"].get<std::string>() << "  "
              << line["type"].get<std::string>() << "  by " << who << "\n      " << summary_of(line["event"]) << "\n";
  }
  return exit_done;
}

int export_log(const Globals& globals, std::int64_t from_position) {
  auto opened = open_ledger(globals.db_path, false);
  if (!opened) return report(globals, opened.error());
  StoreResult<bool> failure = true;
  std::int64_t exported = 0;
  eventstore::Hash last_hash{};
  eventstore::StoreStatus read = opened->store->for_each_stored(from_position, [&](const StoredEvent& stored) {
    auto line = exported_event_json(stored);
    if (!line) {
      failure = line.error();
      return false;
    }
    std::cout << json_line(*line) << "\n";
    ++exported;
    last_hash = stored.hash;
    return true;
  });
  if (!read) return report(globals, read.error());
  if (!failure) return report(globals, failure.error());
  std::cout << json_line(end_of_export_json(exported, last_hash)) << "\n";
  return exit_done;
}

}  // namespace csp::cmd
