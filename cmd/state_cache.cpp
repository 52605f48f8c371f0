#include "cmd/state_cache.h"

#include "domain/event_codec.h"

namespace csp::cmd {

template <class State>
eventstore::StoreResult<Loaded<State>> StateCache::load(eventstore::WriteBatch& batch, const std::string& stream) {
  Entry entry{0, State{}};
  if (const auto found = entries_.find(stream); found != entries_.end()) entry = found->second;
  State state = std::get<State>(std::move(entry.state));
  auto events = batch.read_stream(stream, entry.version + 1);
  if (!events) return std::move(events).error();
  for (const auto& stored : *events) {
    auto decoded = domain::decode_payload(stored.event_type, stored.schema_version, stored.payload);
    if (!decoded) {
      return eventstore::StoreError{eventstore::StoreError::Kind::corrupt,
                                    "event at position " + std::to_string(stored.position) + ": " +
                                        decoded.error().message};
    }
    state = domain::evolve(std::move(state), *decoded);
    entry.version = stored.stream_version;
  }
  if (entries_.size() >= entries_max) entries_.clear();
  entries_[stream] = Entry{entry.version, state};
  return Loaded<State>{std::move(state), entry.version};
}

void StateCache::apply(const std::string& stream, const std::vector<domain::Event>& events) {
  const auto found = entries_.find(stream);
  if (found == entries_.end()) return;
  std::visit(
      [&](auto& state) {
        for (const auto& event : events) state = domain::evolve(std::move(state), event);
      },
      found->second.state);
  found->second.version += static_cast<std::int64_t>(events.size());
}

template eventstore::StoreResult<Loaded<domain::AgentsState>> StateCache::load(eventstore::WriteBatch&,
                                                                               const std::string&);
template eventstore::StoreResult<Loaded<domain::CustomerState>> StateCache::load(eventstore::WriteBatch&,
                                                                                 const std::string&);
template eventstore::StoreResult<Loaded<domain::SubscriptionState>> StateCache::load(eventstore::WriteBatch&,
                                                                                     const std::string&);
template eventstore::StoreResult<Loaded<domain::RefundTicketState>> StateCache::load(eventstore::WriteBatch&,
                                                                                     const std::string&);

}  // namespace csp::cmd
