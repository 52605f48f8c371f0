// A thread of the server's own copies the WAL into the database file while
// it keeps serving, so the writer's checkpoint finds little left to copy.

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

TEST(ServerCheckpoints, CommittedPagesReachTheDatabaseFileWhileServing) {
  ServerFixture server;
  const auto size_before = std::filesystem::file_size(server.db());
  {
    // Twenty requests of a hundred commands each (JSON lines).
    HttpClient client = server.client();
    for (int request = 0; request < 20; ++request) {
      std::string lines;
      for (int i = 0; i < 100; ++i) {
        const std::string agent = "agent-" + std::to_string(request * 100 + i) + "@partner.example";
        lines += nlohmann::json{{"command", "GrantRole"}, {"agent", agent}, {"role", "sales-agent"}}.dump() + "\n";
      }
      ASSERT_EQ(client.send(http::verb::post, "/commands", lines).status, 200u);
    }
  }
  // 2,000 events take several hundred KiB; until a checkpoint they are in
  // the WAL only.
  auto size = std::filesystem::file_size(server.db());
  for (int waited_ms = 0; size < size_before + 200'000 && waited_ms < 10'000; waited_ms += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    size = std::filesystem::file_size(server.db());
  }
  EXPECT_GE(size, size_before + 200'000) << "the database file did not grow: nothing was checkpointed";
}

}  // namespace
}  // namespace csp::server::testing
