// Other processes open the ledger while the server runs (a report, an
// audit, the sqlite3 tool). When they close, the server's commits must stay
// where every process sees them: in the file's one WAL, never in one only
// the server still holds open.

#include <gtest/gtest.h>
#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

std::int64_t events_in(const std::string& db_path) { return query_integer(db_path, "SELECT count(*) FROM events"); }

nlohmann::json grant(const std::string& agent) {
  return {{"command", "GrantRole"}, {"agent", agent}, {"role", "sales-agent"}};
}

TEST(OtherProcesses, CommitsAfterAnotherProcessReadTheLedgerAreSeenByEveryone) {
  ServerFixture server;
  HttpClient client = server.client();
  ASSERT_EQ(client.post(grant("sam@partner.example")).status, 200u);
  ASSERT_EQ(events_in(server.db()), 2);

  const std::string report = quoted(CSP_LEDGER_BIN) + " --db " + quoted(server.db()) + " report customers > /dev/null";
  ASSERT_EQ(std::system(report.c_str()), 0);
  ASSERT_EQ(client.post(grant("tom@partner.example")).status, 200u);
  ASSERT_EQ(client.post(grant("uma@partner.example")).status, 200u);
  EXPECT_EQ(events_in(server.db()), 4) << "acknowledged commands went where other processes cannot see them";

  const std::string command_line_grant = quoted(CSP_LEDGER_BIN) + " --db " + quoted(server.db()) +
                                         " agent grant vic@partner.example --role sales-agent --actor " + admin +
                                         " > /dev/null";
  ASSERT_EQ(std::system(command_line_grant.c_str()), 0);
  const HttpAnswer after = client.post(grant("wes@partner.example"));
  ASSERT_EQ(after.status, 200u) << after.body;
  EXPECT_EQ(after.json()["positions"], nlohmann::json::array({6})) << "the server and the command line forked the log";
  EXPECT_EQ(events_in(server.db()), 6);
}

}  // namespace
}  // namespace csp::server::testing
