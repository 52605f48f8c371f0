#pragma once
// Every read model held in memory: what a replay (`--as-of`, `audit
// verify`) folds the log into, and what a report reads stored rows into.

#include <cstdint>
#include <map>

#include "projections/fold.h"
#include "projections/rows.h"

namespace csp::projections {

class ReadModels final : public RowSet {
 public:
  // Folds the event at `position`, which must come after the checkpoint.
  void apply(const domain::Event& event, std::int64_t position);

  // The last position folded in; 0 before any.
  std::int64_t checkpoint() const { return checkpoint_; }
  // For rows read from a store, which knows its own checkpoint.
  void set_checkpoint(std::int64_t position) { checkpoint_ = position; }

  const std::map<domain::TenantId, CustomerRow>& customers() const { return customers_; }
  const std::map<domain::SubscriptionId, SubscriptionRow>& subscriptions() const { return subscriptions_; }
  const std::map<domain::LinkId, LinkRow>& links() const { return links_; }
  const std::map<domain::TicketId, RevocationRow>& revocations() const { return revocations_; }
  const std::map<domain::TicketId, RefundRow>& refunds() const { return refunds_; }

  CustomerRow* find_customer(const domain::TenantId& tenant) override { return found(customers_, tenant); }
  SubscriptionRow* find_subscription(const domain::SubscriptionId& subscription) override {
    return found(subscriptions_, subscription);
  }
  LinkRow* find_link(const domain::LinkId& link) override { return found(links_, link); }
  RefundRow* find_refund(const domain::TicketId& ticket) override { return found(refunds_, ticket); }

  void put(CustomerRow row) override { insert(customers_, std::move(row)); }
  void put(SubscriptionRow row) override { insert(subscriptions_, std::move(row)); }
  void put(LinkRow row) override { insert(links_, std::move(row)); }
  void put(RevocationRow row) override { insert(revocations_, std::move(row)); }
  void put(RefundRow row) override { insert(refunds_, std::move(row)); }

  // Rows here are changed in place.
  void changed(const CustomerRow&) override {}
  void changed(const SubscriptionRow&) override {}
  void changed(const LinkRow&) override {}
  void changed(const RefundRow&) override {}

 private:
  template <class Key, class Row>
  static void insert(std::map<Key, Row>& rows, Row row) {
    Key key = key_of(row);
    rows.insert_or_assign(std::move(key), std::move(row));
  }

  template <class Key, class Row>
  static Row* found(std::map<Key, Row>& rows, const Key& key) {
    const auto row = rows.find(key);
    return row == rows.end() ? nullptr : &row->second;
  }

  std::int64_t checkpoint_ = 0;
  std::map<domain::TenantId, CustomerRow> customers_;
  std::map<domain::SubscriptionId, SubscriptionRow> subscriptions_;
  std::map<domain::LinkId, LinkRow> links_;
  std::map<domain::TicketId, RevocationRow> revocations_;
  std::map<domain::TicketId, RefundRow> refunds_;
};

}  // namespace csp::projections
