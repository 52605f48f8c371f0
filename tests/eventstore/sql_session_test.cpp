// The SQL seam under a store (eventstore/sql_session.h), written against
// the interface and run for every backend that keeps read models: SQL of
// the common subset runs in the store's own transactions, and a read
// snapshot holds one view of the ledger.

#include "backends.h"
#include "eventstore/sql_session.h"

namespace csp::eventstore {
namespace {

using namespace testing;

// SQL both dialects speak, as the read models write it.
constexpr const char* create_table = "CREATE TABLE seam_rows (id TEXT NOT NULL, total BIGINT, PRIMARY KEY (id))";
constexpr const char* upsert_row =
    "INSERT INTO seam_rows (id, total) VALUES (?1, ?2) ON CONFLICT (id) DO UPDATE SET total = excluded.total";

class SqlSession : public ::testing::TestWithParam<Backend> {
 protected:
  Places places;
  FakeClock clock;
  std::unique_ptr<EventStore> store = GetParam().create(places, clock, "ledger.db");

  void SetUp() override {
    if (sql::session_of(*store) == nullptr) GTEST_SKIP() << GetParam().name << " keeps no read models";
  }

  static sql::Session& session_of(EventStore& of) { return *sql::session_of(of); }
  sql::Session& session() { return session_of(*store); }

  static std::unique_ptr<sql::Statement> prepared(sql::Session& on, const std::string& sql) {
    auto statement = on.prepare(sql);
    if (!statement) throw std::runtime_error(statement.error().message);
    return std::move(statement).value();
  }

  static void upsert(sql::Session& on, std::string_view id, std::int64_t total) {
    ASSERT_TRUE(prepared(on, upsert_row)->bind(1, id).bind(2, total).run("upserting"));
  }

  static std::int64_t row_count(sql::Session& on) {
    auto count = prepared(on, "SELECT count(*) FROM seam_rows");
    const auto has_row = count->step("counting");
    if (!has_row || !*has_row) throw std::runtime_error("count(*) returned no row");
    return count->integer(0);
  }

  // The table, committed with one row.
  void create_with_one_row() {
    auto batch = ok_or_throw(store->begin_batch());
    ASSERT_TRUE(session().exec(create_table, "creating"));
    upsert(session(), "a", 1);
    ASSERT_TRUE(batch->commit());
  }
};

TEST_P(SqlSession, IsInAWriteTransactionExactlyWhileABatchIsOpen) {
  EXPECT_FALSE(session().is_in_write_transaction());
  {
    auto batch = ok_or_throw(store->begin_batch());
    EXPECT_TRUE(session().is_in_write_transaction());
    ASSERT_TRUE(batch->commit());
  }
  EXPECT_FALSE(session().is_in_write_transaction());
}

TEST_P(SqlSession, WritesCommitAndRollBackWithTheStoresBatch) {
  {
    auto batch = ok_or_throw(store->begin_batch());
    ASSERT_TRUE(session().exec(create_table, "creating"));
  }  // destroyed uncommitted: rolled back
  auto counted = session().count_tables({"seam_rows"});
  ASSERT_TRUE(counted) << counted.error().message;
  EXPECT_EQ(*counted, 0u);
  create_with_one_row();
  EXPECT_EQ(row_count(session()), 1);
}

TEST_P(SqlSession, CountTablesCountsOnlyTheNamedTablesThatExist) {
  create_with_one_row();
  auto counted = session().count_tables({"seam_rows", "seam_missing"});
  ASSERT_TRUE(counted) << counted.error().message;
  EXPECT_EQ(*counted, 1u);
  auto none = session().count_tables({"seam_missing"});
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(*none, 0u);
}

TEST_P(SqlSession, AKeptStatementReadsBackWhatWasBoundEachTimeItIsReset) {
  create_with_one_row();
  auto batch = ok_or_throw(store->begin_batch());
  upsert(session(), "a", 7);  // the key is there: the row is updated
  ASSERT_TRUE(prepared(session(), "INSERT INTO seam_rows (id, total) VALUES (?1, ?2)")->bind(1, "b").bind_null(2).run("inserting"));
  ASSERT_TRUE(batch->commit());
  auto select = prepared(session(), "SELECT id, total FROM seam_rows WHERE id = ?1");
  ASSERT_TRUE(*select->bind(1, "a").step("selecting a"));
  EXPECT_EQ(select->text(0), "a");
  EXPECT_FALSE(select->is_integer(0));
  EXPECT_TRUE(select->is_integer(1));
  EXPECT_EQ(select->integer(1), 7);
  ASSERT_TRUE(*select->reset().bind(1, "b").step("selecting b"));
  EXPECT_TRUE(select->is_null(1));
  EXPECT_FALSE(*select->step("selecting past b"));
  EXPECT_FALSE(*select->reset().bind(1, "c").step("selecting c"));
}

TEST_P(SqlSession, AReadSnapshotKeepsOneViewWhileAnotherHandleCommits) {
  create_with_one_row();
  const auto other = GetParam().open_again(places, clock, "ledger.db");
  ASSERT_TRUE(session().begin_read_snapshot());
  EXPECT_EQ(row_count(session()), 1);
  {
    auto batch = ok_or_throw(other->begin_batch());
    upsert(session_of(*other), "b", 2);
    ASSERT_TRUE(batch->commit());
  }
  EXPECT_EQ(row_count(session()), 1) << "the snapshot saw a later commit";
  session().end_read_snapshot();
  EXPECT_EQ(row_count(session()), 2);
}

TEST_P(SqlSession, AReadSnapshotInsideABatchSeesTheBatchsOwnWrites) {
  create_with_one_row();
  auto batch = ok_or_throw(store->begin_batch());
  upsert(session(), "b", 2);
  ASSERT_TRUE(session().begin_read_snapshot());
  EXPECT_EQ(row_count(session()), 2);
  session().end_read_snapshot();
  EXPECT_TRUE(session().is_in_write_transaction()) << "ending the snapshot ended the batch";
  ASSERT_TRUE(batch->commit());
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlSession, ::testing::ValuesIn(backends()),
                         [](const auto& backend) { return backend.param.name; });

}  // namespace
}  // namespace csp::eventstore
