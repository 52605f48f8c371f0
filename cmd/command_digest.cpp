#include "cmd/command_digest.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace csp::cmd {
namespace {

using json = nlohmann::json;

std::string purchase_field(const domain::PurchaseRef& purchase) {
  return std::holds_alternative<domain::OrderId>(purchase) ? "order" : "subscription";
}

std::string purchase_text(const domain::PurchaseRef& purchase) {
  return std::visit([](const auto& id) { return id.str(); }, purchase);
}

struct FieldWriter {
  json operator()(const domain::InitializeLedger& c) const { return {{"admin", c.admin.str()}}; }
  json operator()(const domain::GrantRole& c) const { return {{"agent", c.agent.str()}, {"role", domain::role_name(c.role)}}; }
  json operator()(const domain::RevokeRole& c) const { return {{"agent", c.agent.str()}, {"role", domain::role_name(c.role)}}; }
  json operator()(const domain::RegisterCustomer& c) const {
    json fields{{"tenant", c.tenant.str()}, {"domain", c.domain.str()}, {"market", c.market.str()}};
    if (c.name) fields["name"] = c.name->str();
    return fields;
  }
  json operator()(const domain::PurchaseSoftware& c) const {
    return {{"customer", domain::customer_ref_text(c.customer)}, {"product", c.product.str()},
            {"quantity", c.quantity.count()}, {"unit_price", c.unit_price.amount_text()},
            {"currency", c.unit_price.currency().code()}, {"order_id", c.order.str()},
            {"subscription_id", c.subscription.str()}};
  }
  json operator()(const domain::IssueDownloadLink& c) const {
    return {{"subscription", c.subscription.str()}, {"version", c.version}, {"language", c.language},
            {"file_type", c.file_type}, {"link_id", c.link.str()}};
  }
  json operator()(const domain::RecordDownload& c) const { return {{"link", c.link.str()}}; }
  json operator()(const domain::CancelPurchase& c) const {
    json attachments = json::array();
    for (const auto& a : c.attachments) {
      attachments.push_back({{"name", a.name.str()}, {"size_bytes", a.size_bytes}, {"sha256", a.sha256_hex}});
    }
    json fields{{purchase_field(c.purchase), purchase_text(c.purchase)},
                {"customer", domain::customer_ref_text(c.customer)},
                {"reason", c.reason.str()},
                {"amount", c.amount.canonical_text()},
                {"contact_name", c.contact.name.str()},
                {"contact_email", c.contact.email.str()},
                {"contact_phone", c.contact.phone.str()},
                {"impact", domain::impact_name(c.impact)},
                {"attach", attachments},
                {"ticket_id", c.ticket.str()}};
    if (c.title) fields["title"] = c.title->str();
    return fields;
  }
  json operator()(const domain::ResolveRefundTicket& c) const {
    json fields{{"ticket", c.ticket.str()}};
    if (const auto* refunded = std::get_if<domain::Refunded>(&c.outcome)) {
      fields["refunded"] = refunded->amount.canonical_text();
    } else {
      fields["rejected"] = std::get<domain::Rejected>(c.outcome).reason.str();
    }
    return fields;
  }
};

}  // namespace

json canonical_command_json(const domain::Command& command, const domain::Actor& actor,
                            const std::vector<std::string_view>& made_up_fields) {
  json canonical = std::visit(FieldWriter{}, command);
  for (const std::string_view field : made_up_fields) canonical.erase(std::string(field));
  canonical["command"] = domain::command_name(command);
  canonical["actor"] = actor.str();
  return canonical;
}

eventstore::Hash command_digest(const json& canonical) {
  const std::string bytes = canonical.dump();
  eventstore::Hash digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 ||
      length != digest.size()) {
    throw std::runtime_error("OpenSSL SHA-256 failed");
  }
  return digest;
}

}  // namespace csp::cmd
