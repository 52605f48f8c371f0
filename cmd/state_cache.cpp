#include "cmd/state_cache.h"

#include "cmd/ledger.h"

namespace csp::cmd {

void StateCache::begin_command() {
  projections::drop_coldest(entries_, streams_max_, [](const Entry& entry) { return entry.used; });
}

std::optional<std::int64_t> StateCache::version_to_read_from(const std::string& stream) const {
  const auto found = entries_.find(stream);
  if (found == entries_.end()) return 1;
  if (found->second.checked_in_batch == batch_serial_) return std::nullopt;
  return found->second.version + 1;
}

template <class State>
eventstore::StoreResult<Loaded<State>> StateCache::load(eventstore::WriteBatch& batch, const std::string& stream) {
  auto found = entries_.find(stream);
  const bool is_new = found == entries_.end();
  if (is_new) found = entries_.emplace(stream, Entry{0, State{}, 0, 0}).first;
  Entry& entry = found->second;
  entry.used = clock_.tick();
  if (entry.checked_in_batch != batch_serial_) {
    auto events = batch.read_stream(stream, entry.version + 1);
    if (!events) {
      if (is_new) entries_.erase(found);
      return std::move(events).error();
    }
    State& state = std::get<State>(entry.state);
    for (const auto& stored : *events) {
      auto decoded = projections::decode_stored(stored, decoder_);
      if (!decoded) {
        entries_.erase(found);
        return std::move(decoded).error();
      }
      state = domain::evolve(std::move(state), *decoded);
      entry.version = stored.stream_version;
    }
    entry.checked_in_batch = batch_serial_;
  }
  return Loaded<State>{&std::get<State>(entry.state), entry.version, CacheSlot{&entry}};
}

void StateCache::apply(CacheSlot slot, const std::vector<domain::Event>& events) {
  auto* entry = static_cast<Entry*>(slot.entry);
  std::visit(
      [&](auto& state) {
        for (const auto& event : events) state = domain::evolve(std::move(state), event);
      },
      entry->state);
  entry->version += static_cast<std::int64_t>(events.size());
}

void StateCache::follow(const std::string& stream, std::int64_t stream_version, const domain::Event& event) {
  const auto found = entries_.find(stream);
  if (found == entries_.end()) return;
  Entry& entry = found->second;
  if (entry.version != stream_version - 1) {
    entries_.erase(found);
    return;
  }
  std::visit([&](auto& state) { state = domain::evolve(std::move(state), event); }, entry.state);
  entry.version = stream_version;
}

#define CSP_STATE_CACHE_FOR(State) \
  template eventstore::StoreResult<Loaded<State>> StateCache::load(eventstore::WriteBatch&, const std::string&)

CSP_STATE_CACHE_FOR(domain::AgentsState);
CSP_STATE_CACHE_FOR(domain::CustomerState);
CSP_STATE_CACHE_FOR(domain::SubscriptionState);
CSP_STATE_CACHE_FOR(domain::RefundTicketState);

#undef CSP_STATE_CACHE_FOR

}  // namespace csp::cmd
