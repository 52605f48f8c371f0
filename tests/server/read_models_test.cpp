// The server keeps hot read-model rows in memory between writes; they
// reach the file once it is idle, and before it exits on SIGTERM.

#include <gtest/gtest.h>
#include <chrono>
#include <thread>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

struct Positions {
  std::int64_t head = -1;
  std::int64_t rows = -1;  // the stored read models' checkpoint
};

// Read as another process would, through the file.
Positions positions_in(const std::string& db_path) {
  return Positions{query_integer(db_path, "SELECT max(position) FROM events"),
                   query_integer(db_path, "SELECT position FROM read_model_checkpoint WHERE id = 1")};
}

void grant_many(ServerFixture& server, int count) {
  HttpClient client = server.client();
  for (int i = 0; i < count; ++i) {
    const std::string agent = "agent-" + std::to_string(i) + "@partner.example";
    ASSERT_EQ(client.post({{"command", "GrantRole"}, {"agent", agent}, {"role", "sales-agent"}}).status, 200u);
  }
}

TEST(ServerReadModels, RowsCatchUpWithTheLogOnceTheServerIsIdle) {
  ServerFixture server;
  grant_many(server, 200);
  Positions positions = positions_in(server.db());
  for (int waited_ms = 0; positions.rows != positions.head && waited_ms < 10'000; waited_ms += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    positions = positions_in(server.db());
  }
  EXPECT_GE(positions.head, 201);
  EXPECT_EQ(positions.rows, positions.head);
}

TEST(ServerReadModels, RowsAreWrittenBeforeTheServerExits) {
  ServerFixture server;
  grant_many(server, 200);
  ASSERT_EQ(server.stop(), 0);
  const Positions positions = positions_in(server.db());
  EXPECT_GE(positions.head, 201);
  EXPECT_EQ(positions.rows, positions.head);
}

}  // namespace
}  // namespace csp::server::testing
