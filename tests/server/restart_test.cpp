// SIGTERM while commands are in flight: the server answers what it read,
// exits 0, and after a restart every acknowledged command is in the log.

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <mutex>
#include <thread>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

TEST(Restart, EveryAcknowledgedCommandSurvivesSigterm) {
  ServerFixture server;
  std::mutex mutex;
  std::map<std::string, std::int64_t> acknowledged;  // command id -> first position
  std::atomic<int> answers{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      try {
        HttpClient client = server.client();
        for (int i = 0; i < 100'000; ++i) {
          const std::string id = "restart-" + std::to_string(t) + "-" + std::to_string(i);
          const HttpAnswer answer = client.post({{"id", id}, {"command", "GrantRole"}, {"agent", id + "@partner.example"}, {"role", "sales-agent"}});
          if (answer.status != 200) return;
          std::lock_guard lock(mutex);
          acknowledged[id] = answer.json()["positions"][0].get<std::int64_t>();
          ++answers;
        }
      } catch (const std::exception&) {
        // The server closed the connection: that command was not acknowledged.
      }
    });
  }
  while (answers.load() < 300) std::this_thread::yield();
  EXPECT_EQ(server.stop(), 0);
  for (auto& thread : threads) thread.join();
  ASSERT_GE(acknowledged.size(), 300u);

  server.start();
  const auto lines = server.client().get("/events?from=1").json_lines();
  std::map<std::string, std::int64_t> logged;
  for (const auto& line : lines) {
    if (line.contains("command_id")) logged[line["command_id"].get<std::string>()] = line["position"].get<std::int64_t>();
  }
  for (const auto& [id, position] : acknowledged) {
    ASSERT_TRUE(logged.contains(id)) << id << " was acknowledged but is not in the log";
    EXPECT_EQ(logged[id], position);
  }
}

// Closing the listener used to race its own accept completion on another
// thread: the completion saw the acceptor still open, logged a failed
// accept and started a new accept on a descriptor being closed.
TEST(Restart, SigtermClosesTheListenerWithoutRacingItsAccept) {
  for (int round = 0; round < 5; ++round) {
    ServerFixture server;
    ASSERT_EQ(server.client().get("/health").status, 200u);
    ASSERT_EQ(server.stop(), 0);
    std::ifstream log(server.log_path());
    const std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text.find("accept_failed"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace csp::server::testing
