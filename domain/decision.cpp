#include "domain/decision.h"

#include <stdexcept>

namespace csp::domain {

Decision Decision::accept(std::optional<Role> role_used, std::vector<Event> events) {
  if (events.empty()) throw std::logic_error("an accepted command must record at least one event");
  return Decision{std::move(events), std::nullopt, role_used};
}

Decision Decision::refuse(Error error) { return Decision{{}, std::move(error), std::nullopt}; }

Decision Decision::refuse_recording(Error error, std::vector<Event> events) {
  return Decision{std::move(events), std::move(error), std::nullopt};
}

}  // namespace csp::domain
