#include "projections/fold.h"

#include <stdexcept>
#include <string>

namespace csp::projections {
namespace {

template <class Row, class Key>
Row& existing(Row* row, const Key& key, std::string_view what) {
  if (row == nullptr) throw std::logic_error("event names unknown " + std::string(what) + " " + key.str());
  return *row;
}

class Folder {
 public:
  Folder(RowSet& rows, std::int64_t position) : rows_(rows), position_(position) {}

  void operator()(const domain::AgentRoleGranted&) const {}
  void operator()(const domain::AgentRoleRevoked&) const {}
  void operator()(const domain::ProductKeyIssued&) const {}
  void operator()(const domain::DownloadDenied&) const {}

  void operator()(const domain::CustomerRegistered& e) const {
    CustomerRow row = created<CustomerRow>();
    row.tenant = e.tenant;
    row.domain = e.domain;
    row.market = e.market;
    row.name = e.name;
    row.registered_at = e.at;
    rows_.put(std::move(row));
  }

  void operator()(const domain::SoftwarePurchased& e) const {
    SubscriptionRow row = created<SubscriptionRow>();
    row.subscription = e.subscription;
    row.order = e.order;
    row.tenant = e.tenant;
    row.market = e.market;
    row.product = e.product.sku;
    row.quantity = e.quantity;
    row.amount = e.total_price;
    row.purchased_at = e.at;
    row.cancel_deadline = e.cancel_deadline;
    row.is_hybrid_benefit_eligible = e.product.hybrid_benefit_eligible;
    rows_.put(std::move(row));
    // Business time rises within a stream, not across them (L6): a purchase
    // may be dated before its customer's registration, and a replay cut at
    // a time between the two has the purchase but not yet the customer.
    if (CustomerRow* customer = rows_.find_customer(e.tenant)) {
      ++customer->subscriptions;
      change(*customer);
    }
  }

  void operator()(const domain::DownloadLinkIssued& e) const {
    const SubscriptionRow& subscription = existing(rows_.find_subscription(e.subscription), e.subscription, "subscription");
    LinkRow row = created<LinkRow>();
    row.link = e.link;
    row.subscription = e.subscription;
    row.tenant = subscription.tenant;
    row.downloads_max = e.downloads_max;
    row.issued_at = e.at;
    row.expires_at = e.expires_at;
    rows_.put(std::move(row));
  }

  void operator()(const domain::DownloadRecorded& e) const {
    LinkRow& link = existing(rows_.find_link(e.link), e.link, "link");
    link.downloads_used = e.downloads_used;
    change(link);
  }

  void operator()(const domain::PurchaseCancelled& e) const {
    SubscriptionRow& subscription = existing(rows_.find_subscription(e.subscription), e.subscription, "subscription");
    subscription.is_cancelled = true;
    change(subscription);
  }

  void operator()(const domain::ProductKeysRevoked& e) const {
    for (const auto& link_id : e.links) {
      LinkRow& link = existing(rows_.find_link(link_id), link_id, "link");
      link.is_revoked = true;
      change(link);
    }
    const SubscriptionRow& subscription = existing(rows_.find_subscription(e.subscription), e.subscription, "subscription");
    RevocationRow row = created<RevocationRow>();
    row.subscription = e.subscription;
    row.ticket = e.ticket;
    row.tenant = subscription.tenant;
    row.revoked_at = e.at;
    row.keys_revoked = static_cast<std::int64_t>(e.keys.size());
    row.links_revoked = static_cast<std::int64_t>(e.links.size());
    rows_.put(std::move(row));
  }

  void operator()(const domain::RefundTicketOpened& e) const {
    const SubscriptionRow& subscription = existing(rows_.find_subscription(e.subscription), e.subscription, "subscription");
    RefundRow row = created<RefundRow>();
    row.ticket = e.ticket;
    row.subscription = e.subscription;
    row.order = e.order;
    row.tenant = e.tenant;
    row.reason = e.reason;
    row.requested_amount = e.requested_amount;
    row.opened_at = e.at;
    row.market = subscription.market;
    rows_.put(std::move(row));
  }

  void operator()(const domain::RefundTicketResolved& e) const {
    RefundRow& refund = existing(rows_.find_refund(e.ticket), e.ticket, "refund ticket");
    refund.status = e.status == domain::RefundStatus::refunded ? RefundStatus::refunded : RefundStatus::rejected;
    refund.refunded_amount = e.refunded_amount;
    refund.resolved_at = e.at;
    change(refund);
  }

 private:
  template <class Row>
  Row created() const {
    Row row;
    row.first_position = position_;
    row.last_position = position_;
    return row;
  }

  template <class Row>
  void change(Row& row) const {
    row.last_position = position_;
    rows_.changed(row);
  }

  RowSet& rows_;
  std::int64_t position_;
};

}  // namespace

void fold(RowSet& rows, const domain::Event& event, std::int64_t position) {
  std::visit(Folder(rows, position), event);
}

}  // namespace csp::projections
