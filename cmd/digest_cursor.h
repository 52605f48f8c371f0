#pragma once
// The command digests that export lines carry, read a range of positions
// at a time as the export walks the log forward: one store read per range
// where a find_command per event would cost a round trip each on a
// database server.

#include <cstdint>
#include <optional>
#include <vector>

#include "eventstore/store.h"

namespace csp::cmd {

class DigestCursor {
 public:
  // A range holds at most this many positions, so its digests stay small.
  static constexpr std::int64_t range_positions_max = 100'000;
  // As many as the PostgreSQL store reads events in one page.
  static constexpr std::int64_t range_positions_default = 5'000;

  // Reads ranges of `range_positions` positions (1 to range_positions_max)
  // from `store`, which must outlive the cursor.
  explicit DigestCursor(eventstore::EventStore& store, std::int64_t range_positions = range_positions_default);

  // The digest recorded with the command whose first event is at
  // `position`, if any. Positions must not go back (the log's order); the
  // next range is read once `position` passes the one read last. The
  // store's failures pass through.
  [[nodiscard]] eventstore::StoreResult<std::optional<eventstore::Hash>> digest_at(std::int64_t position);

 private:
  eventstore::EventStore& store_;
  std::int64_t range_positions_;
  std::int64_t position_last_ = 0;  // the position asked last
  // The end of the range read last: positions start at 1, so none is read
  // before the first ask.
  std::int64_t range_last_ = 0;
  std::vector<eventstore::PositionedDigest> digests_;
  std::size_t next_ = 0;  // the first of digests_ not passed yet
};

}  // namespace csp::cmd
