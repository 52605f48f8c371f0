#pragma once
// The rows of the read models. A link's status depends on the time it is
// asked about, so it is computed for a query's `as_of`, never stored.
//
// Every row records the positions of the event that created it and of the
// last one that changed it: what an audit names when a stored row differs
// from a replay.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/events.h"

namespace csp::projections {

struct RowPositions {
  std::int64_t first_position = 0;
  std::int64_t last_position = 0;
};

struct CustomerRow : RowPositions {
  domain::TenantId tenant;
  domain::DomainName domain;
  domain::Market market;
  std::optional<domain::CustomerName> name;
  domain::Timestamp registered_at;
  std::int64_t subscriptions = 0;
};

struct SubscriptionRow : RowPositions {
  domain::SubscriptionId subscription;
  domain::OrderId order;
  domain::TenantId tenant;
  domain::Market market;
  domain::Sku product;
  domain::Quantity quantity;
  domain::Money amount;
  bool is_cancelled = false;
  domain::Timestamp purchased_at;
  domain::Timestamp cancel_deadline;
  bool is_hybrid_benefit_eligible = false;
};

enum class LinkStatus { live, expired, exhausted, revoked };
std::string_view link_status_name(LinkStatus status);

struct LinkRow : RowPositions {
  domain::LinkId link;
  domain::SubscriptionId subscription;
  domain::TenantId tenant;
  std::uint32_t downloads_used = 0;
  std::uint32_t downloads_max = 0;
  domain::Timestamp issued_at;
  domain::Timestamp expires_at;
  bool is_revoked = false;

  // R5, R10: revoked wins, then a used-up count, then the 14 days.
  LinkStatus status_at(const domain::Timestamp& as_of) const;
};

struct RevocationRow : RowPositions {
  domain::SubscriptionId subscription;
  domain::TicketId ticket;
  domain::TenantId tenant;
  domain::Timestamp revoked_at;
  std::int64_t keys_revoked = 0;
  std::int64_t links_revoked = 0;
};

enum class RefundStatus { open, refunded, rejected };
std::string_view refund_status_name(RefundStatus status);

struct RefundRow : RowPositions {
  domain::TicketId ticket;
  domain::SubscriptionId subscription;
  domain::OrderId order;
  domain::TenantId tenant;
  domain::Reason reason;
  domain::Money requested_amount;
  RefundStatus status = RefundStatus::open;
  std::optional<domain::Money> refunded_amount;
  domain::Timestamp opened_at;
  std::optional<domain::Timestamp> resolved_at;
  domain::Market market;  // the purchase's
};

// Each row's key in its read model.
inline const domain::TenantId& key_of(const CustomerRow& row) { return row.tenant; }
inline const domain::SubscriptionId& key_of(const SubscriptionRow& row) { return row.subscription; }
inline const domain::LinkId& key_of(const LinkRow& row) { return row.link; }
inline const domain::TicketId& key_of(const RevocationRow& row) { return row.ticket; }
inline const domain::TicketId& key_of(const RefundRow& row) { return row.ticket; }

}  // namespace csp::projections
