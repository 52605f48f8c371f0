// A commit that fails (a full disk, staged here by a trigger another
// connection adds) answers 500 store_failure, writes nothing, and leaves
// the server serving.

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

void execute_sql(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(code, SQLITE_OK) << message;
}

nlohmann::json grant(const std::string& id, const std::string& agent) {
  return {{"id", id}, {"command", "GrantRole"}, {"agent", agent}, {"role", "sales-agent"}};
}

TEST(StoreFailure, AFailedCommitAnswers500WritesNothingAndTheServerGoesOn) {
  ServerFixture server;
  HttpClient client = server.client();
  ASSERT_EQ(client.post(grant("before", "sam@partner.example")).status, 200u);

  execute_sql(server.db(), "CREATE TRIGGER disk_full BEFORE INSERT ON events "
                           "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;");
  const HttpAnswer failed = client.post(grant("during", "tom@partner.example"));
  EXPECT_EQ(failed.status, 500u) << failed.body;
  EXPECT_EQ(failed.json()["error"]["code"], "store_failure");
  EXPECT_NE(failed.json()["error"]["message"].get<std::string>().find("disk is full"), std::string::npos) << failed.body;

  execute_sql(server.db(), "DROP TRIGGER disk_full;");
  const HttpAnswer after = client.post(grant("after", "uma@partner.example"));
  ASSERT_EQ(after.status, 200u) << after.body;
  // Nothing of the failed command took a position: the next one follows
  // the last one acknowledged.
  EXPECT_EQ(after.json()["positions"], nlohmann::json::array({3}));
  const HttpAnswer retried = client.post(grant("during", "tom@partner.example"));
  ASSERT_EQ(retried.status, 200u) << retried.body;
  EXPECT_EQ(retried.json()["positions"], nlohmann::json::array({4})) << "the failed id was not recorded (L3)";
  EXPECT_EQ(client.get("/health").json()["head_position"], 4);
}

}  // namespace
}  // namespace csp::server::testing
