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

// What an append under an id already recorded as `known` gets (L3): its
// first positions again, or `command_differs` when both have a digest and
// the digests differ.
StoreResult<AppendOutcome> seen_command_outcome(const AppendRequest& request, const CommandRecord& known);

// `invalid_argument` when an imported event carries a command digest but
// starts no command with a caller's id (`starts_command`: it does not
// continue the previous event's command).
StoreStatus check_imported_digest(const StoredEvent& event, bool starts_command,
                                  const std::optional<Hash>& command_digest);

// The id a command without a caller's id is named by (FORMAT.md).
std::string derived_command_id(std::int64_t first_position);

}  // namespace csp::eventstore
