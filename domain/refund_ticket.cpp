#include "domain/refund_ticket.h"

#include <stdexcept>
#include <string>

#include "domain/business_time.h"

namespace csp::domain {
namespace {

Result<Money> refunded_amount(const RefundTicketOpened& ticket, const DecimalAmount& amount) {
  const Money& requested = ticket.requested_amount;
  auto refunded = amount.in(requested.currency());
  if (!refunded) return refunded;
  if (refunded->is_zero()) return invalid_input("a refunded amount must be more than zero; to refuse the refund, reject it with a reason");
  if (refunded->minor_units() > requested.minor_units()) {
    return Error{ErrorCode::amount_exceeds_paid,
                 "refund " + refunded->str() + " is more than the " + requested.str() + " requested (R11)"};
  }
  return refunded;
}

}  // namespace

RefundTicketOpened open_refund_ticket(const SoftwarePurchased& purchase, const CancelPurchase& command,
                                      const Money& requested, const Timestamp& at) {
  const std::string description = "Customer: " + purchase.tenant.str() + " (" + purchase.domain.str() + ")\n" +
                                  "Order: " + purchase.order.str() + "\n" +
                                  "Subscription: " + purchase.subscription.str() + "\n" +
                                  "Refund reason: " + command.reason.str() + "\n" +
                                  "Requested amount: " + requested.str();
  auto default_title = Title::parse("Refund for order " + purchase.order.str());
  if (!default_title) throw std::logic_error("default ticket title is invalid");
  return RefundTicketOpened{command.ticket,
                            purchase.subscription,
                            purchase.order,
                            purchase.tenant,
                            purchase.domain,
                            std::string(refund_issue_type),
                            command.impact,
                            command.title.value_or(*default_title),
                            description,
                            command.reason,
                            requested,
                            purchase.total_price,
                            command.contact,
                            command.attachments,
                            at};
}

Decision decide(const RefundTicketState& state, const ResolveRefundTicket& command, const CommandMeta& meta,
                const AgentsState& agents) {
  auto role_used = authorize(agents, meta.actor, {Role::admin_agent}, "resolve refund tickets");
  if (!role_used) return Decision::refuse(role_used.error());
  if (!state.opened) {
    return Decision::refuse(Error{ErrorCode::unknown_ticket, "refund ticket " + command.ticket.str() + " does not exist"});
  }
  if (Status time = check_time_moves_forward(state.latest_at, meta.at, "refund ticket"); !time) {
    return Decision::refuse(time.error());
  }
  if (state.resolution) {
    return Decision::refuse(Error{ErrorCode::ticket_already_resolved,
                                  "refund ticket " + command.ticket.str() + " was already resolved as " +
                                      std::string(refund_status_name(state.resolution->status)) + " at " +
                                      state.resolution->at.str()});
  }
  if (const auto* refunded = std::get_if<Refunded>(&command.outcome)) {
    auto amount = refunded_amount(*state.opened, refunded->amount);
    if (!amount) return Decision::refuse(amount.error());
    return Decision::accept(*role_used, {RefundTicketResolved{command.ticket, RefundStatus::refunded, *amount,
                                                              std::nullopt, meta.at}});
  }
  const auto& rejected = std::get<Rejected>(command.outcome);
  return Decision::accept(*role_used, {RefundTicketResolved{command.ticket, RefundStatus::rejected, std::nullopt,
                                                            rejected.reason, meta.at}});
}

RefundTicketState evolve(RefundTicketState state, const Event& event) {
  if (const auto* opened = std::get_if<RefundTicketOpened>(&event)) {
    state.opened = *opened;
  } else if (const auto* resolved = std::get_if<RefundTicketResolved>(&event)) {
    state.resolution = *resolved;
  } else {
    throw std::logic_error("event " + std::string(event_type_name(event)) + " does not belong to a refund ticket stream");
  }
  state.latest_at = event_time(event);
  return state;
}

}  // namespace csp::domain
