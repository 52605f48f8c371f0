// The writer never checkpoints inside a commit; a thread of its own copies
// the WAL into the database file while the server keeps serving.

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
    HttpClient client = server.client();
    for (int i = 0; i < 2000; ++i) {
      const std::string agent = "agent-" + std::to_string(i) + "@partner.example";
      ASSERT_EQ(client.post({{"command", "GrantRole"}, {"agent", agent}, {"role", "sales-agent"}}).status, 200u);
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
