#pragma once
// The partner's agent roles. The numeric values are stored in events: never
// renumber one.

#include <cstdint>
#include <string_view>

#include "domain/result.h"

namespace csp::domain {

enum class Role : std::uint8_t {
  admin_agent = 1,
  sales_agent = 2,
  helpdesk_agent = 3,
};

// "admin-agent", "sales-agent", "helpdesk-agent".
std::string_view role_name(Role role);
Result<Role> parse_role(std::string_view text);

}  // namespace csp::domain
