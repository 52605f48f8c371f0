#pragma once
// The `refund-<ticket>` stream: the support ticket a cancellation opens (R9)
// and its resolution (R11).

#include <optional>

#include "domain/agents.h"
#include "domain/commands.h"
#include "domain/decision.h"
#include "domain/events.h"

namespace csp::domain {

// The issue type the seed document names for these tickets.
inline constexpr std::string_view refund_issue_type = "CSP customer purchase on behalf / refund";

struct RefundTicketState {
  std::optional<RefundTicketOpened> opened;
  std::optional<RefundTicketResolved> resolution;
  std::optional<Timestamp> latest_at;
};

// R9: the ticket with a description holding the customer, the order or
// subscription, the reason and the requested amount.
RefundTicketOpened open_refund_ticket(const SoftwarePurchased& purchase, const CancelPurchase& command,
                                      const Money& requested, const Timestamp& at);

// R11: admin-agent resolves an open ticket once, refunding at most what was
// requested or rejecting it with a reason.
Decision decide(const RefundTicketState& state, const ResolveRefundTicket& command, const CommandMeta& meta,
                const AgentsState& agents);
RefundTicketState evolve(RefundTicketState state, const Event& event);

}  // namespace csp::domain
