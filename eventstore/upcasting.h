#pragma once
// Old payload versions are turned into the current one on read, one step at
// a time (v1 -> v2 -> v3), and never rewritten on disk.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "eventstore/envelope.h"
#include "eventstore/store_error.h"

namespace csp::eventstore {

// Turns a payload of version v into the payload of version v+1, or says why
// it cannot (the bytes are corrupt).
using Upcaster = std::function<domain::Result<std::string>(std::string_view payload)>;

class UpcasterRegistry {
 public:
  void add(std::string event_type, std::uint32_t from_version, Upcaster step);

  // Applies every step registered from the event's version on. An event
  // with no steps is left as it is. A failing step is `corrupt`.
  StoreStatus upcast(StoredEvent& event) const;
  bool applies_to(const StoredEvent& event) const;

 private:
  std::map<std::pair<std::string, std::uint32_t>, Upcaster, std::less<>> steps_;
};

}  // namespace csp::eventstore
