// Who reads GET /events: the token's agent. Product keys and a refund
// ticket's contact and attachments, and the payload bytes that hold them,
// go only to an admin-agent; no report shows them to anyone.

#include <gtest/gtest.h>

#include <limits>
#include <map>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

using json = nlohmann::json;

bool holds(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ReadsByRole : public ::testing::Test {
 protected:
  ServerFixture server;
  HttpClient client = server.client();
  std::string product_key;

  void SetUp() override {
    for (const auto& command : {
             json{{"command", "RegisterCustomer"}, {"tenant", tenant}, {"domain", "contoso.onmicrosoft.com"}, {"market", "JP"}},
             json{{"command", "PurchaseSoftware"}, {"customer", tenant}, {"product", "windows-server-2022-datacenter"},
                  {"quantity", 1}, {"unit_price", "100.00"}, {"currency", "USD"}, {"subscription_id", subscription}},
             json{{"command", "IssueDownloadLink"}, {"subscription", subscription}, {"version", "2022"},
                  {"language", "en-us"}, {"file_type", "iso"}, {"link_id", link}},
             json{{"id", "cancel-1"}, {"command", "CancelPurchase"}, {"subscription", subscription}, {"customer", tenant}, {"reason", "wrong"},
                  {"amount", "100.00"}, {"contact_name", "Kenji Sato"}, {"contact_email", "kenji@contoso.example"},
                  {"contact_phone", "+81 3-1234-5678"}}}) {
      const HttpAnswer answer = client.post(command);
      ASSERT_EQ(answer.status, 200u) << answer.body;
      if (command["command"] == "IssueDownloadLink") product_key = answer.json()["result"]["product_key"];
    }
    ASSERT_FALSE(product_key.empty());
  }

  // The log as the token's agent reads it, by event type.
  std::map<std::string, json> events_as(const std::string& token) {
    const HttpAnswer answer = client.get("/events?from=1", token);
    EXPECT_EQ(answer.status, 200u) << answer.body;
    std::map<std::string, json> by_type;
    for (const auto& line : answer.json_lines()) {
      if (line.contains("type")) by_type[line["type"]] = line;
    }
    return by_type;
  }
};

TEST_F(ReadsByRole, EventsForAnAgentWithoutAdminAgentWithholdKeysContactsAndTheirBytes) {
  const HttpAnswer answer = client.get("/events?from=1", helpdesk_token);
  ASSERT_EQ(answer.status, 200u) << answer.body;
  EXPECT_FALSE(holds(answer.body, product_key)) << answer.body;
  EXPECT_FALSE(holds(answer.body, "kenji@contoso.example")) << answer.body;

  const auto events = events_as(helpdesk_token);
  const json& issued = events.at("ProductKeyIssued");
  EXPECT_FALSE(issued["event"].contains("product_key")) << issued.dump();
  EXPECT_FALSE(issued.contains("payload_hex")) << "the bytes hold the key too, sealed";
  EXPECT_EQ(issued["event"]["subscription_id"], subscription);
  const json& opened = events.at("RefundTicketOpened");
  EXPECT_FALSE(opened["event"].contains("contact")) << opened.dump();
  EXPECT_FALSE(opened["event"].contains("attachments")) << opened.dump();
  EXPECT_EQ(opened["withheld"], json::parse(R"(["contact","attachments"])"));
  EXPECT_FALSE(opened.contains("payload_hex"));
  const json& purchased = events.at("SoftwarePurchased");
  EXPECT_FALSE(purchased.contains("withheld"));
  EXPECT_FALSE(purchased["payload_hex"].get<std::string>().empty()) << "other events keep their bytes";

  // Nor the bytes, hashes or digests that would confirm a guess: a key
  // revocation's bytes hold the keys, a cancellation's digest its contact.
  ASSERT_TRUE(events.contains("ProductKeysRevoked"));
  for (const std::string type : {"ProductKeyIssued", "ProductKeysRevoked", "RefundTicketOpened"}) {
    EXPECT_FALSE(events.at(type).contains("payload_hex")) << type;
    EXPECT_FALSE(events.at(type).contains("hash")) << type;
  }
  for (const auto& line : answer.json_lines()) {
    EXPECT_FALSE(line.contains("command_digest")) << line.dump();
    if (!line.contains("payload_hex")) continue;
    std::string bytes;
    const std::string hex = line["payload_hex"];
    for (std::size_t at = 0; at + 1 < hex.size(); at += 2) bytes += static_cast<char>(std::stoi(hex.substr(at, 2), nullptr, 16));
    EXPECT_FALSE(holds(bytes, product_key)) << line.dump();
    EXPECT_FALSE(holds(bytes, "kenji@contoso.example")) << line.dump();
  }
  EXPECT_TRUE(holds(client.get("/events?from=1", admin_token).body, "command_digest")) << "an admin-agent gets them";

  // Nor does any report show them, to anyone.
  for (const std::string report : {"subscriptions", "links", "revocations", "refunds", "customers", "expiring-links"}) {
    const HttpAnswer rows = client.get("/reports/" + report, admin_token);
    ASSERT_EQ(rows.status, 200u) << report << ": " << rows.body;
    EXPECT_FALSE(holds(rows.body, product_key)) << report << ": " << rows.body;
    EXPECT_FALSE(holds(rows.body, "kenji@contoso.example")) << report << ": " << rows.body;
  }
}

TEST_F(ReadsByRole, EventsShowKeysContactsAndBytesToAnAdminAgentOnly) {
  EXPECT_FALSE(events_as(helpdesk_token).at("ProductKeyIssued").contains("payload_hex")) << "the other side of the line";
  const auto events = events_as(admin_token);
  const json& issued = events.at("ProductKeyIssued");
  EXPECT_FALSE(issued["event"].contains("product_key")) << "only `csp-ledger key show` prints a key: " << issued.dump();
  EXPECT_FALSE(holds(issued.dump(), product_key));
  EXPECT_FALSE(issued.contains("withheld"));
  EXPECT_FALSE(issued["payload_hex"].get<std::string>().empty());
  const json& opened = events.at("RefundTicketOpened");
  EXPECT_EQ(opened["event"]["contact"]["email"], "kenji@contoso.example") << opened.dump();
  EXPECT_TRUE(opened["event"]["attachments"].is_array());
  EXPECT_FALSE(opened.contains("withheld"));
  EXPECT_FALSE(opened["payload_hex"].get<std::string>().empty());
}

TEST_F(ReadsByRole, AFollowWithholdsTheKeyOfALinkIssuedWhileItWaits) {
  const std::int64_t head = client.get("/health").json()["head_position"];
  HttpClient follower = server.client();
  follower.write(http::verb::get, "/events?from=" + std::to_string(head + 1) + "&follow=1", "", helpdesk_token);
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  http::read_header(follower.stream(), follower.buffer(), parser);
  ASSERT_EQ(parser.get().result_int(), 200u);

  const std::string second = "a1000000-0000-4000-8000-000000000002";
  ASSERT_EQ(client.post({{"command", "PurchaseSoftware"}, {"customer", tenant}, {"product", "windows-server-2022-datacenter"},
                         {"quantity", 1}, {"unit_price", "100.00"}, {"currency", "USD"}, {"subscription_id", second}})
                .status,
            200u);
  const HttpAnswer issued = client.post({{"command", "IssueDownloadLink"}, {"subscription", second}, {"version", "2022"},
                                         {"language", "en-us"}, {"file_type", "iso"}});
  ASSERT_EQ(issued.status, 200u) << issued.body;
  const std::string second_key = issued.json()["result"]["product_key"];
  // Purchase, key, link: three lines.
  std::vector<json> lines;
  std::size_t consumed = 0;
  while (lines.size() < 3) {
    http::read_some(follower.stream(), follower.buffer(), parser);
    const std::string& body = parser.get().body();
    ASSERT_FALSE(holds(body, second_key)) << body;
    for (std::size_t end = body.find('\n', consumed); end != std::string::npos; end = body.find('\n', consumed)) {
      lines.push_back(json::parse(body.substr(consumed, end - consumed)));
      consumed = end + 1;
    }
  }
  ASSERT_EQ(lines[1]["type"], "ProductKeyIssued");
  EXPECT_FALSE(lines[1]["event"].contains("product_key"));
  EXPECT_FALSE(lines[1].contains("payload_hex"));
}

TEST_F(ReadsByRole, TheTokensAgentCountsWithTheRolesItHoldsNow) {
  const HttpAnswer granted = client.post({{"command", "GrantRole"}, {"agent", "helen@partner.example"}, {"role", "admin-agent"}});
  ASSERT_EQ(granted.status, 200u) << granted.body;
  EXPECT_TRUE(events_as(helpdesk_token).at("ProductKeyIssued").contains("payload_hex"));
  const HttpAnswer revoked = client.post({{"command", "RevokeRole"}, {"agent", "helen@partner.example"}, {"role", "admin-agent"}});
  ASSERT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_FALSE(events_as(helpdesk_token).at("ProductKeyIssued").contains("payload_hex"));
}

}  // namespace
}  // namespace csp::server::testing
