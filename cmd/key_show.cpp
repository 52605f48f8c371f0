// `key show --subscription ID`: the product keys of one subscription in
// clear, to an admin-agent holding the ledger's key file. Every other
// reader of the ledger sees that a key was issued, never the key.

#include <iostream>

#include "cmd/output.h"
#include "cmd/private_fields.h"
#include "cmd/session.h"
#include "domain/streams.h"
#include "projections/stored_events.h"

namespace csp::cmd {

int show_keys(const Globals& globals, const std::string& subscription_text, const std::string& reader) {
  auto subscription = domain::SubscriptionId::parse(subscription_text);
  if (!subscription) return report(globals, subscription.error());
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  eventstore::EventStore& store = *opened->store;
  auto is_admin = reads_private_fields(store, reader);
  if (!is_admin) return report(globals, is_admin.error());
  if (!*is_admin) {
    return report(globals, domain::Error{domain::ErrorCode::not_authorized,
                                         "key show needs --actor naming an agent who holds admin-agent (R4)"});
  }
  auto stored = store.read_stream(domain::subscription_stream(*subscription));
  if (!stored) return report(globals, stored.error());
  if (stored->empty()) {
    return report_lookup(globals, domain::Error{domain::ErrorCode::unknown_subscription,
                                                "subscription " + subscription->str() + " does not exist"});
  }
  nlohmann::ordered_json keys = nlohmann::ordered_json::array();
  bool is_revoked = false;
  domain::PayloadDecoder decoder;
  for (const auto& event : *stored) {
    auto decoded = projections::decode_stored(event, decoder);
    if (!decoded) return report(globals, decoded.error());
    if (const auto* revocation = std::get_if<domain::ProductKeysRevoked>(&*decoded)) {
      is_revoked = is_revoked || !revocation->keys.empty();
    }
    const auto* issued = std::get_if<domain::ProductKeyIssued>(&*decoded);
    if (issued == nullptr) continue;
    auto key = opened->ledger->key_access().open(issued->key);
    if (!key) return report(globals, key.error());
    keys.push_back({{"version", issued->version}, {"product_key", key->str()}, {"issued_at", issued->at.str()},
                    {"position", event.position}});
  }
  if (globals.is_json) {
    std::cout << json_line(nlohmann::ordered_json{
                     {"ok", true},
                     {"command", "key show"},
                     {"result", {{"subscription_id", subscription->str()}, {"revoked", is_revoked}, {"keys", keys}}}})
              << "\n";
    return exit_done;
  }
  if (keys.empty()) std::cout << "subscription " << subscription->str() << " has no product key yet\n";
  for (const auto& key : keys) {
    std::cout << key["product_key"].get<std::string>() << "  version=" << key["version"].get<std::string>()
              << "  issued_at=" << key["issued_at"].get<std::string>() << (is_revoked ? "  revoked" : "") << "\n";
  }
  return exit_done;
}

}  // namespace csp::cmd
