// Many clients on one subscription at once: the group-commit writer must
// decide each download on the state the previous one left (no lost update).

#include <gtest/gtest.h>

#include <memory>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

TEST(Concurrency, R5_SixtyConcurrentDownloadsFiftySucceedTenReachTheLimit) {
  ServerFixture server;
  server.add_link();
  std::vector<std::unique_ptr<HttpClient>> clients;
  for (int i = 0; i < 60; ++i) clients.push_back(std::make_unique<HttpClient>(server.port()));
  const std::string body = nlohmann::json{{"command", "RecordDownload"}, {"link", link}}.dump();
  for (auto& client : clients) client->write(http::verb::post, "/commands", body);
  int succeeded = 0;
  int refused = 0;
  std::vector<int> downloads_used;
  for (auto& client : clients) {
    const HttpAnswer answer = client->read();
    if (answer.status == 200) {
      ++succeeded;
      downloads_used.push_back(answer.json()["result"]["downloads_used"].get<int>());
    } else if (answer.status == 422 && answer.json()["error"]["code"] == "download_limit_reached") {
      ++refused;
    }
  }
  EXPECT_EQ(succeeded, 50);
  EXPECT_EQ(refused, 10);
  std::sort(downloads_used.begin(), downloads_used.end());
  for (int i = 0; i < static_cast<int>(downloads_used.size()); ++i) EXPECT_EQ(downloads_used[static_cast<std::size_t>(i)], i + 1);
  const HttpAnswer report = server.client().get("/reports/links");
  ASSERT_EQ(report.status, 200u);
  EXPECT_EQ(report.json()[0]["downloads_used"], 50);
  EXPECT_EQ(report.json()[0]["status"], "exhausted");
}

}  // namespace
}  // namespace csp::server::testing
