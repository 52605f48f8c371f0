#pragma once
// Feeding the fold from the log: into memory (a report `--as-of`, an
// audit), into the stored read models (catch-up), or into new tables that
// replace them in one step (`audit replay`). All stream the log; none loads
// it whole.

#include <cstdint>
#include <functional>
#include <optional>

#include "domain/timestamp.h"
#include "eventstore/store.h"
#include "projections/read_models.h"
#include "projections/stored_read_models.h"

namespace csp::projections {

// Which events a replay folds: up to `position`, and with `time` only those
// whose business time is not after it. L6 keeps each stream's business
// time in order, so a time cut keeps a prefix of every stream.
struct ReplayLimit {
  std::optional<std::int64_t> position;
  std::optional<domain::Timestamp> time;

  bool includes(const eventstore::StoredEvent& event) const {
    return (!position || event.position <= *position) && (!time || event.business_time_us <= time->micros_since_epoch());
  }
};

// Called now and then with the position reached and the last one to read.
using Progress = std::function<void(std::int64_t position, std::int64_t last)>;

// Folds the events `limit` includes from `from_position` on into `models`.
// A failure names the event's position (StoreError::position).
eventstore::StoreStatus replay_into(eventstore::EventStore& store, ReadModels& models, std::int64_t from_position,
                                    const ReplayLimit& limit, const Progress& progress = {});
eventstore::StoreResult<ReadModels> replay_in_memory(eventstore::EventStore& store, const ReplayLimit& limit,
                                                     const Progress& progress = {});

// Rebuilds every stored read model from the log into new tables and swaps
// them in, inside the caller's write transaction on `store` (a store with
// a SQL session), so readers see the old rows or the new, never half.
// Returns the checkpoint written.
eventstore::StoreResult<Checkpoint> rebuild_stored(eventstore::EventStore& store, const ReplayLimit& limit,
                                                   const Progress& progress = {});

// Brings the stored read models `live` up to the log's head inside the
// caller's write transaction: creates them in a ledger that has none,
// rebuilds them when their layout is another or an `audit replay --until
// TIME` cut them, and otherwise folds the events after their checkpoint.
eventstore::StoreStatus catch_up(eventstore::EventStore& store, StoredReadModels& live);

}  // namespace csp::projections
