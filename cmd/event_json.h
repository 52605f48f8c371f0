#pragma once
// Events as JSON, for `history` and `export`: the envelope, the decoded
// fields, and (for export) the exact payload bytes, so an import can check
// the hash chain.

#include <nlohmann/json.hpp>

#include "cmd/digest_cursor.h"
#include "domain/events.h"
#include "eventstore/envelope.h"
#include "eventstore/store_error.h"

namespace csp::cmd {

// The event's own fields, named as in the `run` JSON where they overlap.
nlohmann::ordered_json event_fields(const domain::Event& event);

// Envelope plus decoded fields; with `with_bytes`, payload_hex and hash too.
nlohmann::ordered_json stored_event_json(const eventstore::StoredEvent& stored, const domain::Event& event, bool with_bytes);

// One line of `export` (and of the server's /events): an event read with
// its payload as stored, decoded for the readable fields, and on the first
// event of a command recorded with a digest, its `command_digest` (from
// `digests`, which follows the log with the caller's events); `corrupt`
// when the bytes do not decode.
eventstore::StoreResult<nlohmann::ordered_json> exported_event_json(DigestCursor& digests,
                                                                    const eventstore::StoredEvent& stored);

// The last line of an export, which vouches for the rest: an import refuses
// a file without it.
nlohmann::ordered_json end_of_export_json(std::int64_t events, const eventstore::Hash& head_hash);

}  // namespace csp::cmd
