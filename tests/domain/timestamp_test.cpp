// Business time: RFC 3339 in, UTC "Z" out, microseconds inside.

#include <gtest/gtest.h>

#include "fixtures.h"

namespace csp::domain {
namespace {

using testing::at;

TEST(Timestamp, ParsesUtcAndPrintsItBack) {
  EXPECT_EQ(at("2026-03-01T09:30:00Z").str(), "2026-03-01T09:30:00Z");
  EXPECT_EQ(at("1970-01-01T00:00:00Z").micros_since_epoch(), 0);
  EXPECT_EQ(at("1970-01-02T00:00:01Z").micros_since_epoch(), 86'401'000'000);
  EXPECT_EQ(at("2026-03-01t09:30:00z").str(), "2026-03-01T09:30:00Z");
}

TEST(Timestamp, KeepsMicroseconds) {
  EXPECT_EQ(at("2026-03-01T09:30:00.5Z").str(), "2026-03-01T09:30:00.500000Z");
  EXPECT_EQ(at("2026-03-01T09:30:00.000001Z").micros_since_epoch() % 1'000'000, 1);
}

TEST(Timestamp, ConvertsOffsetsToUtc) {
  EXPECT_EQ(at("2026-03-01T09:30:00+09:00").str(), "2026-03-01T00:30:00Z");
  EXPECT_EQ(at("2026-03-01T23:30:00-05:00").str(), "2026-03-02T04:30:00Z");
}

TEST(Timestamp, KnowsTheCalendar) {
  EXPECT_TRUE(Timestamp::parse("2024-02-29T00:00:00Z").ok());
  EXPECT_EQ(at("2024-12-31T23:59:59Z").str(), "2024-12-31T23:59:59Z");
  EXPECT_FALSE(Timestamp::parse("2023-02-29T00:00:00Z").ok());
  EXPECT_FALSE(Timestamp::parse("2026-04-31T00:00:00Z").ok());
  EXPECT_FALSE(Timestamp::parse("2026-13-01T00:00:00Z").ok());
}

TEST(Timestamp, RefusesMalformedTimes) {
  for (const char* bad : {"", "2026-03-01", "2026-03-01 09:30:00Z", "2026-03-01T09:30:00", "2026-03-01T24:00:00Z",
                          "2026-03-01T23:60:00Z", "2026-12-31T23:59:60Z", "2026-03-01T09:30:00.Z",
                          "2026-03-01T09:30:00.1234567Z", "2026-03-01T09:30:00+0900", "1969-12-31T23:59:59Z",
                          "2026-3-01T09:30:00Z", "2026-03-01T09:30:00Zjunk", "+026-03-01T09:30:00Z"}) {
    EXPECT_FALSE(Timestamp::parse(bad).ok()) << bad;
  }
  const auto refused = Timestamp::parse("yesterday");
  EXPECT_NE(refused.error().message.find("example: 2026-03-01T09:30:00Z"), std::string::npos);
}

TEST(Timestamp, AddsDurationsWithinRange) {
  EXPECT_EQ(testing::plus(at("2026-01-01T00:00:00Z"), std::chrono::days{14}).str(), "2026-01-15T00:00:00Z");
  EXPECT_EQ(testing::plus(at("2024-02-28T12:00:00Z"), std::chrono::hours{24}).str(), "2024-02-29T12:00:00Z");
  EXPECT_FALSE(at("9999-12-31T00:00:00Z").plus(std::chrono::days{2}).ok());
}

TEST(Timestamp, OrdersByInstant) {
  EXPECT_LT(at("2026-03-01T09:30:00+09:00"), at("2026-03-01T09:30:00Z"));
  EXPECT_EQ(at("2026-03-01T00:30:00Z"), at("2026-03-01T09:30:00+09:00"));
}

}  // namespace
}  // namespace csp::domain
