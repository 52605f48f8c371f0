// What the server answers for listings and pages, and how its refusals
// point to endpoints rather than to the command line.

#include <gtest/gtest.h>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

using json = nlohmann::json;

bool holds(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Listings : public ::testing::Test {
 protected:
  ServerFixture server;
};

TEST_F(Listings, CsvHasItsHeaderEvenWithoutRows) {
  HttpClient client = server.client();
  const HttpAnswer links = client.get("/reports/links?format=csv");
  ASSERT_EQ(links.status, 200u) << links.body;
  EXPECT_EQ(links.body, "link_id,subscription_id,status,downloads_used,expires_at\r\n");
}

TEST_F(Listings, RefusalsPointToEndpointsNotToTheCommandLine) {
  HttpClient client = server.client();
  const HttpAnswer customer = client.post({{"command", "PurchaseSoftware"}, {"customer", tenant}, {"product", "office-2024"},
                                          {"quantity", 1}, {"unit_price", "1"}, {"currency", "USD"}});
  const std::string customer_message = customer.json()["error"]["message"];
  EXPECT_TRUE(holds(customer_message, "GET /reports/customers")) << customer_message;
  server.add_link();
  const HttpAnswer unknown = client.post({{"command", "PurchaseSoftware"}, {"customer", tenant}, {"product", "office-2024"},
                                          {"quantity", 1}, {"unit_price", "1"}, {"currency", "USD"}});
  EXPECT_EQ(unknown.status, 404u);
  const std::string message = unknown.json()["error"]["message"];
  EXPECT_TRUE(holds(message, "GET /reports/catalogue")) << message;
  EXPECT_FALSE(holds(message, "csp-ledger")) << message;
  const HttpAnswer role = client.post({{"command", "IssueDownloadLink"}, {"subscription", subscription}, {"version", "2022"},
                                       {"language", "en-us"}, {"file_type", "iso"}},
                                      helpdesk_token);
  EXPECT_EQ(role.status, 403u);
  const std::string role_message = role.json()["error"]["message"];
  EXPECT_TRUE(holds(role_message, "GrantRole command (POST /commands)")) << role_message;
  EXPECT_FALSE(holds(role_message, "csp-ledger")) << role_message;
}

TEST_F(Listings, AgentsAndTheCatalogueAreReports) {
  HttpClient client = server.client();
  const HttpAnswer agents = client.get("/reports/agents");
  ASSERT_EQ(agents.status, 200u) << agents.body;
  EXPECT_EQ(agents.json(), json::parse(R"([{"agent":"alice@partner.example","roles":"admin-agent"}])"));
  const HttpAnswer catalogue = client.get("/reports/catalogue?format=csv");
  ASSERT_EQ(catalogue.status, 200u) << catalogue.body;
  EXPECT_EQ(catalogue.body.rfind("sku,display_name,", 0), 0u) << catalogue.body;
}

TEST_F(Listings, ReportsAndEventsPage) {
  server.add_link();
  HttpClient client = server.client();
  const HttpAnswer second = client.get("/reports/catalogue?from=2&limit=3");
  ASSERT_EQ(second.status, 200u) << second.body;
  ASSERT_EQ(second.json().size(), 3u);
  EXPECT_EQ(second.json()[0]["sku"], "azure-ri-vm-d2s-v5-3y");
  EXPECT_EQ(client.get("/reports/links?limit=0").status, 400u);

  const HttpAnswer page = client.get("/events?from=2&limit=2");
  ASSERT_EQ(page.status, 200u) << page.body;
  const auto lines = page.json_lines();
  ASSERT_EQ(lines.size(), 3u) << page.body;
  EXPECT_EQ(lines[0]["position"], 2);
  EXPECT_EQ(lines[1]["position"], 3);
  EXPECT_EQ(lines[2]["end_of_export"]["events"], 2);
  EXPECT_EQ(lines[2]["end_of_export"]["next_from"], 4);
  const auto rest = client.get("/events?from=4&limit=100").json_lines();
  EXPECT_FALSE(rest.back()["end_of_export"].contains("next_from")) << "the log ended before the limit";
  EXPECT_EQ(client.get("/events?limit=5&follow=1").status, 400u);
}

}  // namespace
}  // namespace csp::server::testing
