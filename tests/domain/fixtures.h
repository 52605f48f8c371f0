#pragma once
// Test values built from literals. `parsed` fails the test loudly when a
// literal is not valid, so a typo in a fixture never passes silently.

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "domain/agents.h"
#include "domain/catalogue.h"
#include "domain/customer.h"
#include "domain/policy.h"
#include "domain/refund_ticket.h"
#include "domain/subscription.h"

namespace csp::domain::testing {

template <class T>
T parsed(Result<T> result) {
  if (!result) throw std::invalid_argument("fixture does not parse: " + result.error().message);
  return std::move(result).value();
}

inline Timestamp at(const std::string& text) { return parsed(Timestamp::parse(text)); }
inline Timestamp plus(const Timestamp& start, std::chrono::microseconds step) { return parsed(start.plus(step)); }

// Ids that differ by their last digits: uuid<Tag>(7) is ...000000000007.
template <class Id>
Id uuid(int serial, int kind = 0) {
  std::string digits = std::to_string(serial);
  digits.insert(0, 12 - digits.size(), '0');
  return parsed(Id::parse("00000000-0000-4000-8" + std::to_string(100 + kind) + "-" + digits));
}

inline Actor actor(const std::string& who) { return parsed(Actor::parse(who)); }
inline AgentId agent(const std::string& who) { return parsed(AgentId::parse(who)); }
inline Money money(const std::string& amount, const std::string& currency) { return parsed(Money::parse(amount, currency)); }
inline DecimalAmount decimal(const std::string& amount) { return parsed(DecimalAmount::parse(amount)); }
inline Market market(const std::string& code) { return parsed(Market::parse(code)); }
inline Sku sku(const std::string& text) { return parsed(Sku::parse(text)); }
inline Reason reason(const std::string& text) { return parsed(Reason::parse(text)); }
inline ProductKey key(int serial) {
  static constexpr std::string_view digits = "BCDFGHJKMP";
  std::string group(5, 'B');
  group[4] = digits[static_cast<std::size_t>(serial % 10)];
  group[3] = digits[static_cast<std::size_t>(serial / 10 % 10)];
  return parsed(ProductKey::parse("VK7JG-MPHTM-C97JM-9MPGT-" + group));
}

inline CommandMeta meta(const std::string& who, const Timestamp& when, const std::string& id = "cmd-1") {
  return CommandMeta{parsed(CommandId::parse(id)), actor(who), when};
}

inline const std::string admin = "alice@partner.example";
inline const std::string sales = "sam@partner.example";
inline const std::string helpdesk = "hal@partner.example";

inline Product windows_datacenter() {
  return Product{sku("windows-server-2022-datacenter"), "Windows Server 2022 Datacenter", "windows-server",
                 "datacenter", ProductKind::software, {"2022"}, {"en-us", "ja-jp"}, {"iso", "vhdx"}, true};
}
inline Product sql_standard() {
  return Product{sku("sql-server-2022-standard"), "SQL Server 2022 Standard", "sql-server", "standard",
                 ProductKind::software, {"2022"}, {"en-us", "ja-jp"}, {"iso", "vhdx"}, false};
}
inline Product reserved_instance() {
  return Product{sku("azure-ri-vm-d2s-v5-1y"), "Azure RI D2s v5 1y", "azure-reserved-instance", "d2s-v5-1y",
                 ProductKind::azure_reserved_instance, {}, {}, {}, false};
}
inline Catalogue catalogue() {
  return parsed(Catalogue::make({windows_datacenter(), sql_standard(), reserved_instance()}));
}

inline Timestamp day0() { return at("2026-01-01T00:00:00Z"); }

inline AgentsState agents() {
  AgentsState state;
  state = evolve(state, AgentRoleGranted{agent(admin), Role::admin_agent, day0()});
  state = evolve(state, AgentRoleGranted{agent(sales), Role::sales_agent, day0()});
  state = evolve(state, AgentRoleGranted{agent(helpdesk), Role::helpdesk_agent, day0()});
  return state;
}

inline CustomerRegistered registration(const std::string& market_code, int serial = 1) {
  return CustomerRegistered{uuid<TenantId>(serial, 1),
                            parsed(DomainName::parse("customer" + std::to_string(serial) + ".onmicrosoft.com")),
                            market(market_code), std::nullopt, day0()};
}

inline CustomerState customer_in(const std::string& market_code, int serial = 1) {
  return evolve(CustomerState{}, registration(market_code, serial));
}

template <class State>
State given(const std::vector<Event>& history) {
  State state;
  for (const auto& event : history) state = evolve(std::move(state), event);
  return state;
}

// A subscription context with the seed policy and the fixture catalogue.
struct World {
  AgentsState agent_roster = agents();
  Policy policy = Policy::from_seed();
  Catalogue products = catalogue();

  SubscriptionContext context(const CommandMeta& command_meta) const {
    return SubscriptionContext{command_meta, agent_roster, policy, products};
  }
};

inline PurchaseSoftware purchase_of(const Product& product, const CustomerState& customer, int serial = 1,
                                    const std::string& unit_price = "100.00", std::int64_t quantity = 2) {
  return PurchaseSoftware{customer.registration->tenant, product.sku, parsed(Quantity::of(quantity)),
                          money(unit_price, "USD"), uuid<OrderId>(serial, 2), uuid<SubscriptionId>(serial, 3)};
}

inline IssueDownloadLink link_request(int link_serial, int subscription_serial = 1) {
  return IssueDownloadLink{uuid<SubscriptionId>(subscription_serial, 3), "2022", "en-us", "iso",
                           uuid<LinkId>(link_serial, 4), key(link_serial)};
}

inline Contact contact() {
  return Contact{parsed(PersonName::parse("Kenji Sato")), parsed(EmailAddress::parse("kenji@customer1.example")),
                 parsed(PhoneNumber::parse("+81 3-1234-5678"))};
}

inline CancelPurchase cancel_request(const CustomerState& customer, const std::string& amount = "200.00",
                                     int subscription_serial = 1, int ticket_serial = 1) {
  return CancelPurchase{uuid<SubscriptionId>(subscription_serial, 3),
                        customer.registration->tenant,
                        reason("ordered the wrong edition"),
                        decimal(amount),
                        contact(),
                        std::nullopt,
                        Impact::minimal,
                        {},
                        uuid<TicketId>(ticket_serial, 5)};
}

// The decision's events must be exactly the given types, in order.
template <class... Expected>
::testing::AssertionResult has_events(const Decision& decision) {
  const std::vector<std::string_view> wanted = {Expected::type_name...};
  std::vector<std::string_view> got;
  for (const auto& event : decision.events) got.push_back(event_type_name(event));
  if (got == wanted) return ::testing::AssertionSuccess();
  std::string listing;
  for (const auto& name : got) listing += std::string(name) + " ";
  return ::testing::AssertionFailure() << "events were: [" << listing << "]"
                                       << (decision.refusal ? " refusal: " + decision.refusal->message : "");
}

inline ::testing::AssertionResult is_refused(const Decision& decision, ErrorCode code) {
  if (!decision.refusal) return ::testing::AssertionFailure() << "the command was accepted";
  if (decision.refusal->code != code) {
    return ::testing::AssertionFailure() << "refused with " << code_name(decision.refusal->code) << ": "
                                         << decision.refusal->message;
  }
  return ::testing::AssertionSuccess();
}

template <class EventType>
EventType only(const Decision& decision, std::size_t index = 0) {
  return std::get<EventType>(decision.events.at(index));
}

}  // namespace csp::domain::testing
