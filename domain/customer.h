#pragma once
// The `customer-<tenant>` stream: a customer's registration.

#include <optional>

#include "domain/agents.h"
#include "domain/commands.h"
#include "domain/decision.h"
#include "domain/events.h"

namespace csp::domain {

struct CustomerState {
  std::optional<CustomerRegistered> registration;
  std::optional<Timestamp> latest_at;

  bool matches(const CustomerRef& customer) const;
};

// admin-agent and sales-agent register customers; a tenant registers once.
Decision decide(const CustomerState& state, const RegisterCustomer& command, const CommandMeta& meta,
                const AgentsState& agents);
CustomerState evolve(CustomerState state, const Event& event);

}  // namespace csp::domain
