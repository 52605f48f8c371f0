#include "cmd/digest_cursor.h"

#include <stdexcept>
#include <string>

namespace csp::cmd {

DigestCursor::DigestCursor(eventstore::EventStore& store, std::int64_t range_positions)
    : store_(store), range_positions_(range_positions) {
  if (range_positions < 1 || range_positions > range_positions_max) {
    throw std::logic_error("a digest range of " + std::to_string(range_positions) + " positions is out of bounds");
  }
}

eventstore::StoreResult<std::optional<eventstore::Hash>> DigestCursor::digest_at(std::int64_t position) {
  if (position < position_last_) {
    throw std::logic_error("digest asked at position " + std::to_string(position) + " after position " +
                           std::to_string(position_last_));
  }
  position_last_ = position;
  if (position > range_last_) {
    const std::int64_t last = position + (range_positions_ - 1);
    auto digests = store_.command_digests_between(position, last);
    if (!digests) return std::move(digests).error();
    digests_ = std::move(digests).value();
    next_ = 0;
    range_last_ = last;
  }
  while (next_ < digests_.size() && digests_[next_].position < position) ++next_;
  if (next_ < digests_.size() && digests_[next_].position == position) {
    return std::optional<eventstore::Hash>(digests_[next_].digest);
  }
  return std::optional<eventstore::Hash>();
}

}  // namespace csp::cmd
