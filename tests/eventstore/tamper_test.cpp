// Tampering with the file behind the ledger's back, with the sqlite3 tool,
// is caught by the chain audit at the first position involved.

#include <cstdlib>

#include "eventstore/verify.h"
#include "store_fixture.h"

namespace csp::eventstore {
namespace {

using namespace testing;

constexpr const char* drop_guards =
    "DROP TRIGGER events_are_immutable; DROP TRIGGER events_are_never_deleted; ";

class Tampering : public ::testing::Test {
 protected:
  TempDir dir;
  FakeClock clock;
  std::string path = dir.file("ledger.db");

  void SetUp() override {
    auto store = ok_or_throw(create_sqlite_store(path, SqliteOptions{clock.function()}));
    for (int index = 1; index <= 10; ++index) {
      const std::string stream = "stream-" + std::to_string(index % 3);
      const auto version = ok_or_throw(store->read_stream(stream)).size();
      (void)ok_or_throw(store->append(request("command-" + std::to_string(index), stream,
                                              static_cast<std::int64_t>(version),
                                              {event("T", "payload " + std::to_string(index))})));
    }
  }

  // Runs SQL with the sqlite3 command-line tool, as an intruder would.
  void sqlite3_tool(const std::string& sql) {
    const std::string command = "sqlite3 '" + path + "' \"" + drop_guards + sql + "\"";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  ChainBreak first_break() {
    auto store = ok_or_throw(open_sqlite_store(path, SqliteOptions{clock.function()}));
    const auto report = ok_or_throw(verify_chain(*store));
    if (!report.first_break) throw std::runtime_error("the audit found nothing");
    return *report.first_break;
  }

  void expect_break(ChainBreak::Kind kind, std::int64_t position) {
    const ChainBreak found = first_break();
    EXPECT_EQ(chain_break_name(found.kind), chain_break_name(kind)) << found.explanation;
    EXPECT_EQ(found.position, position) << found.explanation;
  }
};

TEST_F(Tampering, AnUntouchedLedgerVerifies) {
  auto store = ok_or_throw(open_sqlite_store(path, SqliteOptions{clock.function()}));
  const auto report = ok_or_throw(verify_chain(*store));
  EXPECT_FALSE(report.first_break.has_value());
  EXPECT_EQ(report.events_checked, 10);
}

TEST_F(Tampering, AChangedPayloadIsFound) {
  sqlite3_tool("UPDATE events SET payload = CAST('payload 9000' AS BLOB) WHERE position = 5;");
  expect_break(ChainBreak::Kind::changed, 5);
}

TEST_F(Tampering, AChangedActorOrTimeIsFound) {
  sqlite3_tool("INSERT INTO names(name) VALUES ('mallory@partner.example'); "
               "UPDATE events SET actor_key = (SELECT name_key FROM names WHERE name = 'mallory@partner.example') "
               "WHERE position = 7;");
  expect_break(ChainBreak::Kind::changed, 7);
}

TEST_F(Tampering, AChangedBusinessTimeIsFound) {
  sqlite3_tool("UPDATE events SET business_time = business_time - 86400000000 WHERE position = 2;");
  expect_break(ChainBreak::Kind::changed, 2);
}

TEST_F(Tampering, ADeletedEventIsFound) {
  sqlite3_tool("DELETE FROM events WHERE position = 4;");
  expect_break(ChainBreak::Kind::missing, 4);
}

TEST_F(Tampering, ADeletedLastEventIsFound) {
  sqlite3_tool("DELETE FROM events WHERE position = 10;");
  expect_break(ChainBreak::Kind::missing, 10);
}

TEST_F(Tampering, ARecomputedChainDisagreesWithTheRecordedHead) {
  sqlite3_tool("UPDATE ledger_meta SET value = '10 " + std::string(64, 'a') + "' WHERE key = 'head';");
  expect_break(ChainBreak::Kind::changed, 10);
}

TEST_F(Tampering, AnEventInsertedInTheMiddleIsFound) {
  sqlite3_tool("UPDATE events SET position = -position WHERE position >= 6; "
               "UPDATE events SET position = 1 - position WHERE position < 0; "
               "INSERT INTO events SELECT 6, stream_key, 99, type_key, schema_version, NULL, NULL, actor_key, "
               "role_key, business_time, recorded_time, CAST('forged' AS BLOB), hash FROM events WHERE position = 5;");
  expect_break(ChainBreak::Kind::inserted, 6);
}

TEST_F(Tampering, AnEventAppendedBehindTheLedgersBackIsFound) {
  sqlite3_tool("INSERT INTO events SELECT 11, stream_key, 99, type_key, schema_version, 'forged', NULL, actor_key, "
               "role_key, business_time, recorded_time, CAST('forged' AS BLOB), hash FROM events WHERE position = 10;");
  expect_break(ChainBreak::Kind::inserted, 11);
}

TEST_F(Tampering, SwappedNeighboursAreFound) {
  sqlite3_tool("UPDATE events SET position = -5 WHERE position = 5; "
               "UPDATE events SET position = 5 WHERE position = 6; "
               "UPDATE events SET position = 6 WHERE position = -5;");
  expect_break(ChainBreak::Kind::reordered, 5);
}

TEST(TamperingWithoutCallerIds, SwappedCommandsNamedByPositionAreFoundAsReordered) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.file("ledger.db");
  {
    auto store = ok_or_throw(create_sqlite_store(path, SqliteOptions{clock.function()}));
    for (int index = 0; index < 6; ++index) {
      (void)ok_or_throw(store->append(request("", "stream-" + std::to_string(index), 0, {event("T", std::to_string(index))})));
    }
  }
  const std::string sql = std::string(drop_guards) +
                          "UPDATE events SET position = -3 WHERE position = 3; "
                          "UPDATE events SET position = 3 WHERE position = 4; "
                          "UPDATE events SET position = 4 WHERE position = -3;";
  ASSERT_EQ(std::system(("sqlite3 '" + path + "' \"" + sql + "\"").c_str()), 0);
  auto store = ok_or_throw(open_sqlite_store(path, SqliteOptions{clock.function()}));
  const auto found = ok_or_throw(verify_chain(*store)).first_break;
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(chain_break_name(found->kind), "reordered") << found->explanation;
  EXPECT_EQ(found->position, 3);
}

// Two events of one command the store named "@3": whether or not the row
// that says where the command began is moved along, a swap is a swap.
TEST(TamperingWithoutCallerIds, SwappedEventsOfOneCommandAreFoundAsReordered) {
  for (const std::string& moves_the_start : {std::string(""), std::string(
           "UPDATE events SET command_first = CASE command_first WHEN 3 THEN 4 ELSE 3 END WHERE command_first IN (3, 4);")}) {
    TempDir dir;
    FakeClock clock;
    const std::string path = dir.file("ledger.db");
    {
      auto store = ok_or_throw(create_sqlite_store(path, SqliteOptions{clock.function()}));
      for (int index = 0; index < 2; ++index) {
        (void)ok_or_throw(store->append(request("", "stream-" + std::to_string(index), 0, {event("T", std::to_string(index))})));
      }
      (void)ok_or_throw(store->append(request("", "stream-2", 0, {event("T", "first"), event("T", "second")})));
      (void)ok_or_throw(store->append(request("", "stream-3", 0, {event("T", "after")})));
    }
    const std::string sql = std::string(drop_guards) +
                            "UPDATE events SET position = -3 WHERE position = 3; "
                            "UPDATE events SET position = 3 WHERE position = 4; "
                            "UPDATE events SET position = 4 WHERE position = -3; " + moves_the_start;
    ASSERT_EQ(std::system(("sqlite3 '" + path + "' \"" + sql + "\"").c_str()), 0);
    auto store = ok_or_throw(open_sqlite_store(path, SqliteOptions{clock.function()}));
    const auto found = ok_or_throw(verify_chain(*store)).first_break;
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(chain_break_name(found->kind), "reordered") << moves_the_start << found->explanation;
    EXPECT_EQ(found->position, 3);
  }
}

}  // namespace
}  // namespace csp::eventstore
