#include "domain/policy.h"

#include <algorithm>
#include <stdexcept>

namespace csp::domain {

Policy Policy::from_seed() {
  using days = std::chrono::days;
  Policy policy;
  for (const char* code : {"AR", "AZ", "BY", "BR", "CN", "IN", "ID", "KZ", "LI", "MY", "MX", "RU", "SA", "ZA",
                           "KR", "TW", "TR", "UA"}) {
    auto market = Market::parse(code);
    if (!market) throw std::logic_error("seed market list holds an invalid code");
    policy.reserved_instance_restricted_markets.push_back(*market);
  }
  policy.link_lifetime = std::chrono::duration_cast<std::chrono::seconds>(days{14});
  policy.link_downloads_max = 50;
  policy.cancel_window = std::chrono::duration_cast<std::chrono::seconds>(days{60});
  return policy;
}

bool Policy::restricts_reserved_instances_in(const Market& market) const {
  const auto& markets = reserved_instance_restricted_markets;
  return std::find(markets.begin(), markets.end(), market) != markets.end();
}

}  // namespace csp::domain
