// What the web view stands on (DESIGN.md, "Server"): its files at / with a
// strict Content-Security-Policy and no token, GET /audit (the check of
// `audit verify`) and GET /history (the trail of `history`).

#include <sqlite3.h>

#include <array>
#include <cstdio>
#include <memory>

#include <gtest/gtest.h>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

using json = nlohmann::json;

bool holds(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A change made behind the server's back, as a tamperer with the database
// would make it.
void change_behind_the_ledger(const std::string& db, const std::string& sql) {
  if (csp::testing::tests_run_on_postgres()) {
    (void)csp::testing::postgres_value(db, sql);
    return;
  }
  sqlite3* connection = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &connection), SQLITE_OK);
  char* message = nullptr;
  const int status = sqlite3_exec(connection, sql.c_str(), nullptr, nullptr, &message);
  const std::string why = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(connection);
  ASSERT_EQ(status, SQLITE_OK) << why;
}

// The CLI's stdout for the same ledger.
std::string cli_output(const std::string& db, const std::string& arguments) {
  const std::string command = quoted(CSP_LEDGER_BIN) + " --db " + quoted(db) + " " + arguments;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string text;
  std::array<char, 4096> chunk{};
  while (pipe && fgets(chunk.data(), static_cast<int>(chunk.size()), pipe.get()) != nullptr) text += chunk.data();
  return text;
}

TEST(WebView, ThePageAndItsFilesNeedNoTokenAndCarryAStrictPolicy) {
  ServerFixture server;
  HttpClient client = server.client();
  for (const std::string path : {"/", "/index.html", "/app.js", "/app.css", "/favicon.svg"}) {
    const HttpAnswer answer = client.send(http::verb::get, path, "", std::nullopt);
    ASSERT_EQ(answer.status, 200u) << path;
    EXPECT_FALSE(answer.body.empty()) << path;
    const std::string policy = answer.header("content-security-policy");
    EXPECT_TRUE(holds(policy, "default-src 'none'")) << path << ": " << policy;
    EXPECT_TRUE(holds(policy, "script-src 'self'")) << policy;
    EXPECT_TRUE(holds(policy, "frame-ancestors 'none'")) << policy;
    EXPECT_FALSE(holds(policy, "unsafe")) << policy;
    EXPECT_EQ(answer.header("x-content-type-options"), "nosniff") << path;
  }
  EXPECT_TRUE(holds(client.get("/", std::nullopt).content_type, "text/html"));
  EXPECT_TRUE(holds(client.get("/app.js", std::nullopt).content_type, "text/javascript"));
  EXPECT_TRUE(holds(client.get("/app.css", std::nullopt).content_type, "text/css"));
}

TEST(WebView, ThePageRunsNoInlineScriptAndWritesNoHtmlFromValues) {
  ServerFixture server;
  HttpClient client = server.client();
  const std::string page = client.get("/", std::nullopt).body;
  EXPECT_TRUE(holds(page, "<script src=\"/app.js\""));
  EXPECT_FALSE(holds(page, "<script>")) << "the policy would refuse an inline script";
  EXPECT_FALSE(holds(page, "style=\"")) << "the policy would refuse an inline style";
  const std::string script = client.get("/app.js", std::nullopt).body;
  for (const std::string sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("}) {
    EXPECT_FALSE(holds(script, sink)) << "app.js uses " << sink << ": values must go in as text";
  }
  EXPECT_FALSE(holds(script, "\"/commands\"")) << "the page only reads";
}

TEST(WebView, HeadOfThePageIsItsHeaderAndOtherMethodsAre405) {
  ServerFixture server;
  HttpClient client = server.client();
  const HttpAnswer get = client.send(http::verb::get, "/", "", std::nullopt);
  const HttpAnswer head = client.send(http::verb::head, "/", "", std::nullopt);
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.header("content-length"), std::to_string(get.body.size()));
  const HttpAnswer post = client.send(http::verb::post, "/", "x", std::nullopt);
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.header("allow"), "GET, HEAD");
  EXPECT_EQ(client.get("/no-such-file.js", std::nullopt).status, 401u) << "other paths still say nothing without a token";
  EXPECT_EQ(client.get("/no-such-file.js").status, 404u);
}

TEST(WebView, AuditIsTheCheckOfAuditVerify) {
  ServerFixture server;
  server.add_link();
  // The CLI reads the stored rows as they are now: once they hold the log,
  // the server's delayed write cannot change them between the two reads.
  const StoredPositions positions = wait_for_stored_read_models(server.db());
  ASSERT_EQ(positions.rows, positions.head);
  HttpClient client = server.client();
  EXPECT_EQ(client.get("/audit", std::nullopt).status, 401u);
  const HttpAnswer answer = client.get("/audit");
  ASSERT_EQ(answer.status, 200u) << answer.body;
  const json body = answer.json();
  ASSERT_EQ(body["ok"], true) << answer.body;
  const json cli = json::parse(cli_output(server.db(), "--json audit verify"));
  EXPECT_EQ(body["result"], cli["result"]);
  EXPECT_EQ(body["result"]["events_checked"], cli["result"]["events_checked"]);
  EXPECT_EQ(body["result"]["links"], 1);
  EXPECT_TRUE(body.contains("checked_at"));
  EXPECT_EQ(client.get("/audit?fresh=2").status, 400u);
  EXPECT_EQ(client.get("/audit?deep=1").status, 400u);
  EXPECT_EQ(client.send(http::verb::post, "/audit").status, 405u);
}

