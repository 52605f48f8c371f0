#include "domain/upcasters.h"

#include <new>
#include <sstream>
#include <stdexcept>

#include <cereal/archives/portable_binary.hpp>

#include "domain/payload_input.h"

#include "domain/event_codec.h"
#include "domain/events.h"

namespace csp::domain {
namespace {

// The layout CustomerRegistered was first stored in. Frozen: never edit.
struct CustomerRegisteredV1 {
  TenantId tenant;
  DomainName domain;
  Market market;
  Timestamp at;
  template <class Archive> void serialize(Archive& archive) { archive(tenant, domain, market, at); }
};

}  // namespace

std::vector<UpcastStep> upcast_steps() {
  return {UpcastStep{CustomerRegistered::type_name, 1, &upcast_customer_registered_v1}};
}

Result<std::string> upcast_customer_registered_v1(std::string_view payload) {
  CustomerRegisteredV1 old;
  std::istringstream input{std::string(payload)};
  try {
    PayloadInput archive(input, payload.size());
    archive(old);
  } catch (const cereal::Exception& failure) {
    return invalid_input(std::string("CustomerRegistered v1 payload is corrupt: ") + failure.what());
  } catch (const std::bad_alloc&) {
    return invalid_input("CustomerRegistered v1 payload is corrupt: it declares a size larger than memory");
  } catch (const std::length_error&) {
    return invalid_input("CustomerRegistered v1 payload is corrupt: it declares an impossible size");
  }
  if (input.peek() != std::istringstream::traits_type::eof()) {
    return invalid_input("CustomerRegistered v1 payload has trailing bytes");
  }
  return encode_payload(CustomerRegistered{old.tenant, old.domain, old.market, std::nullopt, old.at});
}

}  // namespace csp::domain
