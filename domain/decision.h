#pragma once
// What a decider returns: the events to append and, when the command was
// refused, why. A refusal normally carries no events; a refused download
// carries its DownloadDenied (L5), which is appended all the same.

#include <optional>
#include <vector>

#include "domain/error.h"
#include "domain/events.h"
#include "domain/role.h"

namespace csp::domain {

struct Decision {
  std::vector<Event> events;
  std::optional<Error> refusal;
  // The role the actor acted in (L2); empty for a customer's download.
  std::optional<Role> role_used;

  bool is_accepted() const { return !refusal.has_value(); }

  static Decision accept(std::optional<Role> role_used, std::vector<Event> events);
  static Decision refuse(Error error);
  // L5: refused, yet these events are recorded.
  static Decision refuse_recording(Error error, std::vector<Event> events);
};

}  // namespace csp::domain