TEST(WebView, AuditNamesAChangedReadModelRowAndANewCheckSeesIt) {
  ServerFixture server;
  server.add_link();
  HttpClient client = server.client();
  ASSERT_EQ(client.get("/audit").json()["ok"], true);
  const StoredPositions positions = wait_for_stored_read_models(server.db());
  ASSERT_EQ(positions.rows, positions.head);
  change_behind_the_ledger(server.db(), "UPDATE rm_links SET downloads_used = 7");
  // A verdict under a minute old is reused until a fresh one is asked for.
  EXPECT_EQ(client.get("/audit").json()["ok"], true);
  const HttpAnswer fresh = client.get("/audit?fresh=1");
  ASSERT_EQ(fresh.status, 200u) << "a fault found is the audit's answer, not a failed request";
  const json body = fresh.json();
  ASSERT_EQ(body["ok"], false) << fresh.body;
  EXPECT_EQ(body["error"]["code"], "audit_fault");
  EXPECT_EQ(body["error"]["fault"], "read_model_differs");
  EXPECT_EQ(body["error"]["model"], "links");
  EXPECT_EQ(body["error"]["column"], "downloads_used");
  const json trail = client.get("/history?link=" + link).json();
  EXPECT_EQ(body["error"]["position"], trail["result"]["events"][0]["position"]) << "the link's first event";
}

TEST(WebView, HistoryIsTheTrailOfHistoryWithPrivateFieldsForAdminsOnly) {
  ServerFixture server;
  server.add_link();
  HttpClient client = server.client();
  const HttpAnswer admin_view = client.get("/history?subscription=" + subscription);
  ASSERT_EQ(admin_view.status, 200u) << admin_view.body;
  const json cli = json::parse(cli_output(server.db(), "--json history --subscription " + subscription + " --actor " + admin));
  const json events = admin_view.json()["result"]["events"];
  EXPECT_EQ(events, cli["result"]["events"]);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0]["type"], "SoftwarePurchased");
  EXPECT_EQ(events[1]["type"], "ProductKeyIssued");
  EXPECT_FALSE(events[1]["event"].contains("product_key")) << "only `csp-ledger key show` prints a key";

  const HttpAnswer helpdesk_view = client.get("/history?subscription=" + subscription, helpdesk_token);
  ASSERT_EQ(helpdesk_view.status, 200u);
  const json withheld = helpdesk_view.json()["result"]["events"][1];
  EXPECT_FALSE(withheld["event"].contains("product_key"));
  EXPECT_FALSE(withheld.contains("payload_hex")) << "the bytes, sealed key and all, are an admin's to see";

  const HttpAnswer by_customer = client.get("/history?customer=contoso.onmicrosoft.com&from=2&limit=1");
  ASSERT_EQ(by_customer.status, 200u) << by_customer.body;
  ASSERT_EQ(by_customer.json()["result"]["events"].size(), 1u);
  EXPECT_EQ(by_customer.json()["result"]["events"][0]["position"], 2);
  EXPECT_EQ(client.get("/history?link=" + link).json()["result"]["events"].size(), 1u);
}

TEST(WebView, HistoryRefusesWhatItCannotAnswer) {
  ServerFixture server;
  server.add_link();
  HttpClient client = server.client();
  EXPECT_EQ(client.get("/history?subscription=" + subscription, std::nullopt).status, 401u);
  const HttpAnswer unknown = client.get("/history?subscription=a1000000-0000-4000-8000-0000000000ff");
  EXPECT_EQ(unknown.status, 404u);
  EXPECT_EQ(unknown.json()["error"]["code"], "unknown_subscription");
  EXPECT_EQ(client.get("/history?ticket=c1000000-0000-4000-8000-000000000001").json()["error"]["code"], "unknown_ticket");
  const HttpAnswer broken = client.get("/history?subscription=not-a-uuid");
  EXPECT_EQ(broken.status, 400u);
  EXPECT_EQ(broken.json()["error"]["code"], "invalid_input");
  const HttpAnswer none = client.get("/history");
  EXPECT_EQ(none.status, 400u);
  EXPECT_TRUE(holds(none.json()["error"]["message"], "exactly one of subscription")) << none.body;
  EXPECT_EQ(client.get("/history?subscription=" + subscription + "&order=0a000000-0000-4000-8000-000000000001").status, 400u);
  EXPECT_EQ(client.get("/history?subscription=" + subscription + "&limit=0").status, 400u);
  EXPECT_EQ(client.get("/history?subscription=" + subscription + "&colour=red").status, 400u);
}

}  // namespace
}  // namespace csp::server::testing
