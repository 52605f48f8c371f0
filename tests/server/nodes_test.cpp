// Two csp-ledgerd nodes on one PostgreSQL ledger: racing commands on the
// same records must give the outcome one node would give (L4, no lost
// update), the log stays one gap-free chain, and a node killed under load
// loses no command it acknowledged.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

std::string uuid_numbered(int prefix, int number) {
  char text[40];
  std::snprintf(text, sizeof text, "%08d-0000-4000-8000-%012d", prefix, number);
  return text;
}

class Nodes : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(csp::testing::tests_run_on_postgres()) << "this suite runs with CSP_TEST_BACKEND=postgres";
  }

  // Positions 1..head with no gap, the chain and read models verified by
  // `csp-ledger audit verify`, and each command id once.
  void expect_one_valid_log() {
    EXPECT_EQ(query_integer(server.db(), "SELECT count(*) FROM events"),
              query_integer(server.db(), "SELECT max(position) FROM events"));
    EXPECT_EQ(query_integer(server.db(), "SELECT count(*) - count(DISTINCT command_id) FROM events WHERE "
                                         "command_first IS NULL"),
              0);
    const std::string audit = quoted(CSP_LEDGER_BIN) + " --db " + quoted(server.db()) + " audit verify > /dev/null";
    EXPECT_EQ(std::system(audit.c_str()), 0);
  }

  // Ends every session on the ledger's database but the one asking, as a
  // restarted database server would: the writer's, the readers', the
  // followers'. How many it ended.
  int end_the_ledgers_sessions() {
    return std::stoi(csp::testing::postgres_value(
        server.db(), "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND pid <> pg_backend_pid()"));
  }

  ServerFixture server;
};

TEST_F(Nodes, R5_L4_SixtyDownloadsOverTwoNodesFiftySucceedTenReachTheLimit) {
  server.add_link();
  auto second = server.start_another_node("node2.log");
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < 60; ++i) {
    clients.push_back(std::make_unique<HttpClient>(i % 2 == 0 ? server.port() : second->port()));
  }
  const std::string body = nlohmann::json{{"command", "RecordDownload"}, {"link", link}}.dump();
  for (auto& client : clients) client->write(http::verb::post, "/commands", body);
  int succeeded = 0;
  int refused = 0;
  std::set<int> downloads_used;
  for (auto& client : clients) {
    const HttpAnswer answer = client->read();
    if (answer.status == 200) {
      ++succeeded;
      downloads_used.insert(answer.json()["result"]["downloads_used"].get<int>());
    } else if (answer.status == 422 && answer.json()["error"]["code"] == "download_limit_reached") {
      ++refused;
    } else {
      ADD_FAILURE() << answer.status << " " << answer.body;
    }
  }
  EXPECT_EQ(succeeded, 50);
  EXPECT_EQ(refused, 10);
  EXPECT_EQ(downloads_used.size(), 50u) << "two downloads were decided on the same count";
  for (const unsigned short port : {server.port(), second->port()}) {
    const HttpAnswer report = HttpClient(port).get("/reports/links");
    ASSERT_EQ(report.status, 200u);
    EXPECT_EQ(report.json()[0]["downloads_used"], 50);
  }
  second.reset();
  expect_one_valid_log();
}

TEST_F(Nodes, R10_ACancellationRacingALinkIssueOnAnotherNodeHasOneConsistentOutcome) {
  auto second = server.start_another_node("node2.log");
  HttpClient setup = server.client();
  ASSERT_EQ(setup.post({{"command", "RegisterCustomer"}, {"tenant", tenant}, {"domain", "contoso.onmicrosoft.com"},
                        {"market", "JP"}}).status, 200u);
  constexpr int races = 12;
  for (int race = 0; race < races; ++race) {
    ASSERT_EQ(setup.post({{"command", "PurchaseSoftware"}, {"customer", tenant}, {"product", "windows-server-2022-datacenter"},
                          {"quantity", 1}, {"unit_price", "100.00"}, {"currency", "USD"},
                          {"subscription_id", uuid_numbered(1, race)}}).status, 200u);
  }
  int links_first = 0;
  int cancellations_first = 0;
  for (int race = 0; race < races; ++race) {
    const std::string subscription_id = uuid_numbered(1, race);
    const std::string link_id = uuid_numbered(2, race);
    HttpClient canceller(race % 2 == 0 ? server.port() : second->port());
    HttpClient issuer(race % 2 == 0 ? second->port() : server.port());
    canceller.write(http::verb::post, "/commands",
                    nlohmann::json{{"command", "CancelPurchase"}, {"subscription", subscription_id}, {"customer", tenant},
                                   {"reason", "race"}, {"amount", "100.00"}, {"contact_name", "Kenji Sato"},
                                   {"contact_email", "kenji@contoso.example"}, {"contact_phone", "+81 3-1234-5678"},
                                   {"ticket_id", uuid_numbered(3, race)}}.dump());
    issuer.write(http::verb::post, "/commands",
                 nlohmann::json{{"command", "IssueDownloadLink"}, {"subscription", subscription_id}, {"version", "2022"},
                                {"language", "en-us"}, {"file_type", "iso"}, {"link_id", link_id}}.dump());
    const HttpAnswer cancelled = canceller.read();
    const HttpAnswer issued = issuer.read();
    ASSERT_EQ(cancelled.status, 200u) << cancelled.body;
    const int links_revoked = cancelled.json()["result"]["links_revoked"].get<int>();
    if (issued.status == 200) {
      // The link came first: the cancellation, decided after it, revoked it.
      ++links_first;
      EXPECT_EQ(links_revoked, 1) << cancelled.body;
    } else {
      ++cancellations_first;
      EXPECT_EQ(issued.json()["error"]["code"], "subscription_cancelled") << issued.body;
      EXPECT_EQ(links_revoked, 0) << cancelled.body;
    }
  }
  EXPECT_EQ(links_first + cancellations_first, races);
  std::printf("cancellation races: link first %d, cancellation first %d\n", links_first, cancellations_first);
  const HttpAnswer links = HttpClient(second->port()).get("/reports/links");
  ASSERT_EQ(links.status, 200u);
  EXPECT_EQ(links.json().size(), static_cast<std::size_t>(links_first));
  for (const auto& row : links.json()) EXPECT_EQ(row["status"], "revoked") << row.dump();
  second.reset();
  expect_one_valid_log();
}

