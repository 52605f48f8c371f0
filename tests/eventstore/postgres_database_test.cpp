// Ledgers in PostgreSQL: what cannot be reached, is not a ledger or is newer
// is refused with a clear message and left as it was; L1 holds against plain
// SQL; the server's role cannot change events; a connection lost in the
// middle of a batch commits nothing, and the store reconnects; one the
// server ended while idle is opened again without a failed call.

#include <libpq-fe.h>

#include <chrono>
#include <thread>

#include "eventstore/postgres/store.h"
#include "eventstore/verify.h"
#include "store_fixture.h"
#include "support/postgres_database.h"

namespace csp::eventstore {
namespace {

using namespace testing;
using csp::testing::TempPostgresDatabase;

// One statement on the test database through a connection of its own; the
// error message, or "" when it succeeded.
std::string run_sql(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  std::string message = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  return message;
}

std::string single_value(const std::string& uri, const std::string& sql) {
  PGconn* conn = PQconnectdb(uri.c_str());
  PGresult* result = PQexec(conn, sql.c_str());
  std::string value = PQntuples(result) == 1 ? PQgetvalue(result, 0, 0) : "(no row: " + std::string(PQresultErrorMessage(result)) + ")";
  PQclear(result);
  PQfinish(conn);
  return value;
}

// `uri` logging in as `user` instead.
std::string as_user(std::string uri, const std::string& user) {
  const std::size_t at = uri.find("user=");
  if (at == std::string::npos) return uri + "&user=" + user;
  return uri.replace(at + 5, uri.find('&', at) == std::string::npos ? std::string::npos : uri.find('&', at) - at - 5, user);
}

class PostgresLedger : public ::testing::Test {
 protected:
  TempPostgresDatabase database;
  FakeClock clock;
  PostgresOptions options() { return PostgresOptions{clock.function()}; }

  std::unique_ptr<EventStore> ledger_with_events(int count) {
    auto store = ok_or_throw(create_postgres_store(database.uri(), options()));
    for (int index = 0; index < count; ++index) {
      (void)ok_or_throw(store->append(request("c" + std::to_string(index), "s", index, {event("T", "payload")})));
    }
    return store;
  }

