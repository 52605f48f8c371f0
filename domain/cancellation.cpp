#include <string>

#include "domain/business_time.h"
#include "domain/refund_ticket.h"
#include "domain/subscription.h"

namespace csp::domain {
namespace {

constexpr std::size_t attachments_max = 10;

bool names_this_purchase(const SoftwarePurchased& purchase, const PurchaseRef& ref) {
  if (const auto* order = std::get_if<OrderId>(&ref)) return *order == purchase.order;
  return std::get<SubscriptionId>(ref) == purchase.subscription;
}

std::string purchase_ref_text(const PurchaseRef& ref) {
  if (const auto* order = std::get_if<OrderId>(&ref)) return "order " + order->str();
  return "subscription " + std::get<SubscriptionId>(ref).str();
}

bool matches_buyer(const SoftwarePurchased& purchase, const CustomerRef& customer) {
  if (const auto* tenant = std::get_if<TenantId>(&customer)) return *tenant == purchase.tenant;
  return std::get<DomainName>(customer) == purchase.domain;
}

// R9: the requested amount is positive, in the paid currency's precision, at
// most what was paid.
Result<Money> requested_amount(const SoftwarePurchased& purchase, const DecimalAmount& amount) {
  const Money& paid = purchase.total_price;
  auto requested = amount.in(paid.currency());
  if (!requested) return requested;
  if (requested->is_zero()) return invalid_input("requested amount must be more than zero");
  if (requested->minor_units() > paid.minor_units()) {
    return Error{ErrorCode::amount_exceeds_paid,
                 "requested refund " + requested->str() + " is more than the " + paid.str() + " paid (R9)"};
  }
  return requested;
}

Status check_attachments(const std::vector<Attachment>& attachments) {
  if (attachments.size() > attachments_max) {
    return invalid_input("a ticket takes at most " + std::to_string(attachments_max) + " attachments, not " +
                         std::to_string(attachments.size()));
  }
  for (const auto& attachment : attachments) {
    if (Status status = check_attachment(attachment); !status) return status;
  }
  return Status::success();
}

Status check_cancellable(const SubscriptionState& state, const CancelPurchase& command, const Timestamp& at) {
  if (!state.purchase || !names_this_purchase(*state.purchase, command.purchase)) {
    return Error{ErrorCode::unknown_subscription, purchase_ref_text(command.purchase) + " does not exist"};
  }
  if (Status time = check_time_moves_forward(state.latest_at, at, "subscription"); !time) return time;
  const SoftwarePurchased& purchase = *state.purchase;
  if (state.is_cancelled()) {
    return Error{ErrorCode::subscription_cancelled, "subscription " + purchase.subscription.str() +
                                                        " is already cancelled (ticket " +
                                                        state.cancellation_ticket->str() + ")"};
  }
  if (!matches_buyer(purchase, command.customer)) {
    return Error{ErrorCode::customer_mismatch, "customer " + customer_ref_text(command.customer) +
                                                   " did not make this purchase; it belongs to " +
                                                   purchase.tenant.str() + " (" + purchase.domain.str() + ")"};
  }
  // R8 uses the deadline the purchase recorded (L7), not today's policy.
  if (at > purchase.cancel_deadline) {
    return Error{ErrorCode::cancel_window_closed, "the purchase of " + purchase.at.str() +
                                                      " could be cancelled until " + purchase.cancel_deadline.str() +
                                                      "; it is too late to cancel it (R8)"};
  }
  if (auto amount = requested_amount(purchase, command.amount); !amount) return amount.error();
  return check_attachments(command.attachments);
}

// R10: every key, and every link still usable, goes in the same append.
ProductKeysRevoked revocation(const SubscriptionState& state, const TicketId& ticket, const Timestamp& at) {
  ProductKeysRevoked revoked{state.purchase->subscription, ticket, {}, {}, at};
  for (const auto& issued : state.keys) revoked.keys.push_back(issued.key);
  for (const auto& link : state.links) {
    if (link.is_live_at(at)) revoked.links.push_back(link.id);
  }
  return revoked;
}

}  // namespace

Decision decide(const SubscriptionState& state, const CancelPurchase& command, const SubscriptionContext& context) {
  auto role_used = authorize(context.agents, context.meta.actor, {Role::admin_agent}, "cancel purchases");
  if (!role_used) return Decision::refuse(role_used.error());
  const Timestamp& at = context.meta.at;
  if (Status cancellable = check_cancellable(state, command, at); !cancellable) {
    return Decision::refuse(cancellable.error());
  }
  const SoftwarePurchased& purchase = *state.purchase;
  const Money amount = *requested_amount(purchase, command.amount);
  std::vector<Event> events;
  events.emplace_back(PurchaseCancelled{purchase.subscription, purchase.order, purchase.tenant, command.ticket,
                                        command.reason, amount, at});
  if (purchase.product.kind == ProductKind::software) events.emplace_back(revocation(state, command.ticket, at));
  events.emplace_back(open_refund_ticket(purchase, command, amount, at));
  return Decision::accept(*role_used, std::move(events));
}

}  // namespace csp::domain
