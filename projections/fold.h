#pragma once
// The one projection: how each event changes the read-model rows. It reads
// and writes rows through a RowSet, so the same fold fills the in-memory
// models of a replay and the tables stored in the ledger file.

#include <cstdint>

#include "domain/events.h"
#include "projections/rows.h"

namespace csp::projections {

class RowSet {
 public:
  virtual ~RowSet() = default;

  // nullptr when there is no such row. The row stays valid until the next
  // call that adds one; report a change to it with changed().
  virtual CustomerRow* find_customer(const domain::TenantId& tenant) = 0;
  virtual SubscriptionRow* find_subscription(const domain::SubscriptionId& subscription) = 0;
  virtual LinkRow* find_link(const domain::LinkId& link) = 0;
  virtual RefundRow* find_refund(const domain::TicketId& ticket) = 0;

  // Adds a row, or replaces the one with its key.
  virtual void put(CustomerRow row) = 0;
  virtual void put(SubscriptionRow row) = 0;
  virtual void put(LinkRow row) = 0;
  virtual void put(RevocationRow row) = 0;
  virtual void put(RefundRow row) = 0;

  virtual void changed(const CustomerRow& row) = 0;
  virtual void changed(const SubscriptionRow& row) = 0;
  virtual void changed(const LinkRow& row) = 0;
  virtual void changed(const RefundRow& row) = 0;
};

// Applies the event at `position`. Throws std::logic_error when the event
// refers to a row no earlier event created: the log is not a valid ledger.
void fold(RowSet& rows, const domain::Event& event, std::int64_t position);

}  // namespace csp::projections
