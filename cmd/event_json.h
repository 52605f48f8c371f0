#pragma once
// Events as JSON, for `history` and `export`: the envelope, the decoded
// fields, and (for export) the exact payload bytes, so an import can check
// the hash chain.

#include <nlohmann/json.hpp>

#include "domain/events.h"
#include "eventstore/envelope.h"

namespace csp::cmd {

// The event's own fields, named as in the `run` JSON where they overlap.
nlohmann::ordered_json event_fields(const domain::Event& event);

// Envelope plus decoded fields; with `with_bytes`, payload_hex and hash too.
nlohmann::ordered_json stored_event_json(const eventstore::StoredEvent& stored, const domain::Event& event, bool with_bytes);

}  // namespace csp::cmd
