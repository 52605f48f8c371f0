#include "domain/role.h"

#include <string>

#include "domain/text.h"

namespace csp::domain {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::admin_agent: return "admin-agent";
    case Role::sales_agent: return "sales-agent";
    case Role::helpdesk_agent: return "helpdesk-agent";
  }
  throw std::logic_error("role value out of range");
}

Result<Role> parse_role(std::string_view text) {
  for (const Role role : {Role::admin_agent, Role::sales_agent, Role::helpdesk_agent}) {
    if (role_name(role) == text) return role;
  }
  return invalid_input("role \"" + std::string(utf8_prefix(text, 40)) +
                       "\" is not one of admin-agent, sales-agent, helpdesk-agent");
}

}  // namespace csp::domain
