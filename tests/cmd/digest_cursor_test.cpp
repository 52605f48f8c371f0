// Export lines carry each command's digest on its first event however many
// ranges the log spans, on every backend: the cursor reads a range of
// positions at a time, so the ranges here are smaller than the log.

#include <map>
#include <stdexcept>

#include "cmd/digest_cursor.h"
#include "eventstore/backends.h"

namespace csp::cmd {
namespace {

using namespace eventstore::testing;
using eventstore::Hash;

class DigestCursorOnStore : public ::testing::TestWithParam<Backend> {
 protected:
  Places places;
  FakeClock clock;
  std::unique_ptr<eventstore::EventStore> store = GetParam().create(places, clock, "ledger.db");
  // The digest each command was appended with, at its first position.
  std::map<std::int64_t, Hash> digests;
  std::int64_t head_position = 0;

  // Twelve commands: every other one with a digest, every third one of
  // two events, one without an id.
  void append_commands() {
    for (std::uint8_t number = 1; number <= 12; ++number) {
      std::vector<eventstore::NewEvent> events{event("T", "a")};
      if (number % 3 == 0) events.push_back(event("T", "b"));
      const std::string id = number == 7 ? "" : "c" + std::to_string(number);
      auto appended = request(id, "s", head_position, events);
      if (number % 2 == 1) appended.command_digest = Hash{number};
      const auto outcome = ok_or_throw(store->append(appended));
      if (appended.command_digest && !id.empty()) digests[outcome.positions.front()] = *appended.command_digest;
      head_position = outcome.positions.back();
    }
  }

  std::optional<Hash> expected_at(std::int64_t position) const {
    const auto found = digests.find(position);
    return found == digests.end() ? std::nullopt : std::optional<Hash>(found->second);
  }
};

TEST_P(DigestCursorOnStore, EveryDigestIsFoundWhateverTheRangeSize) {
  append_commands();
  ASSERT_EQ(head_position, 16);
  for (const std::int64_t range_positions : {1, 2, 3, 5, 16, 1000}) {
    DigestCursor cursor(*store, range_positions);
    for (std::int64_t position = 1; position <= head_position; ++position) {
      EXPECT_EQ(ok_or_throw(cursor.digest_at(position)), expected_at(position))
          << "position " << position << ", ranges of " << range_positions;
    }
  }
}

TEST_P(DigestCursorOnStore, PositionsPassedOverDoNotHideLaterDigests) {
  append_commands();
  DigestCursor cursor(*store, 3);
  for (const std::int64_t position : {1, 5, 6, 10, 15}) {
    EXPECT_EQ(ok_or_throw(cursor.digest_at(position)), expected_at(position)) << "position " << position;
  }
}

TEST_P(DigestCursorOnStore, AnEmptyLogHasNoDigests) {
  DigestCursor cursor(*store, 4);
  EXPECT_FALSE(ok_or_throw(cursor.digest_at(1)).has_value());
  EXPECT_FALSE(ok_or_throw(cursor.digest_at(9)).has_value());
}

TEST_P(DigestCursorOnStore, GoingBackIsABug) {
  append_commands();
  DigestCursor cursor(*store, 4);
  (void)ok_or_throw(cursor.digest_at(6));
  EXPECT_THROW((void)cursor.digest_at(5), std::logic_error);
}

TEST_P(DigestCursorOnStore, RangeSizesOutOfBoundsAreABug) {
  EXPECT_THROW(DigestCursor(*store, 0), std::logic_error);
  EXPECT_THROW(DigestCursor(*store, DigestCursor::range_positions_max + 1), std::logic_error);
  EXPECT_NO_THROW(DigestCursor(*store, DigestCursor::range_positions_max));
}

INSTANTIATE_TEST_SUITE_P(Backends, DigestCursorOnStore, ::testing::ValuesIn(backends()),
                         [](const auto& backend) { return backend.param.name; });

}  // namespace
}  // namespace csp::cmd
