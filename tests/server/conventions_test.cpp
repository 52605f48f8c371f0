// What operators' tools expect of an HTTP service (DESIGN.md, "Server"):
// HEAD and Allow, a public /metrics for Prometheus, the process_* and
// build-info series, a log line at each end of a follow, and exit status 2
// for a command line that does not parse.

#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

struct RawAnswer {
  unsigned status = 0;
  std::string allow;
  std::string content_length;
  std::string body;
};

// HEAD answers carry GET's Content-Length and no body: the parser must be
// told not to wait for one.
RawAnswer send(HttpClient& client, http::verb method, const std::string& target,
               const std::optional<std::string>& token = admin_token) {
  client.write(method, target, "", token);
  http::response_parser<http::string_body> parser;
  parser.skip(method == http::verb::head);
  http::read(client.stream(), client.buffer(), parser);
  const auto& response = parser.get();
  return RawAnswer{response.result_int(), std::string(response[http::field::allow]),
                   std::string(response[http::field::content_length]), response.body()};
}

std::string file_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

double metric_value(const std::string& metrics, const std::string& name) {
  const std::size_t at = metrics.find("\n" + name + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + name.size() + 2));
}

TEST(ServerConventions, HeadHealthIsGetsHeaderWithoutABodyAndNeedsNoToken) {
  ServerFixture server;
  HttpClient client = server.client();
  const RawAnswer head = send(client, http::verb::head, "/health", std::nullopt);
  EXPECT_EQ(head.status, 200u);
  EXPECT_TRUE(head.body.empty());
  const RawAnswer get = send(client, http::verb::get, "/health", std::nullopt);
  ASSERT_EQ(get.status, 200u) << "the connection holds no stray body after the HEAD";
  EXPECT_EQ(head.content_length, std::to_string(get.body.size()));
}

TEST(ServerConventions, AWrongMethodIs405WithTheAllowedOnes) {
  ServerFixture server;
  HttpClient client = server.client();
  const RawAnswer health = send(client, http::verb::post, "/health", std::nullopt);
  EXPECT_EQ(health.status, 405u);
  EXPECT_EQ(health.allow, "GET, HEAD");
  const RawAnswer events = send(client, http::verb::delete_, "/events");
  EXPECT_EQ(events.status, 405u);
  EXPECT_EQ(events.allow, "GET");
  const RawAnswer commands = send(client, http::verb::get, "/commands");
  EXPECT_EQ(commands.status, 405u);
  EXPECT_EQ(commands.allow, "POST");
  const RawAnswer report = send(client, http::verb::put, "/reports/subscriptions");
  EXPECT_EQ(report.status, 405u);
  EXPECT_EQ(report.allow, "GET");
  EXPECT_EQ(send(client, http::verb::post, "/events", std::nullopt).status, 401u)
      << "a path that needs a token says nothing of its methods without one";
}

TEST(ServerConventions, AHeadAnsweredWithAnErrorHasNoBodyEither) {
  ServerFixture server;
  HttpClient client = server.client();
  const RawAnswer unauthorized = send(client, http::verb::head, "/metrics", std::nullopt);
  EXPECT_EQ(unauthorized.status, 401u);
  EXPECT_TRUE(unauthorized.body.empty());
  const RawAnswer not_allowed = send(client, http::verb::head, "/events");
  EXPECT_EQ(not_allowed.status, 405u);
  EXPECT_EQ(send(client, http::verb::get, "/health", std::nullopt).status, 200u) << "nothing stray on the connection";
}

TEST(ServerConventions, MetricsNeedATokenUnlessMadePublic) {
  ServerFixture closed;
  HttpClient closed_client = closed.client();
  EXPECT_EQ(send(closed_client, http::verb::get, "/metrics", std::nullopt).status, 401u);
  EXPECT_EQ(send(closed_client, http::verb::get, "/metrics").status, 200u);

  ServerFixture open({"--metrics-public"});
  HttpClient client = open.client();
  const RawAnswer scrape = send(client, http::verb::get, "/metrics", std::nullopt);
  EXPECT_EQ(scrape.status, 200u);
  EXPECT_NE(scrape.body.find("csp_ledger_head_position"), std::string::npos);
  EXPECT_EQ(send(client, http::verb::head, "/metrics", std::nullopt).status, 200u);
  EXPECT_EQ(send(client, http::verb::get, "/reports/subscriptions", std::nullopt).status, 401u)
      << "only the figures are public, not the ledger";
  EXPECT_EQ(send(client, http::verb::get, "/events?from=1", std::nullopt).status, 401u);
}

