#pragma once
// The read models: a pure fold of events into rows, with no clock and no
// I/O. A link's status depends on the time it is asked about, so it is
// computed for a query's `as_of`, never stored.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/events.h"

namespace csp::projections {

struct CustomerRow {
  domain::TenantId tenant;
  domain::DomainName domain;
  domain::Market market;
  std::optional<domain::CustomerName> name;
  domain::Timestamp registered_at;
  std::int64_t subscriptions = 0;
};

struct SubscriptionRow {
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

struct LinkRow {
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

struct RevocationRow {
  domain::SubscriptionId subscription;
  domain::TicketId ticket;
  domain::TenantId tenant;
  domain::Timestamp revoked_at;
  std::int64_t keys_revoked = 0;
  std::int64_t links_revoked = 0;
};

enum class RefundStatus { open, refunded, rejected };
std::string_view refund_status_name(RefundStatus status);

struct RefundRow {
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

// Every read model, folded from the log in position order.
class ReadModels {
 public:
  void apply(const domain::Event& event, std::int64_t position);

  // The last position folded in; 0 before any.
  std::int64_t checkpoint() const { return checkpoint_; }

  const std::map<domain::TenantId, CustomerRow>& customers() const { return customers_; }
  const std::map<domain::SubscriptionId, SubscriptionRow>& subscriptions() const { return subscriptions_; }
  const std::map<domain::LinkId, LinkRow>& links() const { return links_; }
  const std::vector<RevocationRow>& revocations() const { return revocations_; }
  const std::map<domain::TicketId, RefundRow>& refunds() const { return refunds_; }

 private:
  struct Folder;

  std::int64_t checkpoint_ = 0;
  std::map<domain::TenantId, CustomerRow> customers_;
  std::map<domain::SubscriptionId, SubscriptionRow> subscriptions_;
  std::map<domain::LinkId, LinkRow> links_;
  std::vector<RevocationRow> revocations_;
  std::map<domain::TicketId, RefundRow> refunds_;
};

}  // namespace csp::projections
