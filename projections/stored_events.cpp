#include "projections/stored_events.h"

#include "domain/event_codec.h"
#include "domain/upcasters.h"

namespace csp::projections {

using eventstore::StoreError;
using eventstore::StoreResult;

const eventstore::UpcasterRegistry& ledger_upcasters() {
  static const eventstore::UpcasterRegistry registry = [] {
    eventstore::UpcasterRegistry steps;
    for (const auto& step : domain::upcast_steps()) steps.add(std::string(step.event_type), step.from_version, step.upcast);
    return steps;
  }();
  return registry;
}

StoreResult<domain::Event> decode_stored(const eventstore::StoredEvent& stored) {
  domain::PayloadDecoder decoder;
  return decode_stored(stored, decoder);
}

StoreResult<domain::Event> decode_stored(const eventstore::StoredEvent& stored, domain::PayloadDecoder& decoder) {
  const auto& upcasters = ledger_upcasters();
  const eventstore::StoredEvent* current = &stored;
  eventstore::StoredEvent upcast;
  if (upcasters.applies_to(stored)) {
    upcast = stored;
    if (eventstore::StoreStatus done = upcasters.upcast(upcast); !done) return done.error();
    current = &upcast;
  }
  auto event = decoder.decode(current->event_type, current->schema_version, current->payload);
  if (!event) {
    return StoreError{StoreError::Kind::corrupt,
                      "event at position " + std::to_string(stored.position) + ": " + event.error().message};
  }
  return std::move(event).value();
}

}  // namespace csp::projections
