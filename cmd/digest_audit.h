#pragma once
// `audit verify --digest`: whether the log extends a digest taken earlier
// (FORMAT.md, "Digests"). The chain alone cannot tell a log rewritten and
// re-chained, or cut and its head record rewritten, from an honest one; a
// digest kept elsewhere can.

#include <optional>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "cmd/log_digest.h"
#include "cmd/verification.h"

namespace csp::cmd {

// What the check proved, for the audit's result.
struct DigestProven {
  nlohmann::ordered_json result;
  std::string sentence;
};

using DigestOutcome = std::variant<DigestProven, AuditFault, eventstore::StoreError>;

// Faults: `digest_signature` (a signature that does not verify, with
// `trusted_public_key_pem` when given or else with the digest's own key,
// or an unsigned digest when a key is trusted), `digest_ahead` (the log
// is shorter than the digest: position = the first missing one),
// `digest_differs` (the first events are not those the digest stands for:
// position = the first one the digest can tell apart).
DigestOutcome check_digest(eventstore::EventStore& store, const LogDigest& digest,
                           const std::optional<std::string>& trusted_public_key_pem);

// The signature check alone, for checks without a ledger (verify-proof):
// empty when it passes, else the sentence saying why not.
std::optional<std::string> signature_problem(const LogDigest& digest,
                                             const std::optional<std::string>& trusted_public_key_pem);
// How the signature was checked, in words ("unsigned", ...).
std::string signature_summary(const LogDigest& digest, const std::optional<std::string>& trusted_public_key_pem);

}  // namespace csp::cmd
