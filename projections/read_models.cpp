#include "projections/read_models.h"

#include <stdexcept>

namespace csp::projections {

std::string_view link_status_name(LinkStatus status) {
  switch (status) {
    case LinkStatus::live: return "live";
    case LinkStatus::expired: return "expired";
    case LinkStatus::exhausted: return "exhausted";
    case LinkStatus::revoked: return "revoked";
  }
  throw std::logic_error("link status out of range");
}

std::string_view refund_status_name(RefundStatus status) {
  switch (status) {
    case RefundStatus::open: return "open";
    case RefundStatus::refunded: return "refunded";
    case RefundStatus::rejected: return "rejected";
  }
  throw std::logic_error("refund status out of range");
}

LinkStatus LinkRow::status_at(const domain::Timestamp& as_of) const {
  if (is_revoked) return LinkStatus::revoked;
  if (downloads_used >= downloads_max) return LinkStatus::exhausted;
  if (as_of >= expires_at) return LinkStatus::expired;
  return LinkStatus::live;
}

// Rows refer to rows folded earlier: a missing one means the log is not a
// valid ledger, which is a bug or corruption, not a query to answer.
struct ReadModels::Folder {
  ReadModels& models;

  template <class Row, class Key>
  static Row& row(std::map<Key, Row>& rows, const Key& key, std::string_view what) {
    const auto found = rows.find(key);
    if (found == rows.end()) throw std::logic_error("event names unknown " + std::string(what) + " " + key.str());
    return found->second;
  }

  void operator()(const domain::AgentRoleGranted&) const {}
  void operator()(const domain::AgentRoleRevoked&) const {}
  void operator()(const domain::CustomerRegistered& e) const {
    models.customers_[e.tenant] = CustomerRow{e.tenant, e.domain, e.market, e.name, e.at, 0};
  }
  void operator()(const domain::SoftwarePurchased& e) const {
    models.subscriptions_[e.subscription] =
        SubscriptionRow{e.subscription, e.order,        e.tenant, e.market, e.product.sku, e.quantity, e.total_price,
                        false,          e.at,           e.cancel_deadline, e.product.hybrid_benefit_eligible};
    const auto customer = models.customers_.find(e.tenant);
    if (customer != models.customers_.end()) ++customer->second.subscriptions;
  }
  void operator()(const domain::ProductKeyIssued&) const {}
  void operator()(const domain::DownloadLinkIssued& e) const {
    const SubscriptionRow& subscription = row(models.subscriptions_, e.subscription, "subscription");
    models.links_[e.link] = LinkRow{e.link, e.subscription, subscription.tenant, 0, e.downloads_max, e.at, e.expires_at,
                                    false};
  }
  void operator()(const domain::DownloadRecorded& e) const { row(models.links_, e.link, "link").downloads_used = e.downloads_used; }
  void operator()(const domain::DownloadDenied&) const {}
  void operator()(const domain::PurchaseCancelled& e) const {
    row(models.subscriptions_, e.subscription, "subscription").is_cancelled = true;
  }
  void operator()(const domain::ProductKeysRevoked& e) const {
    for (const auto& link : e.links) row(models.links_, link, "link").is_revoked = true;
    const SubscriptionRow& subscription = row(models.subscriptions_, e.subscription, "subscription");
    models.revocations_.push_back(RevocationRow{e.subscription, e.ticket, subscription.tenant, e.at,
                                                static_cast<std::int64_t>(e.keys.size()),
                                                static_cast<std::int64_t>(e.links.size())});
  }
  void operator()(const domain::RefundTicketOpened& e) const {
    const SubscriptionRow& subscription = row(models.subscriptions_, e.subscription, "subscription");
    models.refunds_[e.ticket] = RefundRow{e.ticket, e.subscription, e.order, e.tenant, e.reason, e.requested_amount,
                                          RefundStatus::open, std::nullopt, e.at, std::nullopt, subscription.market};
  }
  void operator()(const domain::RefundTicketResolved& e) const {
    RefundRow& refund = row(models.refunds_, e.ticket, "refund ticket");
    refund.status = e.status == domain::RefundStatus::refunded ? RefundStatus::refunded : RefundStatus::rejected;
    refund.refunded_amount = e.refunded_amount;
    refund.resolved_at = e.at;
  }
};

void ReadModels::apply(const domain::Event& event, std::int64_t position) {
  if (position <= checkpoint_) throw std::logic_error("events must be folded in position order");
  std::visit(Folder{*this}, event);
  checkpoint_ = position;
}

}  // namespace csp::projections
