#include "domain/customer.h"

#include <stdexcept>
#include <string>

#include "domain/business_time.h"

namespace csp::domain {

bool CustomerState::matches(const CustomerRef& customer) const {
  if (!registration) return false;
  if (const auto* tenant = std::get_if<TenantId>(&customer)) return *tenant == registration->tenant;
  return std::get<DomainName>(customer) == registration->domain;
}

Decision decide(const CustomerState& state, const RegisterCustomer& command, const CommandMeta& meta,
                const AgentsState& agents) {
  auto role_used = authorize(agents, meta.actor, {Role::admin_agent, Role::sales_agent}, "register customers");
  if (!role_used) return Decision::refuse(role_used.error());
  if (state.registration) {
    return Decision::refuse(invalid_input("customer " + command.tenant.str() + " is already registered (domain " +
                                          state.registration->domain.str() + ")"));
  }
  return Decision::accept(*role_used, {CustomerRegistered{command.tenant, command.domain, command.market,
                                                          command.name, meta.at}});
}

CustomerState evolve(CustomerState state, const Event& event) {
  const auto* registered = std::get_if<CustomerRegistered>(&event);
  if (registered == nullptr) {
    throw std::logic_error("event " + std::string(event_type_name(event)) + " does not belong to a customer stream");
  }
  state.registration = *registered;
  state.latest_at = registered->at;
  return state;
}

}  // namespace csp::domain
