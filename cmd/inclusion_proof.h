#pragma once
// An inclusion proof (FORMAT.md, "Proofs"): the audit path that shows one
// event is in the log a digest stands for, checkable with the digest alone.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/log_digest.h"
#include "domain/error.h"

namespace csp::cmd {

inline constexpr const char* proof_format = "csp-ledger-inclusion-proof";

struct InclusionProof {
  std::int64_t position = 0;   // the event's, from 1
  std::int64_t tree_size = 0;  // the tree it is proven in: positions 1..tree_size
  eventstore::Hash event_hash{};
  eventstore::Hash leaf_hash{};
  std::vector<eventstore::Hash> audit_path;
  eventstore::Hash root{};
};

// Why `position` cannot be proven in a tree of `tree_size` events of a log
// whose head is `head_position`, if it cannot: `invalid_input`.
std::optional<domain::Error> proof_request_problem(std::int64_t position, std::int64_t tree_size,
                                                   std::int64_t head_position);

// The proof for a request proof_request_problem accepts, read from the log.
eventstore::StoreResult<InclusionProof> prove_inclusion(eventstore::EventStore& store, std::int64_t position,
                                                        std::int64_t tree_size);

nlohmann::ordered_json proof_json(const InclusionProof& proof);
// `invalid_input` naming the field that is missing or malformed.
domain::Result<InclusionProof> proof_from_json(const nlohmann::json& object);

// Empty when `proof` shows its event in the tree `digest` stands for; else
// the sentence saying what does not hold.
std::optional<std::string> inclusion_problem(const InclusionProof& proof, const LogDigest& digest);

}  // namespace csp::cmd
