#pragma once
// Payload upcasters: each turns the bytes of one event type's version v into
// version v+1. Old events are never rewritten; the store applies these on
// read (eventstore/upcasting.h), and the hash keeps covering the old bytes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace csp::domain {

struct UpcastStep {
  std::string_view event_type;
  std::uint32_t from_version;
  Result<std::string> (*upcast)(std::string_view payload);
};

// Every step the current event types need.
std::vector<UpcastStep> upcast_steps();

// CustomerRegistered v1 (tenant, domain, market, at) to v2 (with no name).
Result<std::string> upcast_customer_registered_v1(std::string_view payload);

}  // namespace csp::domain
