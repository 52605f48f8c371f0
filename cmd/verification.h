#pragma once
// The check of `audit verify` (and GET /audit): the hash chain of the whole
// log, every event replayed, the aliases and the stored read models
// compared with that replay. The caller prints or serves the outcome.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "eventstore/store.h"

namespace csp::cmd {

// The log and its read models as the events make them.
struct AuditPassed {
  // events_checked, head_hash, subscriptions, links, refund_tickets, read_models
  nlohmann::ordered_json result;
  std::string sentence;  // the same in words
};

// What the audit found first, and where (DESIGN, `audit_fault`).
struct AuditFault {
  std::string message;
  std::optional<std::int64_t> position;
  std::string fault;  // changed, missing, ..., read_model_differs
  nlohmann::ordered_json details = nlohmann::ordered_json::object();
};

// A store failure means the audit could not run to its end.
using AuditOutcome = std::variant<AuditPassed, AuditFault, eventstore::StoreError>;

// `shows_progress`: a bar per stage on a terminal's stderr, for a person
// waiting at one; a server's log has no use for it.
AuditOutcome verify_ledger(eventstore::EventStore& store, bool shows_progress);

// The fault as the `error` object of an `audit_fault` answer; stored cells
// a tamperer chose are made printable.
nlohmann::ordered_json audit_fault_json(const AuditFault& fault);

}  // namespace csp::cmd
