#pragma once
// The numbers the rules use, in one value. Events copy the numbers they
// applied (a link's expiry and download limit, a purchase's cancel deadline:
// L7), so a new policy never rewrites history.

#include <chrono>
#include <cstdint>
#include <vector>

#include "domain/market.h"

namespace csp::domain {

struct Policy {
  std::vector<Market> reserved_instance_restricted_markets;  // R1
  std::chrono::seconds link_lifetime{0};                     // R5
  std::uint32_t link_downloads_max = 0;                      // R5
  std::chrono::seconds cancel_window{0};                     // R8

  // The seed document's numbers: 18 markets, 14 days, 50 downloads, 60 days.
  static Policy from_seed();

  bool restricts_reserved_instances_in(const Market& market) const;
};

}  // namespace csp::domain
