// Ledger files: what is not a ledger, is newer, or is damaged is refused
// with a clear message and left byte-for-byte as it was. L1 holds even
// against plain SQL.

#include <sqlite3.h>

#include <cstdio>

#include "store_fixture.h"

namespace csp::eventstore {
namespace {

using namespace testing;

class LedgerFile : public ::testing::Test {
 protected:
  TempDir dir;
  FakeClock clock;
  SqliteOptions options() { return SqliteOptions{clock.function()}; }

  std::string ledger_with_events(const std::string& name, int count) {
    const std::string path = dir.file(name);
    auto store = ok_or_throw(create_sqlite_store(path, options()));
    for (int index = 0; index < count; ++index) {
      (void)ok_or_throw(store->append(request("c" + std::to_string(index), "s", index, {event("T", std::string(200, 'p'))})));
    }
    return path;
  }

  void expect_refused_untouched(const std::string& path, StoreError::Kind kind, const std::string& message_part) {
    const std::string before = file_bytes(path);
    const auto refused = open_sqlite_store(path, options());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, kind) << refused.error().message;
    EXPECT_NE(refused.error().message.find(message_part), std::string::npos) << refused.error().message;
    EXPECT_EQ(file_bytes(path), before);
  }
};

int run_sql(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  const int code = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return code;
}

TEST_F(LedgerFile, CreateThenOpenRoundTrips) {
  const std::string path = ledger_with_events("ledger.db", 3);
  auto reopened = ok_or_throw(open_sqlite_store(path, options()));
  EXPECT_EQ(ok_or_throw(reopened->head()).position, 3);
}

// What another process counts, through the sqlite3 tool.
std::string events_counted_elsewhere(const std::string& path) {
  const std::string command = "sqlite3 '" + path + "' 'SELECT count(*) FROM events'";
  std::FILE* output = popen(command.c_str(), "r");
  if (output == nullptr) return "popen failed";
  char line[64] = {};
  const bool has_line = std::fgets(line, sizeof line, output) != nullptr;
  pclose(output);
  return has_line ? std::string(line) : std::string();
}

// Closing any handle of a file drops all of a process's POSIX locks on it;
// a second store opened in the same process (as the server opens its
// readers) must not do that to the first, or another process that closes
// the ledger takes itself for its last user and deletes the WAL.
TEST_F(LedgerFile, ASecondStoreInTheProcessLeavesTheFirstsCommitsVisibleToOtherProcesses) {
  const std::string path = ledger_with_events("ledger.db", 1);
  auto writer = ok_or_throw(open_sqlite_store(path, options()));
  auto reader = ok_or_throw(open_sqlite_store(path, options()));
  (void)ok_or_throw(writer->append(request("c-a", "s", 1, {event("T", "a")})));
  EXPECT_EQ(events_counted_elsewhere(path), "2\n");
  (void)ok_or_throw(writer->append(request("c-b", "s", 2, {event("T", "b")})));
  EXPECT_EQ(events_counted_elsewhere(path), "3\n") << "the writer's commit went to a WAL no other process sees";
  EXPECT_EQ(ok_or_throw(reader->head()).position, 3);
}

TEST_F(LedgerFile, CreateRefusesAnExistingPath) {
  const std::string path = dir.file("taken.db");
  std::ofstream(path) << "precious data";
  const auto refused = create_sqlite_store(path, options());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, StoreError::Kind::already_exists);
  EXPECT_EQ(file_bytes(path), "precious data");
}

TEST_F(LedgerFile, OpenRefusesAMissingFile) {
  const auto refused = open_sqlite_store(dir.file("nothing.db"), options());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, StoreError::Kind::not_found);
  EXPECT_NE(refused.error().message.find("csp-ledger init"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("nothing.db")));
}

TEST_F(LedgerFile, OpenRefusesAFileThatIsNotSqlite) {
  const std::string path = dir.file("notes.txt");
  std::ofstream(path) << "these are my notes, not a database";
  expect_refused_untouched(path, StoreError::Kind::not_a_ledger, "not an SQLite database");
  const std::string empty = dir.file("empty.db");
  std::ofstream{empty};
  expect_refused_untouched(empty, StoreError::Kind::not_a_ledger, "not an SQLite database");
}

TEST_F(LedgerFile, OpenRefusesAForeignSqliteDatabase) {
  const std::string path = dir.file("foreign.db");
  ASSERT_EQ(run_sql(path, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total TEXT); INSERT INTO invoices VALUES (1, '9.99');"),
            SQLITE_OK);
  expect_refused_untouched(path, StoreError::Kind::not_a_ledger, "not a csp-ledger file");
}

TEST_F(LedgerFile, OpenRefusesANewerFormat) {
  const std::string path = ledger_with_events("newer.db", 2);
  ASSERT_EQ(run_sql(path, "PRAGMA user_version = 2; PRAGMA wal_checkpoint(TRUNCATE);"), SQLITE_OK);
  expect_refused_untouched(path, StoreError::Kind::newer_format, "format version 2");
}

TEST_F(LedgerFile, OpenRefusesALedgerWhoseTablesAreGone) {
  const std::string path = ledger_with_events("gutted.db", 2);
  ASSERT_EQ(run_sql(path, "DROP TABLE ledger_meta; PRAGMA wal_checkpoint(TRUNCATE);"), SQLITE_OK);
  expect_refused_untouched(path, StoreError::Kind::corrupt, "damaged");
}

TEST_F(LedgerFile, ADamagedFileIsReportedNotTrusted) {
  const std::string path = ledger_with_events("damaged.db", 400);
  std::string bytes = file_bytes(path);
  ASSERT_GT(bytes.size(), 20'000u);
  for (std::size_t at = 8192; at < bytes.size(); at += 4096) bytes.replace(at, 64, std::string(64, '\x5a'));
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  const std::string before = file_bytes(path);
  auto store = open_sqlite_store(path, options());
  if (store) {
    const auto read = (*store)->read_all(1, 1000);
    ASSERT_FALSE(read.ok()) << "a damaged file read without complaint";
    EXPECT_EQ(read.error().kind, StoreError::Kind::corrupt) << read.error().message;
    EXPECT_NE(read.error().message.find("malformed"), std::string::npos) << read.error().message;
  } else {
    EXPECT_EQ(store.error().kind, StoreError::Kind::corrupt) << store.error().message;
  }
  store = StoreError{};
  EXPECT_EQ(file_bytes(path), before);
}

TEST_F(LedgerFile, L1_UpdateAndDeleteOfEventsAreRefusedBySqlite) {
  const std::string path = ledger_with_events("immutable.db", 3);
  EXPECT_EQ(run_sql(path, "UPDATE events SET payload = x'00' WHERE position = 2;"), SQLITE_CONSTRAINT);
  EXPECT_EQ(run_sql(path, "DELETE FROM events WHERE position = 3;"), SQLITE_CONSTRAINT);
  auto store = ok_or_throw(open_sqlite_store(path, options()));
  const auto events = ok_or_throw(store->read_all(1, 10));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].payload, std::string(200, 'p'));
}

}  // namespace
}  // namespace csp::eventstore
