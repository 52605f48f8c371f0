#pragma once
// GET /digest and GET /proof?position=N[&tree_size=S]: `digest --json`'s
// and `prove --json`'s objects (cmd/log_digest.h, cmd/inclusion_proof.h),
// so a saved body serves as a digest or proof file. 400 invalid_input for
// a bad parameter or a position outside the tree, 500 store_failure when
// the log cannot be read.

#include <cstdint>
#include <optional>

#include "cmd/server/query_string.h"
#include "cmd/server/responses.h"
#include "domain/result.h"
#include "eventstore/store.h"

namespace csp::server {

struct ProofQuery {
  std::int64_t position = 0;
  std::optional<std::int64_t> tree_size;  // empty: the head's position
};

// invalid_input for a parameter other than none (GET /digest).
domain::Status digest_parameters_checked(const Target& target);
domain::Result<ProofQuery> proof_query_of(const Target& target);

Response digest_response(eventstore::EventStore& store);
Response proof_response(eventstore::EventStore& store, const ProofQuery& query);

}  // namespace csp::server
