#pragma once
// What every backend checks of an append before it writes anything, with
// one wording for both: a request's shape, and a stream found at another
// version than expected (L4).

#include <cstdint>
#include <string>

#include "eventstore/envelope.h"
#include "eventstore/store.h"
#include "eventstore/store_error.h"

namespace csp::eventstore {

// `invalid_argument` for a malformed request: an '@' id, no writes, a
// stream named twice or unnamed, an empty event, alias or type, or more
// than events_per_request_max events.
StoreStatus check_request(const AppendRequest& request);

// The `conflict` a stream at `version` gives a write that expected another.
StoreError version_conflict(const StreamWrite& write, std::int64_t version);

// `alias_taken` when the alias already names a stream in `store` (its
// resolve_alias sees what the open batch added).
StoreStatus check_alias_free(EventStore& store, const std::string& alias);
// The same for every alias of a request, which may not give one twice.
StoreStatus check_aliases_free(EventStore& store, const AppendRequest& request);

// The id a command without a caller's id is named by (FORMAT.md).
std::string derived_command_id(std::int64_t first_position);

}  // namespace csp::eventstore
