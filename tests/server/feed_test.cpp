// GET /events?follow=1: a live feed that sees every event, in order, while
// commands are posted from several connections.

#include <gtest/gtest.h>

#include <thread>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

// Reads the chunked feed until it holds `events` lines.
std::vector<nlohmann::json> read_feed(HttpClient& follower, http::response_parser<http::string_body>& parser, std::size_t events) {
  std::vector<nlohmann::json> lines;
  std::size_t consumed = 0;
  while (lines.size() < events) {
    http::read_some(follower.stream(), follower.buffer(), parser);
    std::string& body = parser.get().body();
    for (std::size_t end = body.find('\n', consumed); end != std::string::npos; end = body.find('\n', consumed)) {
      lines.push_back(nlohmann::json::parse(body.substr(consumed, end - consumed)));
      consumed = end + 1;
    }
  }
  return lines;
}

TEST(Feed, FollowSeesEveryEventInOrderWhileCommandsArePosted) {
  ServerFixture server;
  HttpClient follower = server.client();
  follower.write(http::verb::get, "/events?from=1&follow=1");
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  http::read_header(follower.stream(), follower.buffer(), parser);
  ASSERT_EQ(parser.get().result_int(), 200u);
  ASSERT_TRUE(parser.get().chunked());

  constexpr int writers = 4;
  constexpr int commands_each = 50;
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&server, w] {
      HttpClient client = server.client();
      for (int i = 0; i < commands_each; ++i) {
        const std::string id = "feed-" + std::to_string(w) + "-" + std::to_string(i);
        const HttpAnswer answer = client.post({{"id", id}, {"command", "GrantRole"}, {"agent", id + "@partner.example"}, {"role", "sales-agent"}});
        ASSERT_EQ(answer.status, 200u) << answer.body;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto lines = read_feed(follower, parser, 1 + writers * commands_each);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i]["position"], static_cast<std::int64_t>(i + 1)) << "none skipped, none repeated";
    ids.insert(lines[i]["command_id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), lines.size());
}

TEST(Feed, FromPositionWithoutFollowEndsWithTheExportLine) {
  ServerFixture server;
  server.add_link();
  const auto lines = server.client().get("/events?from=3").json_lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["position"], 3);
  EXPECT_EQ(lines[3]["end_of_export"]["events"], 3);
  EXPECT_EQ(server.client().get("/events?from=0").status, 400u);
  EXPECT_EQ(server.client().get("/events?follow=yes").status, 400u);
}

}  // namespace
}  // namespace csp::server::testing
