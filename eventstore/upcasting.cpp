#include "eventstore/upcasting.h"

namespace csp::eventstore {

void UpcasterRegistry::add(std::string event_type, std::uint32_t from_version, Upcaster step) {
  steps_[{std::move(event_type), from_version}] = std::move(step);
}

bool UpcasterRegistry::applies_to(const StoredEvent& event) const {
  return steps_.find(std::pair{event.event_type, event.schema_version}) != steps_.end();
}

StoreStatus UpcasterRegistry::upcast(StoredEvent& event) const {
  // Bounded: a chain longer than this is a registration bug, not data.
  constexpr int steps_max = 64;
  for (int step = 0; step < steps_max; ++step) {
    const auto found = steps_.find(std::pair{event.event_type, event.schema_version});
    if (found == steps_.end()) return StoreStatus::success();
    auto next = found->second(event.payload);
    if (!next) {
      return StoreError{StoreError::Kind::corrupt, "event at position " + std::to_string(event.position) + " (" +
                                                       event.event_type + " v" +
                                                       std::to_string(event.schema_version) +
                                                       ") cannot be upcast: " + next.error().message};
    }
    event.payload = std::move(next).value();
    ++event.schema_version;
  }
  throw std::logic_error("upcaster chain for " + event.event_type + " does not end");
}

}  // namespace csp::eventstore
