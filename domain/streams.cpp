#include "domain/streams.h"

namespace csp::domain {
namespace {

struct StreamNamer {
  std::string operator()(const AgentRoleGranted&) const { return std::string(agents_stream); }
  std::string operator()(const AgentRoleRevoked&) const { return std::string(agents_stream); }
  std::string operator()(const CustomerRegistered& event) const { return customer_stream(event.tenant); }
  std::string operator()(const SoftwarePurchased& event) const { return subscription_stream(event.subscription); }
  std::string operator()(const ProductKeyIssued& event) const { return subscription_stream(event.subscription); }
  std::string operator()(const DownloadLinkIssued& event) const { return subscription_stream(event.subscription); }
  std::string operator()(const DownloadRecorded& event) const { return subscription_stream(event.subscription); }
  std::string operator()(const DownloadDenied& event) const { return subscription_stream(event.subscription); }
  std::string operator()(const PurchaseCancelled& event) const { return subscription_stream(event.subscription); }
  std::string operator()(const ProductKeysRevoked& event) const { return subscription_stream(event.subscription); }
  std::string operator()(const RefundTicketOpened& event) const { return refund_stream(event.ticket); }
  std::string operator()(const RefundTicketResolved& event) const { return refund_stream(event.ticket); }
};

}  // namespace

std::string customer_stream(const TenantId& tenant) { return "customer-" + tenant.str(); }
std::string subscription_stream(const SubscriptionId& subscription) { return "subscription-" + subscription.str(); }
std::string refund_stream(const TicketId& ticket) { return "refund-" + ticket.str(); }

std::string stream_of(const Event& event) { return std::visit(StreamNamer{}, event); }

}  // namespace csp::domain
