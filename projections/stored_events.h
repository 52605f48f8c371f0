#pragma once
// The log's events as the domain's: every reader of stored events decodes
// them here, upcasting older versions first.

#include "domain/event_codec.h"
#include "domain/events.h"
#include "eventstore/store.h"

namespace csp::projections {

// The upcasters of every event type, for the store.
const eventstore::UpcasterRegistry& ledger_upcasters();

// A stored event as the domain's event, upcast first when it is of an older
// version; `corrupt`, naming its position, when the bytes do not decode.
eventstore::StoreResult<domain::Event> decode_stored(const eventstore::StoredEvent& stored);
// The same, with a decoder kept by a caller that decodes many.
eventstore::StoreResult<domain::Event> decode_stored(const eventstore::StoredEvent& stored, domain::PayloadDecoder& decoder);

}  // namespace csp::projections
