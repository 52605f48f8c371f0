#pragma once
// Aggregate states kept between commands, so a command does not refold its
// stream from the start: only events after the cached version are read, and
// within one batch (one write transaction, which no other writer can
// interleave) a stream already read is not read again.

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <variant>

#include "domain/agents.h"
#include "domain/customer.h"
#include "domain/event_codec.h"
#include "domain/refund_ticket.h"
#include "domain/subscription.h"
#include "eventstore/store.h"
#include "projections/coldest_first.h"

namespace csp::cmd {

class StateCache;

// Where a stream's state lives in the cache; valid until the cache is next
// told to start a command.
struct CacheSlot {
  void* entry = nullptr;
};

// A view of a cached state, with the same lifetime as its slot.
template <class State>
struct Loaded {
  const State* state = nullptr;
  std::int64_t version = 0;  // events in the stream; 0: it does not exist
  CacheSlot slot;
};

class StateCache {
 public:
  // Bounds memory on long runs: past this many streams the least recently
  // used are dropped, to be read again from the store when next needed.
  static constexpr std::size_t streams_max_default = 100'000;
  void set_streams_max(std::size_t streams) { streams_max_ = streams; }
  std::size_t size() const { return entries_.size(); }

  // A new write transaction: states must be checked against the store again.
  void begin_batch() { ++batch_serial_; }
  // Between commands: the only point where the cache may drop entries.
  void begin_command();

  // The stream's current state as `batch` sees it. `corrupt` when a stored
  // payload does not decode.
  template <class State>
  eventstore::StoreResult<Loaded<State>> load(eventstore::WriteBatch& batch, const std::string& stream);

  // The version load() would read the stream from in this batch: empty
  // when the cached state is known current.
  std::optional<std::int64_t> version_to_read_from(const std::string& stream) const;

  // After an append: folds the events just written into the cached state.
  void apply(CacheSlot slot, const std::vector<domain::Event>& events);
  // An event another writer appended: a state cached just before it folds
  // it; one that is behind or ahead of it is dropped, to be read again.
  void follow(const std::string& stream, std::int64_t stream_version, const domain::Event& event);
  void clear() { entries_.clear(); }

 private:
  using AnyState =
      std::variant<domain::AgentsState, domain::CustomerState, domain::SubscriptionState, domain::RefundTicketState>;
  struct Entry {
    std::int64_t version = 0;
    AnyState state;
    std::uint64_t checked_in_batch = 0;  // the batch that last read or wrote it
    std::uint64_t used = 0;              // projections::UseClock stamp
  };

  std::unordered_map<std::string, Entry> entries_;
  std::size_t streams_max_ = streams_max_default;
  projections::UseClock clock_;
  domain::PayloadDecoder decoder_;
  std::uint64_t batch_serial_ = 1;
};

}  // namespace csp::cmd
