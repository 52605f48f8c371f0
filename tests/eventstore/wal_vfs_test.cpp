// The WAL-gathering VFS: whatever a transaction does, what it committed is
// in the file, and seen by a connection on SQLite's default VFS, the
// moment the commit returns; what it rolled back never shows.

#include <sqlite3.h>

#include <string>

#include <gtest/gtest.h>

#include "eventstore/sqlite/wal_vfs.h"
#include "store_fixture.h"

namespace csp::eventstore {
namespace {

using namespace testing;

class WalGathering : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    path_ = dir_.file("gathered.db");
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &writer_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                              sqlite::wal_gathering_vfs()),
              SQLITE_OK);
    exec(writer_, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE rows(id INTEGER PRIMARY KEY, body BLOB);");
    exec(writer_, std::string("PRAGMA synchronous=") + GetParam());
    ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &elsewhere_, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  }
  void TearDown() override {
    sqlite3_close(elsewhere_);
    sqlite3_close(writer_);
  }

  static void exec(sqlite3* db, const std::string& sql) {
    char* message = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message), SQLITE_OK) << (message ? message : "");
  }
  static std::string rows_sql(int first, int count, int bytes) {
    return "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(first) + " UNION ALL SELECT i + 1 FROM n WHERE i < " +
           std::to_string(first + count - 1) + ") INSERT INTO rows SELECT i, randomblob(" + std::to_string(bytes) +
           ") FROM n;";
  }
  std::int64_t counted_elsewhere(const char* sql = "SELECT count(*) FROM rows") { return counted_in(elsewhere_, sql); }
  static std::int64_t counted_in(sqlite3* db, const char* sql) {
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr), SQLITE_OK);
    EXPECT_EQ(sqlite3_step(statement), SQLITE_ROW);
    const std::int64_t count = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    return count;
  }

  TempDir dir_;
  std::string path_;
  sqlite3* writer_ = nullptr;
  sqlite3* elsewhere_ = nullptr;
};

TEST_P(WalGathering, ACommitIsSeenElsewhereAsSoonAsItReturns) {
  for (int commit = 0; commit < 20; ++commit) {
    exec(writer_, "BEGIN;" + rows_sql(commit * 50 + 1, 50, 300) + "COMMIT;");
    EXPECT_EQ(counted_elsewhere(), (commit + 1) * 50);
  }
}

// Larger than one write of the default VFS (128 KiB) and than the buffer
// (1 MiB), so the frames go out in pieces and mid-transaction.
TEST_P(WalGathering, TransactionsLargerThanAWriteAndThanTheBufferArriveWhole) {
  exec(writer_, "BEGIN;" + rows_sql(1, 40, 4000) + "COMMIT;");
  EXPECT_EQ(counted_elsewhere(), 40);
  exec(writer_, "BEGIN;" + rows_sql(41, 3000, 4000) + "COMMIT;");
  EXPECT_EQ(counted_elsewhere(), 3040);
  EXPECT_EQ(counted_elsewhere("SELECT count(*) FROM rows WHERE length(body) = 4000"), 3040);
  exec(elsewhere_, "PRAGMA integrity_check");
}

TEST_P(WalGathering, RolledBackWorkNeverShowsAndTheNextCommitLandsOverIt) {
  exec(writer_, "BEGIN;" + rows_sql(1, 100, 500) + "COMMIT;");
  exec(writer_, "BEGIN;" + rows_sql(101, 500, 500) + "ROLLBACK;");
  EXPECT_EQ(counted_elsewhere(), 100);
  exec(writer_, "BEGIN;" + rows_sql(101, 10, 500) + "SAVEPOINT s;" + rows_sql(111, 300, 500) +
                    "ROLLBACK TO s; RELEASE s;" + rows_sql(111, 5, 500) + "COMMIT;");
  EXPECT_EQ(counted_elsewhere(), 115);
  EXPECT_EQ(counted_elsewhere("SELECT max(id) FROM rows"), 115);
}

// A checkpoint reads the WAL back and restarts it: the writer's reads and
// the restart find every frame it wrote.
TEST_P(WalGathering, CheckpointsAndRestartsOfTheWalKeepEveryCommit) {
  for (int round = 0; round < 5; ++round) {
    exec(writer_, "BEGIN;" + rows_sql(round * 200 + 1, 200, 1000) + "COMMIT;");
    exec(writer_, "PRAGMA wal_checkpoint(RESTART)");
  }
  exec(writer_, "PRAGMA wal_checkpoint(TRUNCATE)");
  EXPECT_EQ(counted_elsewhere(), 1000);
  sqlite3* fresh = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &fresh, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  EXPECT_EQ(counted_in(fresh, "SELECT count(*) FROM rows"), 1000);
  sqlite3_close(fresh);
}

INSTANTIATE_TEST_SUITE_P(Synchronous, WalGathering, ::testing::Values("FULL", "NORMAL", "OFF"));

}  // namespace
}  // namespace csp::eventstore
