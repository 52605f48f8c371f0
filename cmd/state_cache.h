#pragma once
// Aggregate states kept between commands, so a command does not refold its
// stream from the start: only events after the cached version are read.

#include <cstdint>
#include <string>
#include <unordered_map>
#include <variant>

#include "domain/agents.h"
#include "domain/customer.h"
#include "domain/refund_ticket.h"
#include "domain/subscription.h"
#include "eventstore/store.h"

namespace csp::cmd {

template <class State>
struct Loaded {
  State state;
  std::int64_t version = 0;  // events in the stream; 0: it does not exist
};

class StateCache {
 public:
  // The stream's current state as `batch` sees it. `corrupt` when a stored
  // payload does not decode.
  template <class State>
  eventstore::StoreResult<Loaded<State>> load(eventstore::WriteBatch& batch, const std::string& stream);

  // After an append: folds the events just written into the cached state.
  void apply(const std::string& stream, const std::vector<domain::Event>& events);
  void forget(const std::string& stream) { entries_.erase(stream); }
  void clear() { entries_.clear(); }

 private:
  using AnyState =
      std::variant<domain::AgentsState, domain::CustomerState, domain::SubscriptionState, domain::RefundTicketState>;
  struct Entry {
    std::int64_t version = 0;
    AnyState state;
  };
  // Bounds memory on long runs: past this many streams the cache starts over.
  static constexpr std::size_t entries_max = 200'000;

  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace csp::cmd
