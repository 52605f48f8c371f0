#pragma once
// GET /events reads the log a page at a time, as `export` lines, so a long
// log is streamed and never held whole.

#include <cstdint>
#include <string>

#include "eventstore/store.h"

namespace csp::server {

struct EventPage {
  std::string lines;              // JSON lines, each ending in '\n'
  std::int64_t events = 0;
  std::int64_t next_position = 0;  // where the next page starts
  eventstore::Hash last_hash = {};
};

// Up to `events_max` events from `from_position` on; none when the log
// ends before it. The private fields of private_fields.h are withheld
// unless `reader` holds admin-agent as the page is read, so a role granted
// or revoked during a follow counts from the next page on.
eventstore::StoreResult<EventPage> read_event_page(eventstore::EventStore& store, std::int64_t from_position,
                                                   std::int64_t events_max, const std::string& reader);

}  // namespace csp::server
