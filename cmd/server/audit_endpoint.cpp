#include "cmd/server/audit_endpoint.h"

#include <variant>

#include "cmd/output.h"
#include "cmd/system.h"
#include "cmd/verification.h"
#include "eventstore/chain.h"

namespace csp::server {

Response AuditCache::answer(eventstore::EventStore& store, bool is_fresh_asked) {
  auto head = store.head();
  if (!head) return error_response(http::status::internal_server_error, "store_failure", head.error().message);
  const std::string head_hash = eventstore::hash_hex(head->hash);
  const auto started = std::chrono::steady_clock::now();
  {
    const std::lock_guard lock(mutex_);
    if (!is_fresh_asked && last_ && last_->head_position == head->position && last_->head_hash == head_hash &&
        started - last_->checked < reuse_for_) {
      return text_response(http::status::ok, last_->body, "application/json");
    }
  }
  cmd::AuditOutcome outcome = cmd::verify_ledger(store, false);
  if (const auto* failure = std::get_if<eventstore::StoreError>(&outcome)) {
    return error_response(http::status::internal_server_error, "store_failure", failure->message);
  }
  nlohmann::ordered_json body;
  if (const auto* fault = std::get_if<cmd::AuditFault>(&outcome)) {
    body = {{"ok", false}, {"error", cmd::audit_fault_json(*fault)}};
  } else {
    body = {{"ok", true}, {"command", "audit verify"}, {"result", std::get<cmd::AuditPassed>(outcome).result}};
  }
  body["checked_at"] = cmd::now().str();
  std::string text = cmd::json_line(body) + "\n";
  const std::lock_guard lock(mutex_);
  last_ = Verdict{head->position, head_hash, started, text};
  return text_response(http::status::ok, std::move(text), "application/json");
}

domain::Result<bool> audit_fresh_asked(const Target& target) {
  bool is_fresh = false;
  for (const auto& [parameter, value] : target.parameters) {
    if (parameter != "fresh") return domain::invalid_input("query parameter \"" + parameter + "\" is not known; give fresh=1 or nothing");
    if (value != "0" && value != "1") return domain::invalid_input("fresh \"" + value + "\" is not 0 or 1");
    is_fresh = value == "1";
  }
  return is_fresh;
}

}  // namespace csp::server
