#pragma once
// The id of the ledger key a ledger's product keys are sealed with, kept
// in ledger_meta beside the format (eventstore/FORMAT.md): what a key file
// is checked against before anything is sealed with it.

#include <optional>
#include <string>

#include "eventstore/store.h"

namespace csp::cmd {

// None in a ledger made before keys were sealed, or imported from one.
eventstore::StoreResult<std::optional<std::string>> recorded_key_id(eventstore::EventStore& store);
eventstore::StoreStatus record_key_id(eventstore::EventStore& store, const std::string& id);

}  // namespace csp::cmd
