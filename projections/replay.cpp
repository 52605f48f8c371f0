#include "projections/replay.h"

#include <stdexcept>

#include "eventstore/sql_session.h"
#include "projections/stored_events.h"

namespace csp::projections {
namespace {

using eventstore::StoreError;
using eventstore::StoreResult;
using eventstore::StoreStatus;

constexpr std::int64_t progress_every = 50'000;
// A rebuild writes its rows once this many wait, which bounds its memory:
// written rows can be dropped (StoredReadModels::set_table_rows_max),
// waiting ones cannot. Counting rows, not events, writes a hot row once
// per rebuild instead of once per so many events.
constexpr std::size_t rebuild_rows_waiting_max = 100'000;

// Streams the events `limit` includes from `from_position` on to `apply`;
// the first failure stops it.
StoreStatus fold_log(eventstore::EventStore& store, std::int64_t from_position, const ReplayLimit& limit,
                     const Progress& progress,
                     const std::function<StoreStatus(const domain::Event&, std::int64_t position)>& apply) {
  auto head = store.head();
  if (!head) return std::move(head).error();
  const std::int64_t last = limit.position ? std::min(*limit.position, head->position) : head->position;
  StoreStatus failure = StoreStatus::success();
  domain::PayloadDecoder decoder;
  StoreStatus read = store.for_each(from_position, [&](const eventstore::StoredEvent& stored) {
    if (stored.position > last) return false;
    if (progress && stored.position % progress_every == 0) progress(stored.position, last);
    if (!limit.includes(stored)) return true;
    auto event = decode_stored(stored, decoder);
    failure = event ? apply(*event, stored.position) : StoreStatus(std::move(event).error());
    if (failure) return true;
    StoreError error = failure.error();
    error.position = stored.position;
    failure = std::move(error);
    return false;
  });
  if (!read) return read;
  if (!failure) return failure;
  if (progress) progress(last, last);
  return StoreStatus::success();
}

}  // namespace

StoreStatus replay_into(eventstore::EventStore& store, ReadModels& models, std::int64_t from_position,
                        const ReplayLimit& limit, const Progress& progress) {
  return fold_log(store, from_position, limit, progress, [&](const domain::Event& event, std::int64_t position) {
    try {
      models.apply(event, position);
    } catch (const std::logic_error& fault) {
      return StoreStatus(StoreError{StoreError::Kind::corrupt, "the event at position " + std::to_string(position) +
                                                                   " does not replay: " + fault.what()});
    }
    return StoreStatus::success();
  });
}

StoreResult<ReadModels> replay_in_memory(eventstore::EventStore& store, const ReplayLimit& limit,
                                         const Progress& progress) {
  ReadModels models;
  if (StoreStatus folded = replay_into(store, models, 1, limit, progress); !folded) return folded.error();
  return models;
}

StoreResult<Checkpoint> rebuild_stored(eventstore::EventStore& store, const ReplayLimit& limit,
                                       const Progress& progress) {
  eventstore::sql::Session* session = eventstore::sql::session_of(store);
  if (session == nullptr) return StoreError{StoreError::Kind::invalid_argument, "this store keeps no read models of its own"};
  auto head = store.head();
  if (!head) return std::move(head).error();
  StoredReadModels next(*session, rebuild_tables);
  if (StoreStatus created = next.create_empty(); !created) return created.error();
  StoreStatus folded = fold_log(store, 1, limit, progress, [&](const domain::Event& event, std::int64_t position) {
    if (StoreStatus applied = next.apply(event, position); !applied) return applied;
    return next.changed_rows() >= rebuild_rows_waiting_max ? next.flush() : StoreStatus::success();
  });
  if (!folded) return folded.error();
  if (StoreStatus flushed = next.flush(); !flushed) return flushed.error();
  if (StoreStatus swapped = next.replace_live_tables(); !swapped) return swapped.error();
  Checkpoint checkpoint;
  checkpoint.position = limit.position ? std::min(*limit.position, head->position) : head->position;
  checkpoint.until_time = limit.time;
  checkpoint.layout = read_models_layout;
  checkpoint.is_partial = checkpoint.position < head->position || limit.time.has_value();
  StoredReadModels live(*session, live_tables);
  if (StoreStatus written = live.write_checkpoint(checkpoint); !written) return written.error();
  return checkpoint;
}

StoreStatus catch_up(eventstore::EventStore& store, StoredReadModels& live) {
  auto stored = live.stored_checkpoint();
  if (!stored) return std::move(stored).error();
  const std::optional<Checkpoint>& checkpoint = *stored;
  auto head = store.head();
  if (!head) return std::move(head).error();
  // A time cut left out events here and there; a position cut only a tail,
  // which folds on like any other.
  if (!checkpoint || checkpoint->layout != read_models_layout || checkpoint->until_time ||
      checkpoint->position > head->position) {
    live.forget();
    auto rebuilt = rebuild_stored(store, ReplayLimit{});
    if (!rebuilt) return std::move(rebuilt).error();
    return StoreStatus::success();
  }
  if (checkpoint->position == head->position && !checkpoint->is_partial) return StoreStatus::success();
  StoreStatus folded = fold_log(store, checkpoint->position + 1, ReplayLimit{}, {},
                                [&](const domain::Event& event, std::int64_t position) { return live.apply(event, position); });
  if (!folded) return folded;
  if (StoreStatus flushed = live.flush(); !flushed) return flushed;
  return live.write_checkpoint(Checkpoint{head->position, std::nullopt, read_models_layout, false});
}

}  // namespace csp::projections
