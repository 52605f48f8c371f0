#include "eventstore/store.h"

#include "eventstore/sql_session.h"

namespace csp::eventstore {
namespace {

StoreStatus upcast_all(const UpcasterRegistry* upcasters, std::vector<StoredEvent>& events) {
  if (upcasters == nullptr) return StoreStatus::success();
  for (auto& event : events) {
    if (StoreStatus status = upcasters->upcast(event); !status) return status;
  }
  return StoreStatus::success();
}

StoreResult<std::vector<StoredEvent>> upcast_result(const UpcasterRegistry* upcasters,
                                                    StoreResult<std::vector<StoredEvent>> events) {
  if (!events) return events;
  if (StoreStatus status = upcast_all(upcasters, events.value()); !status) return status.error();
  return events;
}

}  // namespace

StoreResult<std::vector<StoredEvent>> WriteBatch::read_stream(std::string_view stream_id, std::int64_t from_version) {
  return upcast_result(upcasters_, read_stream_stored(stream_id, from_version));
}

StoreResult<std::vector<StoredEvent>> WriteBatch::read_positions(std::int64_t first_position, std::int64_t count) {
  return upcast_result(upcasters_, read_positions_stored(first_position, count));
}

StoreResult<AppendOutcome> EventStore::append(const AppendRequest& request) {
  auto batch = begin_batch();
  if (!batch) return std::move(batch).error();
  auto outcome = (*batch)->append(request);
  if (!outcome) return outcome;
  if (StoreStatus committed = (*batch)->commit(); !committed) return committed.error();
  return outcome;
}

StoreResult<std::vector<StoredEvent>> EventStore::read_stream(std::string_view stream_id, std::int64_t from_version) {
  return upcast_result(upcasters_, read_stream_stored(stream_id, from_version));
}

StoreResult<std::vector<StoredEvent>> EventStore::read_all(std::int64_t from_position, std::size_t count_max) {
  std::vector<StoredEvent> events;
  StoreStatus status = for_each_stored(from_position, [&](const StoredEvent& event) {
    events.push_back(event);
    return events.size() < count_max;
  });
  if (!status) return status.error();
  return upcast_result(upcasters_, std::move(events));
}

StoreStatus EventStore::for_each(std::int64_t from_position, const std::function<bool(const StoredEvent&)>& visit) {
  if (upcasters_ == nullptr) return for_each_stored(from_position, visit);
  StoreStatus upcast_failure;
  StoreStatus status = for_each_stored(from_position, [&](const StoredEvent& stored) {
    if (!upcasters_->applies_to(stored)) return visit(stored);
    StoredEvent current = stored;
    if (StoreStatus upcast = upcasters_->upcast(current); !upcast) {
      upcast_failure = upcast;
      return false;
    }
    return visit(current);
  });
  if (!status) return status;
  return upcast_failure;
}

StoreResult<std::vector<StoredEvent>> read_positions_of(EventStore& store, std::int64_t first_position,
                                                        std::int64_t count) {
  std::vector<StoredEvent> events;
  StoreStatus status = store.for_each_stored(first_position, [&](const StoredEvent& event) {
    if (event.position >= first_position + count) return false;
    events.push_back(event);
    return true;
  });
  if (!status) return status.error();
  return events;
}

}  // namespace csp::eventstore

namespace csp::eventstore::sql {

Session* session_of(EventStore& store) { return store.sql_session(); }

}  // namespace csp::eventstore::sql