TEST(ServerConventions, MetricsShowTheProcessAndTheBuild) {
  ServerFixture server;
  const std::string metrics = server.client().get("/metrics").body;
  EXPECT_GT(metric_value(metrics, "process_resident_memory_bytes"), 1e6) << metrics;
  EXPECT_GT(metric_value(metrics, "process_virtual_memory_bytes"), 1e6);
  EXPECT_GE(metric_value(metrics, "process_cpu_seconds_total"), 0);
  EXPECT_GT(metric_value(metrics, "process_open_fds"), 3) << "the listener and the ledger at least";
  EXPECT_GT(metric_value(metrics, "process_max_fds"), 0);
  const double started = metric_value(metrics, "process_start_time_seconds");
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_GT(started, now - 600);
  EXPECT_LE(started, now + 1);
  const std::string backend = csp::testing::tests_run_on_postgres() ? "postgresql" : "sqlite";
  EXPECT_NE(metrics.find("csp_ledger_build_info{version=\"" CSP_LEDGER_VERSION "\",backend=\"" + backend + "\"} 1"),
            std::string::npos)
      << metrics;
}

TEST(ServerConventions, AFollowIsLoggedWhenItStartsAndWhenItEnds) {
  ServerFixture server;
  {
    HttpClient follower = server.client();
    follower.write(http::verb::get, "/events?from=1&follow=1");
    http::response_parser<http::string_body> parser;
    http::read_header(follower.stream(), follower.buffer(), parser);
    ASSERT_EQ(parser.get().result_int(), 200u);
    ASSERT_EQ(server.client().post({{"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}}).status,
              200u);
    // Hang up only once both events have arrived, so the count logged is known.
    std::string received = beast::buffers_to_string(follower.buffer().data());
    while (received.find("\"position\":2") == std::string::npos) {
      char bytes[4096];
      received.append(bytes, follower.stream().socket().read_some(net::buffer(bytes)));
    }
  }
  std::string log;
  for (int attempt = 0; attempt < 100; ++attempt) {
    log = file_text(server.log_path());
    if (log.find("event=follow_end") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(log.find("event=follow_start target=/events?from=1&follow=1 from=1"), std::string::npos) << log;
  EXPECT_NE(log.find("event=follow_end target=/events?from=1&follow=1 reason=connection_closed events_sent=2 next_from=3"),
            std::string::npos)
      << log;
}

TEST(ServerConventions, AReportSettingOutOfRangeIsNamedAsTheQueryStringSpellsIt) {
  ServerFixture server;
  HttpClient client = server.client();
  for (const auto& [target, named] : std::vector<std::pair<std::string, std::string>>{
           {"/reports/expiring-links?within_days=0", "within_days 0"},
           {"/reports/subscriptions?from=0", "from 0"},
           {"/reports/subscriptions?limit=0", "limit 0"},
           {"/reports/links?as_of=yesterday", "as_of: "},
           {"/reports/agents?customer=contoso.onmicrosoft.com", "neither customer nor as_of"}}) {
    const HttpAnswer answer = client.get(target);
    EXPECT_EQ(answer.status, 400u) << target;
    const std::string message = answer.json()["error"]["message"];
    EXPECT_NE(message.find(named), std::string::npos) << target << ": " << message;
    EXPECT_EQ(message.find("--"), std::string::npos) << "no command-line flag over HTTP: " << message;
  }
}

int ledgerd_status(const std::string& arguments, const std::string& output_path) {
  const std::string command = quoted(CSP_LEDGERD_BIN) + " " + arguments + " > " + quoted(output_path) + " 2>&1";
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

TEST(ServerConventions, AnUnknownFlagExits2NamingItAndTheNearestOne) {
  csp::testing::TempDir dir;
  const std::string output = dir.file("out.txt");
  EXPECT_EQ(ledgerd_status("--tokens t.txt --listne 127.0.0.1:0", output), 2);
  const std::string message = file_text(output);
  EXPECT_NE(message.find("--listne"), std::string::npos) << message;
  EXPECT_NE(message.find("nearest: --listen"), std::string::npos) << message;
  EXPECT_NE(message.find("csp-ledgerd --help"), std::string::npos) << message;
  EXPECT_EQ(ledgerd_status("--listen 127.0.0.1:0", output), 2) << "--tokens is required";
  EXPECT_NE(file_text(output).find("--tokens"), std::string::npos);
  EXPECT_EQ(ledgerd_status("--tokens t.txt --io-threads many", output), 2);
  EXPECT_EQ(ledgerd_status("--help", output), 0);
  EXPECT_NE(file_text(output).find("--metrics-public"), std::string::npos);
}

}  // namespace
}  // namespace csp::server::testing
