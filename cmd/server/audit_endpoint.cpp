#include "cmd/server/audit_endpoint.h"

#include <variant>

#include "cmd/output.h"
#include "cmd/system.h"
#include "cmd/verification.h"

namespace csp::server {

namespace {

Response verdict_response(const std::string& body) { return text_response(http::status::ok, body, "application/json"); }

}  // namespace

Response AuditCache::answer(eventstore::EventStore& store, bool is_fresh_asked) {
  std::unique_lock lock(mutex_);
  const bool is_reusable = last_verdict_ && std::chrono::steady_clock::now() - last_verdict_->checked < reuse_for_;
  if (!is_fresh_asked && is_reusable) return verdict_response(last_verdict_->body);
  if (!is_fresh_asked && is_checking_) {
    // A check is on its way; until it ends the last verdict serves. With
    // none yet, waiting for it costs less than a second check.
    if (last_verdict_) return verdict_response(last_verdict_->body);
    const std::uint64_t done = checks_done_;
    checked_.wait(lock, [&] { return checks_done_ != done; });
    return *last_answer_;
  }
  // A fresh check must begin after the request: one already running began
  // before it.
  checked_.wait(lock, [&] { return !is_checking_; });
  is_checking_ = true;
  lock.unlock();
  const auto started = std::chrono::steady_clock::now();
  std::optional<std::string> body;
  Response response;
  try {
    cmd::AuditOutcome outcome = cmd::verify_ledger(store, false);
    if (const auto* failure = std::get_if<eventstore::StoreError>(&outcome)) {
      response = error_response(http::status::internal_server_error, "store_failure", failure->message);
    } else {
      nlohmann::ordered_json verdict;
      if (const auto* fault = std::get_if<cmd::AuditFault>(&outcome)) {
        verdict = {{"ok", false}, {"error", cmd::audit_fault_json(*fault)}};
      } else {
        verdict = {{"ok", true}, {"command", "audit verify"}, {"result", std::get<cmd::AuditPassed>(outcome).result}};
      }
      verdict["checked_at"] = cmd::now().str();
      body = cmd::json_line(verdict) + "\n";
      response = verdict_response(*body);
    }
  } catch (const std::exception& fault) {
    // Those waiting for this check must still be woken.
    response = error_response(http::status::internal_server_error, "store_failure",
                              std::string("internal error: ") + fault.what());
  }
  lock.lock();
  if (body) last_verdict_ = Verdict{started, *body};
  last_answer_ = response;
  is_checking_ = false;
  ++checks_done_;
  checked_.notify_all();
  return response;
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
