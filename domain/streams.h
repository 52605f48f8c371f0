#pragma once
// Which stream an event belongs to: the consistency boundaries of DESIGN.md.
// Stream ids are wire format: "agents", "customer-<tenant>",
// "subscription-<id>", "refund-<ticket>".

#include <string>

#include "domain/events.h"

namespace csp::domain {

inline constexpr std::string_view agents_stream = "agents";
std::string customer_stream(const TenantId& tenant);
std::string subscription_stream(const SubscriptionId& subscription);
std::string refund_stream(const TicketId& ticket);

std::string stream_of(const Event& event);

}  // namespace csp::domain
