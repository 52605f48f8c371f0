#include "domain/subscription.h"

namespace csp::domain {

Decision decide(const SubscriptionState& state, const PurchaseSoftware& command, const CustomerState& customer,
                const SubscriptionContext& context) {
  auto role_used = authorize(context.agents, context.meta.actor, {Role::admin_agent, Role::sales_agent},
                             "purchase on behalf of customers");
  if (!role_used) return Decision::refuse(role_used.error());
  if (state.purchase) {
    return Decision::refuse(invalid_input("subscription id " + command.subscription.str() +
                                          " is already used; give a new subscription id or leave it out"));
  }
  if (!customer.matches(command.customer)) {
    return Decision::refuse(Error{ErrorCode::unknown_customer,
                                  "customer " + customer_ref_text(command.customer) +
                                      " is not registered"});
  }
  const CustomerRegistered& buyer = *customer.registration;
  auto product = context.catalogue.find(command.product);
  if (!product) return Decision::refuse(product.error());
  if (product->kind == ProductKind::azure_reserved_instance &&
      context.policy.restricts_reserved_instances_in(buyer.market)) {
    return Decision::refuse(Error{ErrorCode::market_not_available,
                                  "Azure Reserved Instances cannot be sold to customers in market " +
                                      buyer.market.str() + " (R1); software subscriptions can"});
  }
  if (command.unit_price.is_zero()) {
    return Decision::refuse(invalid_input("unit price must be more than zero"));
  }
  auto total_price = command.unit_price.times(command.quantity);
  if (!total_price) return Decision::refuse(total_price.error());
  auto cancel_deadline = context.meta.at.plus(context.policy.cancel_window);
  if (!cancel_deadline) return Decision::refuse(cancel_deadline.error());
  return Decision::accept(*role_used, {SoftwarePurchased{command.subscription, command.order, buyer.tenant,
                                                         buyer.domain, buyer.market, *product, command.quantity,
                                                         command.unit_price, *total_price, context.meta.at,
                                                         *cancel_deadline}});
}

}  // namespace csp::domain