TEST_F(Nodes, ANodeKilledUnderLoadLeavesTheOtherServingAndLosesNoAcknowledgedCommand) {
  auto second = server.start_another_node("node2.log");
  std::atomic<int> acknowledged_by_first{0};
  std::vector<std::string> acknowledged_first, acknowledged_second;
  const auto register_customers = [](unsigned short port, int node, std::vector<std::string>& acknowledged,
                                     std::atomic<int>* counter, int count) {
    try {
      HttpClient client(port);
      for (int number = 0; number < count; ++number) {
        const std::string id = "node" + std::to_string(node) + "-" + std::to_string(number);
        const HttpAnswer answer =
            client.post({{"id", id}, {"command", "RegisterCustomer"}, {"tenant", uuid_numbered(node, number)},
                         {"domain", "c" + std::to_string(node) + "-" + std::to_string(number) + ".onmicrosoft.com"},
                         {"market", "JP"}});
        if (answer.status != 200) return;
        acknowledged.push_back(id);
        if (counter != nullptr) ++*counter;
      }
    } catch (const std::exception&) {
      // The node was killed: what it acknowledged so far is what counts.
    }
  };
  std::thread first_load(register_customers, server.port(), 1, std::ref(acknowledged_first), &acknowledged_by_first, 100'000);
  std::thread second_load(register_customers, second->port(), 2, std::ref(acknowledged_second), nullptr, 400);
  while (acknowledged_by_first < 100) std::this_thread::yield();
  server.kill();
  first_load.join();
  second_load.join();
  EXPECT_EQ(acknowledged_second.size(), 400u) << "the surviving node stopped serving";
  EXPECT_GE(acknowledged_first.size(), 100u);
  for (const auto* acknowledged : {&acknowledged_first, &acknowledged_second}) {
    for (const auto& id : *acknowledged) {
      const std::string sql = "SELECT count(*) FROM events WHERE command_id = '" + id + "' AND command_first IS NULL";
      ASSERT_EQ(query_integer(server.db(), sql.c_str()), 1) << id << " was acknowledged but is not in the log once";
    }
  }
  EXPECT_EQ(HttpClient(second->port()).get("/health").status, 200u);
  second.reset();
  expect_one_valid_log();
}

TEST_F(Nodes, SessionsTheDatabaseEndedWhileIdleAreOpenedAgainWithoutAFailedRequest) {
  server.add_link();
  HttpClient client = server.client();
  ASSERT_EQ(client.get("/reports/links").status, 200u);
  const HttpAnswer before = client.get("/events?from=1");
  ASSERT_EQ(before.status, 200u);
  const int events_before = before.json_lines().back()["end_of_export"]["events"];
  ASSERT_GE(end_the_ledgers_sessions(), 3) << "the writer's and the two readers' at least";
  // The sessions' ends reach the node's sockets before it next uses them.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const HttpAnswer command = client.post({{"id", "after-idle-loss"}, {"command", "RecordDownload"}, {"link", link}});
  EXPECT_EQ(command.status, 200u) << command.body;
  for (int reader = 0; reader < 4; ++reader) {
    const HttpAnswer report = client.get("/reports/links");
    EXPECT_EQ(report.status, 200u) << report.body;
    const HttpAnswer events = client.get("/events?from=1");
    EXPECT_EQ(events.status, 200u);
    ASSERT_FALSE(events.json_lines().empty());
    EXPECT_EQ(events.json_lines().back()["end_of_export"]["events"], events_before + 1) << events.body;
  }
  expect_one_valid_log();
}

TEST_F(Nodes, ALostDatabaseConnectionFailsNoMoreThanItsBatchAndTheNodeGoesOn) {
  server.add_link();
  HttpClient client = server.client();
  ASSERT_EQ(client.get("/reports/links").status, 200u);
  ASSERT_GE(end_the_ledgers_sessions(), 3);
  const HttpAnswer first = client.post({{"id", "after-loss-1"}, {"command", "RecordDownload"}, {"link", link}});
  if (first.status != 200) {
    EXPECT_EQ(first.status, 500u) << first.body;
    EXPECT_EQ(first.json()["error"]["code"], "store_failure");
    EXPECT_EQ(query_integer(server.db(), "SELECT count(*) FROM events WHERE command_id = 'after-loss-1'"), 0);
  }
  const HttpAnswer again = client.post({{"id", "after-loss-2"}, {"command", "RecordDownload"}, {"link", link}});
  EXPECT_EQ(again.status, 200u) << again.body;
  HttpAnswer report = client.get("/reports/links");
  if (report.status != 200) report = client.get("/reports/links");
  ASSERT_EQ(report.status, 200u) << report.body;
  EXPECT_EQ(report.json()[0]["downloads_used"], first.status == 200 ? 2 : 1);
  expect_one_valid_log();
}

}  // namespace
}  // namespace csp::server::testing
