// Every endpoint and status code of DESIGN.md ("Server"), against the real
// csp-ledgerd.

#include <gtest/gtest.h>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

using json = nlohmann::json;

json download() { return {{"command", "RecordDownload"}, {"link", link}}; }

class Endpoints : public ::testing::Test {
 protected:
  ServerFixture server;
};

TEST_F(Endpoints, HealthNeedsNoToken) {
  const HttpAnswer answer = server.client().get("/health", std::nullopt);
  EXPECT_EQ(answer.status, 200u);
  EXPECT_EQ(answer.json()["ok"], true);
}

TEST_F(Endpoints, Status401WithoutOrWithAWrongToken) {
  HttpClient client = server.client();
  for (const std::string target : {"/metrics", "/reports/customers", "/events?from=1"}) {
    EXPECT_EQ(client.get(target, std::nullopt).status, 401u) << target;
    EXPECT_EQ(client.get(target, std::string("admin-token-0123456789abcdeX")).status, 401u) << target;
  }
  const HttpAnswer answer = client.post({{"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}}, std::nullopt);
  EXPECT_EQ(answer.status, 401u);
  EXPECT_EQ(answer.json()["error"]["code"], "unauthorized");
  EXPECT_EQ(client.get("/events?from=1", admin_token).status, 200u) << "the connection stays usable";
}

TEST_F(Endpoints, Status200WithTheRunResultAndTheTokensAgentAsActor) {
  HttpClient client = server.client();
  const HttpAnswer answer = client.post({{"id", "c-1"}, {"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}});
  ASSERT_EQ(answer.status, 200u) << answer.body;
  EXPECT_EQ(answer.json()["ok"], true);
  EXPECT_EQ(answer.json()["command"], "GrantRole");
  EXPECT_EQ(answer.json()["positions"], json::array({2}));
  const auto events = client.get("/events?from=2").json_lines();
  ASSERT_EQ(events.size(), 2u);  // the event and the end-of-export line
  EXPECT_EQ(events[0]["actor"], admin);
  EXPECT_EQ(events[0]["command_id"], "c-1");
  EXPECT_EQ(events[1]["end_of_export"]["events"], 1);
}

TEST_F(Endpoints, L3_SameCommandIdAnswersTheFirstResultAgain) {
  HttpClient client = server.client();
  const json command{{"id", "c-1"}, {"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}};
  const HttpAnswer first = client.post(command);
  const HttpAnswer again = client.post(command);
  EXPECT_EQ(again.status, 200u);
  EXPECT_EQ(again.json()["positions"], first.json()["positions"]);
}

TEST_F(Endpoints, L3_SameCommandIdWithAnotherPayloadIsRefused) {
  HttpClient client = server.client();
  const json command{{"id", "c-1"}, {"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}};
  ASSERT_EQ(client.post(command).status, 200u);
  json changed = command;
  changed["role"] = "admin-agent";
  const HttpAnswer refused = client.post(changed);
  EXPECT_EQ(refused.status, 400u) << refused.body;
  EXPECT_EQ(refused.json()["error"]["code"], "invalid_input");
  EXPECT_NE(refused.json()["error"]["message"].get<std::string>().find("'c-1'"), std::string::npos) << refused.body;
  const auto events = client.get("/events?from=2").json_lines();
  ASSERT_EQ(events.size(), 2u) << "the first grant only";
  EXPECT_EQ(events[0]["command_digest"].get<std::string>().size(), 64u);
}

TEST_F(Endpoints, L3_WithinOneBodyTheSameIdWithAnotherPayloadIsRefused) {
  HttpClient client = server.client();
  const json first{{"id", "c-2"}, {"command", "GrantRole"}, {"agent", "kim@partner.example"}, {"role", "sales-agent"}};
  json changed = first;
  changed["agent"] = "lee@partner.example";
  const HttpAnswer answer =
      client.send(http::verb::post, "/commands", first.dump() + "\n" + changed.dump() + "\n" + first.dump() + "\n");
  ASSERT_EQ(answer.status, 200u) << answer.body;
  const auto results = answer.json_lines();
  ASSERT_EQ(results.size(), 3u) << answer.body;
  EXPECT_EQ(results[0]["ok"], true);
  EXPECT_EQ(results[1]["ok"], false);
  EXPECT_EQ(results[1]["error"]["code"], "invalid_input");
  EXPECT_EQ(results[2]["positions"], results[0]["positions"]);
}

TEST_F(Endpoints, Status400ForMalformedJsonAndInvalidInput) {
  HttpClient client = server.client();
  const HttpAnswer malformed = client.send(http::verb::post, "/commands", "{\"command\":");
  EXPECT_EQ(malformed.status, 400u);
  EXPECT_EQ(malformed.json()["error"]["code"], "invalid_input");
  const HttpAnswer missing = client.post({{"command", "RecordDownload"}});
  EXPECT_EQ(missing.status, 400u);
  EXPECT_EQ(missing.json()["error"]["code"], "invalid_input");
  const HttpAnswer empty = client.send(http::verb::post, "/commands", "");
  EXPECT_EQ(empty.status, 400u);
}

TEST_F(Endpoints, AnActorOtherThanTheTokensAgentIsRefused) {
  HttpClient client = server.client();
  const HttpAnswer other = client.post({{"command", "GrantRole"}, {"actor", "mallory@partner.example"},
                                        {"agent", "sam@partner.example"}, {"role", "admin-agent"}});
  EXPECT_EQ(other.status, 400u);
  EXPECT_NE(other.json()["error"]["message"].get<std::string>().find("bearer token"), std::string::npos);
  const HttpAnswer same = client.post({{"command", "GrantRole"}, {"actor", admin}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}});
  EXPECT_EQ(same.status, 200u) << same.body;
}

TEST_F(Endpoints, R4_Status403WhenTheTokensAgentLacksTheRole) {
  server.add_link();
  const HttpAnswer answer = server.client().post({{"command", "IssueDownloadLink"}, {"subscription", subscription}, {"version", "2022"},
                                                  {"language", "en-us"}, {"file_type", "iso"}}, helpdesk_token);
  EXPECT_EQ(answer.status, 403u);
  EXPECT_EQ(answer.json()["error"]["code"], "not_authorized");
}

TEST_F(Endpoints, Status404ForAnUnknownThingAndAnUnknownPath) {
  HttpClient client = server.client();
  const HttpAnswer unknown = client.post(download());
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_link");
  EXPECT_EQ(client.get("/nothing-here").status, 404u);
  EXPECT_EQ(client.get("/nothing-here", std::nullopt).status, 401u) << "no token, nothing learnt about paths";
  const HttpAnswer no_report = client.get("/reports/invoices");
  EXPECT_EQ(no_report.status, 404u);
  EXPECT_NE(no_report.json()["error"]["message"].get<std::string>().find("subscriptions"), std::string::npos);
}

TEST_F(Endpoints, ACommandAskingToCloseIsTheLastRequestReadOnItsConnection) {
  HttpClient client = server.client();
  const std::string body = nlohmann::json{{"command", "GrantRole"}, {"agent", "kim@partner.example"}, {"role", "sales-agent"}}.dump();
  const std::string closing = "POST /commands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin_token +
                              "\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  const std::string after = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin_token + "\r\n\r\n";
  net::write(client.stream(), net::buffer(closing + after));
  EXPECT_EQ(client.read().status, 200u);
  EXPECT_ANY_THROW(client.read()) << "the pipelined request after the close is not answered";
  EXPECT_EQ(server.client().get("/health", std::nullopt).status, 200u) << "and the server is still up";
}

TEST_F(Endpoints, Status405ForAWrongMethod) {
  HttpClient client = server.client();
  EXPECT_EQ(client.get("/commands").status, 405u);
  EXPECT_EQ(client.send(http::verb::post, "/health").status, 405u);
  EXPECT_EQ(client.send(http::verb::delete_, "/events").status, 405u);
}

TEST_F(Endpoints, R1_Status422ForAnotherRule) {
  HttpClient client = server.client();
  ASSERT_EQ(client.post({{"command", "RegisterCustomer"}, {"tenant", tenant}, {"domain", "brazil.onmicrosoft.com"}, {"market", "BR"}}).status, 200u);
  const HttpAnswer answer = client.post({{"command", "PurchaseSoftware"}, {"customer", tenant}, {"product", "azure-ri-vm-d2s-v5-1y"},
                                         {"quantity", 1}, {"unit_price", "100.00"}, {"currency", "USD"}});
  EXPECT_EQ(answer.status, 422u);
  EXPECT_EQ(answer.json()["error"]["code"], "market_not_available");
}

TEST_F(Endpoints, Status413ForABodyOverTheLimit) {
  HttpClient client = server.client();
  const HttpAnswer answer = client.send(http::verb::post, "/commands", std::string(2 << 20, ' '));
  EXPECT_EQ(answer.status, 413u);
}

TEST_F(Endpoints, Status431ForAHeaderOverTheLimit) {
  HttpClient client = server.client();
  http::request<http::string_body> request{http::verb::get, "/health", 11};
  request.set("X-Padding", std::string(10'000, 'x'));
  http::write(client.stream(), request);
  EXPECT_EQ(client.read().status, 431u);
}

TEST_F(Endpoints, ExpectContinueGetsTheGoAheadBeforeTheBody) {
  HttpClient client = server.client();
  const std::string body = json{{"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}}.dump();
  const std::string header = "POST /commands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin_token +
                             "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  net::write(client.stream(), net::buffer(header));
  std::string interim(64, '\0');
  interim.resize(client.stream().read_some(net::buffer(interim)));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  net::write(client.stream(), net::buffer(body));
  EXPECT_EQ(client.read().status, 200u);
}

TEST(Startup, AMalformedTokensFileIsRefusedNamingTheLine) {
  csp::testing::TempDir dir;
  write_tokens_file(dir.file("tokens.txt"), "# ok\nabcdefghijklmnopqrstuvwxyz alice@partner.example\njust-one-word\n");
  const std::string command = quoted(CSP_LEDGERD_BIN) + " --db " + quoted(dir.file("none.db")) + " --tokens " +
                              quoted(dir.file("tokens.txt")) + " --listen 127.0.0.1:0 > /dev/null 2> " + quoted(dir.file("err.txt"));
  const int raw = std::system(command.c_str());
  EXPECT_EQ(WEXITSTATUS(raw), 2);
  std::ifstream err(dir.file("err.txt"));
  const std::string message((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  EXPECT_NE(message.find("tokens.txt line 3"), std::string::npos) << message;
}

TEST_F(Endpoints, JsonLinesGetOneResultLineEach) {
  server.add_link();
  const std::string body = download().dump() + "\n" + "not json\n" + json{{"command", "RecordDownload"}, {"link", subscription}}.dump() + "\n";
  const HttpAnswer answer = server.client().send(http::verb::post, "/commands", body);
  ASSERT_EQ(answer.status, 200u);
  const auto lines = answer.json_lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["ok"], true);
  EXPECT_EQ(lines[0]["result"]["downloads_used"], 1);
  EXPECT_EQ(lines[1]["error"]["code"], "invalid_input");
  EXPECT_EQ(lines[2]["error"]["code"], "unknown_link");
}

TEST_F(Endpoints, ReportsTakeFiltersAsQueryParameters) {
  server.add_link();
  HttpClient client = server.client();
  const HttpAnswer links = client.get("/reports/links?status=live");
  ASSERT_EQ(links.status, 200u) << links.body;
  ASSERT_EQ(links.json().size(), 1u);
  EXPECT_EQ(links.json()[0]["link_id"], link);
  EXPECT_EQ(client.get("/reports/links?status=expired").json().size(), 0u);
  const HttpAnswer by_customer = client.get("/reports/subscriptions?customer=contoso.onmicrosoft.com&as_of=2027-01-01T00:00:00Z");
  ASSERT_EQ(by_customer.status, 200u) << by_customer.body;
  EXPECT_EQ(by_customer.json()[0]["subscription_id"], subscription);
  const HttpAnswer csv = client.get("/reports/links?format=csv");
  EXPECT_EQ(csv.status, 200u);
  EXPECT_EQ(csv.content_type, "text/csv");
  EXPECT_EQ(csv.body.rfind("link_id,", 0), 0u) << csv.body;
  EXPECT_EQ(client.get("/reports/links?colour=red").status, 400u);
  EXPECT_EQ(client.get("/reports/links?status=golden").status, 400u);
  EXPECT_EQ(client.get("/reports/no-such-report").status, 404u);
  EXPECT_EQ(client.get("/reports/subscriptions?customer=nobody.onmicrosoft.com").status, 404u);
}

TEST_F(Endpoints, MetricsCountCommandsByTypeAndOutcome) {
  server.add_link();
  HttpClient client = server.client();
  client.post({{"command", "RecordDownload"}, {"link", subscription}});
  const HttpAnswer metrics = client.get("/metrics");
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_NE(metrics.body.find("csp_ledger_commands_total{command=\"IssueDownloadLink\",outcome=\"ok\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("csp_ledger_commands_total{command=\"RecordDownload\",outcome=\"unknown_link\"} 1"), std::string::npos);
  EXPECT_NE(metrics.body.find("csp_ledger_command_latency_seconds_bucket{le=\"+Inf\"} 4"), std::string::npos);
  EXPECT_NE(metrics.body.find("csp_ledger_batch_commands_count"), std::string::npos);
  EXPECT_NE(metrics.body.find("csp_ledger_head_position 5"), std::string::npos) << metrics.body;
}

TEST_F(Endpoints, PipelinedRequestsAreAnsweredInOrder) {
  server.add_link();
  HttpClient client = server.client();
  for (int i = 0; i < 10; ++i) client.write(http::verb::post, "/commands", download().dump());
  for (int i = 1; i <= 10; ++i) EXPECT_EQ(client.read().json()["result"]["downloads_used"], i);
  EXPECT_EQ(client.get("/health").json()["head_position"], 15);
}

// Requests that arrive together are parsed straight from the buffer; one
// whose body is still on its way is finished by a read.
TEST_F(Endpoints, PipelinedRequestsArrivingTogetherAndOneCutInTwoAreAllAnswered) {
  server.add_link();
  HttpClient client = server.client();
  const auto raw_download = [&] {
    const std::string body = download().dump();
    return "POST /commands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin_token +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  std::string together;
  for (int i = 0; i < 5; ++i) together += raw_download();
  const std::string last = raw_download();
  const std::size_t cut = last.size() - 10;  // inside the body
  net::write(client.stream(), net::buffer(together + last.substr(0, cut)));
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(client.read().json()["result"]["downloads_used"], i);
  net::write(client.stream(), net::buffer(last.substr(cut)));
  EXPECT_EQ(client.read().json()["result"]["downloads_used"], 6);
  EXPECT_EQ(client.get("/health").json()["head_position"], 11);
}

}  // namespace
}  // namespace csp::server::testing
