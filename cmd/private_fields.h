#pragma once
// The event fields that hold personal data: a refund ticket's contact and
// attachments (RefundTicketOpened). Only a reader holding admin-agent sees
// them in `history` and GET /events; everyone else gets the event without
// them, and without the bytes of events that hold a sealed product key.
// No reader sees a product key here: only `key show` prints one.

#include <string_view>

#include <nlohmann/json.hpp>

#include "eventstore/store.h"

namespace csp::cmd {

// Whether `reader` holds admin-agent in the agents stream as it stands now.
// A reader that is no agent id, or holds no role, does not; a failure is
// the store's, reading that stream.
eventstore::StoreResult<bool> reads_private_fields(eventstore::EventStore& store, std::string_view reader);

// Takes the private fields out of `line` (the shape of stored_event_json)
// and names them in the line's "withheld" list. The line of an event whose
// bytes hold private data (a key revocation too) also loses its
// payload_hex and hash, and every line its command_digest: each would
// confirm a guess of what was withheld.
void withhold_private_fields(nlohmann::ordered_json& line);

}  // namespace csp::cmd