  void expect_refused(const StoreResult<std::unique_ptr<EventStore>>& refused, StoreError::Kind kind,
                      const std::string& message_part) {
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, kind) << refused.error().message;
    EXPECT_NE(refused.error().message.find(message_part), std::string::npos) << refused.error().message;
  }
};

TEST_F(PostgresLedger, CreateThenOpenRoundTrips) {
  (void)ledger_with_events(3);
  auto reopened = ok_or_throw(open_postgres_store(database.uri(), options()));
  EXPECT_EQ(ok_or_throw(reopened->head()).position, 3);
  EXPECT_EQ(ok_or_throw(reopened->recorded_head()).position, 3);
  EXPECT_FALSE(ok_or_throw(verify_chain(*reopened)).first_break.has_value());
}

TEST_F(PostgresLedger, AnEmptyDatabaseHasNoLedgerToOpen) {
  expect_refused(open_postgres_store(database.uri(), options()), StoreError::Kind::not_found, "csp-ledger init");
}

TEST_F(PostgresLedger, ASecondCreateIsRefused) {
  (void)ledger_with_events(1);
  expect_refused(create_postgres_store(database.uri(), options()), StoreError::Kind::already_exists, "already holds a ledger");
  EXPECT_EQ(single_value(database.uri(), "SELECT count(*) FROM events"), "1");
}

TEST_F(PostgresLedger, ADatabaseOfAnotherApplicationIsRefusedAndLeftAlone) {
  ASSERT_EQ(run_sql(database.uri(), "CREATE TABLE invoices(id integer); INSERT INTO invoices VALUES (7)"), "");
  expect_refused(open_postgres_store(database.uri(), options()), StoreError::Kind::not_a_ledger, "not a csp-ledger");
  expect_refused(create_postgres_store(database.uri(), options()), StoreError::Kind::not_a_ledger, "another application");
  EXPECT_EQ(single_value(database.uri(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "1");
  EXPECT_EQ(single_value(database.uri(), "SELECT id FROM invoices"), "7");
}

TEST_F(PostgresLedger, ANewerFormatIsRefusedAndLeftAlone) {
  (void)ledger_with_events(1);
  ASSERT_EQ(run_sql(database.uri(), "UPDATE ledger_meta SET value = '2' WHERE key = 'format_version'"), "");
  expect_refused(open_postgres_store(database.uri(), options()), StoreError::Kind::newer_format, "use a newer csp-ledger");
  EXPECT_EQ(single_value(database.uri(), "SELECT count(*) FROM events"), "1");
}

TEST_F(PostgresLedger, AnUnreachableServerIsAClearError) {
  expect_refused(open_postgres_store("postgresql:///nowhere?host=/nonexistent-socket-folder", options()),
                 StoreError::Kind::io, "cannot connect to PostgreSQL database nowhere on /nonexistent-socket-folder");
}

TEST_F(PostgresLedger, AWrongPasswordIsAClearErrorThatNamesNoPassword) {
  const std::string user = "csp_password_" + database.name();
  csp::testing::run_admin_sql("CREATE ROLE " + user + " LOGIN PASSWORD 'right-one' IN ROLE csp_password_users");
  std::string uri = database.uri();
  uri.replace(uri.find("user=csp"), 8, "user=" + user);
  uri += "&password=wrong-one";
  const auto refused = open_postgres_store(uri, options());
  csp::testing::run_admin_sql("DROP ROLE " + user);
  expect_refused(refused, StoreError::Kind::io, "password authentication failed");
  EXPECT_EQ(refused.error().message.find("wrong-one"), std::string::npos);
}

TEST_F(PostgresLedger, L1_EventsAndAliasesRefuseUpdateDeleteAndTruncate) {
  auto store = ledger_with_events(2);
  (void)ok_or_throw(store->append(AppendRequest{"alias", {StreamWrite{"t", 0, {event("T", "x")}, {"order:1"}}}}));
  for (const char* sql : {"UPDATE events SET payload = 'x'", "DELETE FROM events", "TRUNCATE events",
                          "UPDATE aliases SET stream_id = 's'", "DELETE FROM aliases", "TRUNCATE aliases"}) {
    EXPECT_NE(run_sql(database.uri(), sql).find("immutable (L1)"), std::string::npos) << sql;
  }
  EXPECT_EQ(single_value(database.uri(), "SELECT count(*) FROM events"), "3");
  EXPECT_EQ(single_value(database.uri(), "SELECT count(*) FROM aliases"), "1");
}

TEST_F(PostgresLedger, L1_TheServersRoleMayAppendButNeverChangeEvents) {
  (void)ledger_with_events(1);
  const auto privilege = [&](const char* table, const char* what) {
    return single_value(database.uri(), std::string("SELECT has_table_privilege('csp_ledger_server', '") + table + "', '" +
                                            what + "')");
  };
  EXPECT_EQ(privilege("events", "INSERT"), "t");
  EXPECT_EQ(privilege("events", "SELECT"), "t");
  EXPECT_EQ(privilege("events", "UPDATE"), "f");
  EXPECT_EQ(privilege("events", "DELETE"), "f");
  EXPECT_EQ(privilege("events", "TRUNCATE"), "f");
  EXPECT_EQ(privilege("aliases", "UPDATE"), "f");
  EXPECT_EQ(privilege("aliases", "DELETE"), "f");
}

TEST_F(PostgresLedger, AConnectionLostMidBatchCommitsNothingAndTheStoreReconnects) {
  auto store = ledger_with_events(1);
  {
    auto batch = ok_or_throw(store->begin_batch());
    (void)ok_or_throw(batch->append(request("lost-1", "s", 1, {event("T", "never")})));
    // Another session ends this one's backend, as a restarted server or a
    // cut network would.
    ASSERT_EQ(run_sql(database.uri(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                          database.name() + "' AND pid <> pg_backend_pid()"),
              "");
    const StoreStatus committed = batch->commit();
    ASSERT_FALSE(committed.ok());
    EXPECT_EQ(committed.error().kind, StoreError::Kind::io);
    EXPECT_NE(committed.error().message.find("connection"), std::string::npos) << committed.error().message;
  }
  EXPECT_EQ(single_value(database.uri(), "SELECT count(*) FROM events"), "1");
  const auto again = store->append(request("lost-1", "s", 1, {event("T", "now")}));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_FALSE(again->is_replay);
  EXPECT_EQ(again->positions, std::vector<std::int64_t>{2});
  EXPECT_FALSE(ok_or_throw(verify_chain(*store)).first_break.has_value());
}

TEST_F(PostgresLedger, L1_AnOlderLedgerGainsItsDigestsTableOnlyFromTheOwnerOfItsTables) {
  (void)ledger_with_events(1);
  ASSERT_EQ(run_sql(database.uri(), "DROP TABLE command_digests"), "");
  // A server's login role: a member of csp_ledger_server, not the owner.
  ASSERT_EQ(run_sql(database.uri(), "DROP ROLE IF EXISTS csp_test_node; "
                                    "CREATE ROLE csp_test_node LOGIN IN ROLE csp_ledger_server"),
            "");
  expect_refused(open_postgres_store(as_user(database.uri(), "csp_test_node"), options()),
                 StoreError::Kind::invalid_argument, "open it once as the owner of its tables");
  EXPECT_EQ(single_value(database.uri(), "SELECT count(*) FROM pg_tables WHERE tablename = 'command_digests'"), "0")
      << "left untouched";
  ASSERT_TRUE(open_postgres_store(database.uri(), options()).ok());
  EXPECT_EQ(single_value(database.uri(), "SELECT pg_get_userbyid(relowner) = current_user FROM pg_class "
                                         "WHERE oid = 'command_digests'::regclass"),
            "t");
  EXPECT_TRUE(open_postgres_store(as_user(database.uri(), "csp_test_node"), options()).ok());
  ASSERT_EQ(run_sql(database.uri(), "DROP OWNED BY csp_test_node; DROP ROLE csp_test_node"), "");
}

TEST_F(PostgresLedger, ASessionEndedWhileIdleIsOpenedAgainBeforeTheNextReadOrBatch) {
  auto store = ledger_with_events(1);
  ASSERT_EQ(ok_or_throw(store->head()).position, 1);
  ASSERT_EQ(run_sql(database.uri(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                        database.name() + "' AND pid <> pg_backend_pid()"),
            "");
  // The session's end reaches this side's socket before the next read.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto head = store->head();
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(head->position, 1);
  ASSERT_EQ(run_sql(database.uri(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                        database.name() + "' AND pid <> pg_backend_pid()"),
            "");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto appended = store->append(request("after-idle-loss", "s", 1, {event("T", "x")}));
  ASSERT_TRUE(appended.ok()) << appended.error().message;
  EXPECT_EQ(appended->positions, std::vector<std::int64_t>{2});
}

}  // namespace
}  // namespace csp::eventstore
