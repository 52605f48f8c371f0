#include "cmd/event_json.h"

#include "cmd/ledger.h"
#include "domain/timestamp.h"
#include "eventstore/chain.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

std::string time_text(std::int64_t micros) {
  auto timestamp = domain::Timestamp::from_micros(micros);
  return timestamp ? timestamp->str() : std::to_string(micros);
}

json money_json(const domain::Money& money) { return {{"amount", money.amount_text()}, {"currency", money.currency().code()}}; }

struct FieldWriter {
  json operator()(const domain::AgentRoleGranted& e) const { return {{"agent", e.agent.str()}, {"role", domain::role_name(e.role)}}; }
  json operator()(const domain::AgentRoleRevoked& e) const { return {{"agent", e.agent.str()}, {"role", domain::role_name(e.role)}}; }
  json operator()(const domain::CustomerRegistered& e) const {
    json fields{{"tenant_id", e.tenant.str()}, {"domain", e.domain.str()}, {"market", e.market.str()}};
    if (e.name) fields["name"] = e.name->str();
    return fields;
  }
  json operator()(const domain::SoftwarePurchased& e) const {
    return {{"subscription_id", e.subscription.str()}, {"order_id", e.order.str()}, {"tenant_id", e.tenant.str()},
            {"domain", e.domain.str()}, {"market", e.market.str()}, {"product", e.product.sku.str()},
            {"kind", domain::product_kind_name(e.product.kind)}, {"quantity", e.quantity.count()},
            {"unit_price", money_json(e.unit_price)}, {"total_price", money_json(e.total_price)},
            {"cancel_deadline", e.cancel_deadline.str()}, {"hybrid_benefit_eligible", e.product.hybrid_benefit_eligible}};
  }
  json operator()(const domain::ProductKeyIssued& e) const {
    // The key itself only `key show` prints, to an admin with the key file.
    return {{"subscription_id", e.subscription.str()}, {"version", e.version}};
  }
  json operator()(const domain::DownloadLinkIssued& e) const {
    return {{"subscription_id", e.subscription.str()}, {"link_id", e.link.str()}, {"version", e.version},
            {"language", e.language}, {"file_type", e.file_type}, {"expires_at", e.expires_at.str()},
            {"max_downloads", e.downloads_max}};
  }
  json operator()(const domain::DownloadRecorded& e) const {
    return {{"subscription_id", e.subscription.str()}, {"link_id", e.link.str()}, {"downloaded_by", e.downloaded_by.str()},
            {"downloads_used", e.downloads_used}};
  }
  json operator()(const domain::DownloadDenied& e) const {
    return {{"subscription_id", e.subscription.str()}, {"link_id", e.link.str()}, {"downloaded_by", e.downloaded_by.str()},
            {"reason", domain::code_name(domain::denial_error_code(e.reason))}};
  }
  json operator()(const domain::PurchaseCancelled& e) const {
    return {{"subscription_id", e.subscription.str()}, {"order_id", e.order.str()}, {"tenant_id", e.tenant.str()},
            {"ticket_id", e.ticket.str()}, {"reason", e.reason.str()}, {"requested_amount", money_json(e.requested_amount)}};
  }
  json operator()(const domain::ProductKeysRevoked& e) const {
    json links = json::array();
    for (const auto& link : e.links) links.push_back(link.str());
    return {{"subscription_id", e.subscription.str()}, {"ticket_id", e.ticket.str()}, {"keys_revoked", e.keys.size()},
            {"links_revoked", links}};
  }
  json operator()(const domain::RefundTicketOpened& e) const {
    json attachments = json::array();
    for (const auto& a : e.attachments) {
      attachments.push_back({{"name", a.name.str()}, {"size_bytes", a.size_bytes}, {"sha256", a.sha256_hex}});
    }
    return {{"ticket_id", e.ticket.str()}, {"subscription_id", e.subscription.str()}, {"order_id", e.order.str()},
            {"tenant_id", e.tenant.str()}, {"issue_type", e.issue_type}, {"impact", domain::impact_name(e.impact)},
            {"title", e.title.str()}, {"description", e.description}, {"requested_amount", money_json(e.requested_amount)},
            {"paid_amount", money_json(e.paid_amount)},
            {"contact", {{"name", e.contact.name.str()}, {"email", e.contact.email.str()}, {"phone", e.contact.phone.str()}}},
            {"attachments", attachments}};
  }
  json operator()(const domain::RefundTicketResolved& e) const {
    json fields{{"ticket_id", e.ticket.str()}, {"status", domain::refund_status_name(e.status)}};
    if (e.refunded_amount) fields["refunded_amount"] = money_json(*e.refunded_amount);
    if (e.rejection_reason) fields["reason"] = e.rejection_reason->str();
    return fields;
  }
};

}  // namespace

json event_fields(const domain::Event& event) { return std::visit(FieldWriter{}, event); }

json stored_event_json(const eventstore::StoredEvent& stored, const domain::Event& event, bool with_bytes) {
  json line{{"position", stored.position},
            {"stream", stored.stream_id},
            {"version", stored.stream_version},
            {"type", stored.event_type},
            {"schema_version", stored.schema_version},
            {"command_id", stored.command_id},
            {"actor", stored.actor},
            {"role", stored.role},
            {"at", time_text(stored.business_time_us)},
            {"recorded_at", time_text(stored.recorded_time_us)},
            {"event", event_fields(event)}};
  if (with_bytes) {
    line["business_time_us"] = stored.business_time_us;
    line["recorded_time_us"] = stored.recorded_time_us;
    line["payload_hex"] = eventstore::bytes_hex(stored.payload);
    line["hash"] = eventstore::hash_hex(stored.hash);
  }
  return line;
}

eventstore::StoreResult<json> exported_event_json(DigestCursor& digests, const eventstore::StoredEvent& stored) {
  // The bytes go out as stored, so an import can recheck the chain; the
  // readable fields come from the current version of the event.
  auto event = projections::decode_stored(stored);
  if (!event) return std::move(event).error();
  json line = stored_event_json(stored, *event, true);
  if (stored.command_id.starts_with('@')) return line;
  auto digest = digests.digest_at(stored.position);
  if (!digest) return std::move(digest).error();
  if (*digest) line["command_digest"] = eventstore::hash_hex(**digest);
  return line;
}

json end_of_export_json(std::int64_t events, const eventstore::Hash& head_hash) {
  return {{"end_of_export", {{"events", events}, {"head_hash", eventstore::hash_hex(head_hash)}}}};
}

}  // namespace csp::cmd
