#include "cmd/results.h"

#include <string>

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

struct ResultBuilder {
  std::string_view command_name;
  const domain::SubscriptionState* subscription;
  const KeyAccess& keys;
  json result = json::object();

  void show_key(const domain::ProductKey& key) {
    auto opened = keys.open(key);
    if (opened) {
      result["product_key"] = opened->str();
    } else {
      result["product_key_withheld"] = opened.error().message;
    }
  }

  void operator()(const domain::AgentRoleGranted& event) {
    if (command_name == "InitializeLedger") {
      result["admin"] = event.agent.str();
      return;
    }
    result["agent"] = event.agent.str();
    result["role"] = std::string(domain::role_name(event.role));
  }
  void operator()(const domain::AgentRoleRevoked& event) {
    result["agent"] = event.agent.str();
    result["role"] = std::string(domain::role_name(event.role));
  }
  void operator()(const domain::CustomerRegistered& event) {
    result["tenant_id"] = event.tenant.str();
    result["domain"] = event.domain.str();
    result["market"] = event.market.str();
    if (event.name) result["name"] = event.name->str();
  }
  void operator()(const domain::SoftwarePurchased& event) {
    result["order_id"] = event.order.str();
    result["subscription_id"] = event.subscription.str();
    result["tenant_id"] = event.tenant.str();
    result["product"] = event.product.sku.str();
    result["quantity"] = event.quantity.count();
    result["unit_price"] = event.unit_price.amount_text();
    result["amount"] = event.total_price.amount_text();
    result["currency"] = event.total_price.currency().code();
    result["cancel_deadline"] = event.cancel_deadline.str();
    result["hybrid_benefit_eligible"] = event.product.hybrid_benefit_eligible;
  }
  void operator()(const domain::ProductKeyIssued& event) { show_key(event.key); }
  void operator()(const domain::DownloadLinkIssued& event) {
    result["link_id"] = event.link.str();
    result["subscription_id"] = event.subscription.str();
    result["version"] = event.version;
    result["language"] = event.language;
    result["file_type"] = event.file_type;
    result["expires_at"] = event.expires_at.str();
    result["max_downloads"] = event.downloads_max;
    const bool is_key_shown = result.contains("product_key") || result.contains("product_key_withheld");
    if (!is_key_shown && subscription != nullptr) {
      for (const auto& issued : subscription->keys) {
        if (issued.version == event.version) show_key(issued.key);
      }
    }
  }
  // DESIGN: a download's result is its count; the caller knows the link.
  void operator()(const domain::DownloadRecorded& event) {
    result["downloads_used"] = event.downloads_used;
    const domain::LinkState* link = subscription ? subscription->find_link(event.link) : nullptr;
    if (link != nullptr) {
      result["downloads_left"] = link->downloads_max > event.downloads_used ? link->downloads_max - event.downloads_used : 0;
    }
  }
  void operator()(const domain::DownloadDenied&) {}
  void operator()(const domain::PurchaseCancelled& event) {
    result["ticket_id"] = event.ticket.str();
    result["subscription_id"] = event.subscription.str();
    result["order_id"] = event.order.str();
    result["requested_amount"] = event.requested_amount.amount_text();
    result["currency"] = event.requested_amount.currency().code();
    result["keys_revoked"] = 0;
    result["links_revoked"] = 0;
  }
  void operator()(const domain::ProductKeysRevoked& event) {
    result["keys_revoked"] = event.keys.size();
    result["links_revoked"] = event.links.size();
  }
  void operator()(const domain::RefundTicketOpened&) {}
  void operator()(const domain::RefundTicketResolved& event) {
    result["ticket_id"] = event.ticket.str();
    result["status"] = std::string(domain::refund_status_name(event.status));
    if (event.refunded_amount) {
      result["refunded_amount"] = event.refunded_amount->amount_text();
      result["currency"] = event.refunded_amount->currency().code();
    }
    if (event.rejection_reason) result["reason"] = event.rejection_reason->str();
  }
};

}  // namespace

nlohmann::ordered_json result_of(std::string_view command_name, const std::vector<domain::Event>& events,
                                 const domain::SubscriptionState* subscription_after, const KeyAccess& keys) {
  ResultBuilder builder{command_name, subscription_after, keys};
  for (const auto& event : events) std::visit(builder, event);
  return builder.result;
}

std::optional<domain::Error> refusal_recorded_in(const std::vector<domain::Event>& events) {
  for (const auto& event : events) {
    if (const auto* denied = std::get_if<domain::DownloadDenied>(&event)) {
      const domain::ErrorCode code = domain::denial_error_code(denied->reason);
      return domain::Error{code, "download link " + denied->link.str() + " was refused (" +
                                     std::string(domain::code_name(code)) + ") at " + denied->at.str()};
    }
  }
  return std::nullopt;
}

}  // namespace csp::cmd
