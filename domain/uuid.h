#pragma once
// Identifiers that are GUIDs: a customer's tenant and the ledger's own ids.
// Each kind is a distinct type, so an order id cannot be passed where a
// subscription id is meant. Stored as 16 raw bytes; printed lowercase.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <cereal/types/array.hpp>

#include "domain/result.h"

namespace csp::domain {

namespace detail {
using UuidBytes = std::array<std::uint8_t, 16>;
// Accepts the 8-4-4-4-12 hex form, any letter case, optionally in braces.
std::optional<UuidBytes> parse_uuid_bytes(std::string_view text);
std::string format_uuid(const UuidBytes& bytes);
Error uuid_error(std::string_view what, std::string_view text);
}  // namespace detail

template <class Tag>
class Uuid {
 public:
  Uuid() = default;  // only for decoding; the all-zero GUID

  static Result<Uuid> parse(std::string_view text) {
    auto bytes = detail::parse_uuid_bytes(text);
    if (!bytes) return detail::uuid_error(Tag::what, text);
    return Uuid(*bytes);
  }
  static Uuid from_bytes(const detail::UuidBytes& bytes) { return Uuid(bytes); }

  std::string str() const { return detail::format_uuid(bytes_); }
  const detail::UuidBytes& bytes() const { return bytes_; }

  friend auto operator<=>(const Uuid&, const Uuid&) = default;

  template <class Archive>
  void serialize(Archive& archive) { archive(bytes_); }

 private:
  explicit Uuid(const detail::UuidBytes& bytes) : bytes_(bytes) {}
  detail::UuidBytes bytes_{};
};

struct TenantTag { static constexpr std::string_view what = "tenant id"; };
struct OrderTag { static constexpr std::string_view what = "order id"; };
struct SubscriptionTag { static constexpr std::string_view what = "subscription id"; };
struct LinkTag { static constexpr std::string_view what = "link id"; };
struct TicketTag { static constexpr std::string_view what = "ticket id"; };

using TenantId = Uuid<TenantTag>;
using OrderId = Uuid<OrderTag>;
using SubscriptionId = Uuid<SubscriptionTag>;
using LinkId = Uuid<LinkTag>;
using TicketId = Uuid<TicketTag>;

}  // namespace csp::domain
