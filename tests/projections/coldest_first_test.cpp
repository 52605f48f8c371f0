// The bound of the writer's caches: past it the least recently used go, a
// tenth at a time, and what is in use stays.

#include <gtest/gtest.h>

#include <cstdint>
#include <unordered_map>

#include "projections/coldest_first.h"

namespace csp::projections {
namespace {

using Stamps = std::unordered_map<int, std::uint64_t>;

Stamps used_in_order(int entries) {
  Stamps stamps;
  UseClock clock;
  for (int key = 0; key < entries; ++key) stamps[key] = clock.tick();
  return stamps;
}

std::uint64_t stamp_of(std::uint64_t stamp) { return stamp; }

TEST(ColdestFirst, WithinTheBoundNothingGoes) {
  Stamps stamps = used_in_order(100);
  drop_coldest(stamps, 100, stamp_of);
  EXPECT_EQ(stamps.size(), 100u);
}

TEST(ColdestFirst, PastTheBoundTheLeastRecentlyUsedGoUntilNineTenthsRemain) {
  Stamps stamps = used_in_order(101);
  drop_coldest(stamps, 100, stamp_of);
  ASSERT_EQ(stamps.size(), 90u);
  for (int key = 0; key <= 10; ++key) EXPECT_FALSE(stamps.contains(key)) << key;
  for (int key = 11; key <= 100; ++key) EXPECT_TRUE(stamps.contains(key)) << key;
}

TEST(ColdestFirst, AnEntryUsedAgainStaysHoweverOldItIs) {
  Stamps stamps = used_in_order(101);
  UseClock later;
  for (int tick = 0; tick < 1000; ++tick) later.tick();
  stamps[0] = later.tick();
  drop_coldest(stamps, 100, stamp_of);
  EXPECT_TRUE(stamps.contains(0));
  EXPECT_FALSE(stamps.contains(1));
  EXPECT_EQ(stamps.size(), 90u);
}

TEST(ColdestFirst, EntriesSharingTheCutOffStampGoTogether) {
  Stamps stamps;
  for (int key = 0; key < 11; ++key) stamps[key] = key < 6 ? 1 : 2;
  drop_coldest(stamps, 10, stamp_of);  // two must go; all six of stamp 1 do
  EXPECT_EQ(stamps.size(), 5u);
  for (const auto& [key, stamp] : stamps) EXPECT_EQ(stamp, 2u) << key;
}

TEST(ColdestFirst, ABoundOfZeroEmptiesTheMap) {
  Stamps stamps = used_in_order(3);
  drop_coldest(stamps, 0, stamp_of);
  EXPECT_TRUE(stamps.empty());
}

}  // namespace
}  // namespace csp::projections
