// The server keeps hot read-model rows in memory between writes; they
// reach the file once it is idle, and before it exits on SIGTERM.

#include <gtest/gtest.h>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

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
  const StoredPositions positions = wait_for_stored_read_models(server.db());
  EXPECT_GE(positions.head, 201);
  EXPECT_EQ(positions.rows, positions.head);
}

TEST(ServerReadModels, RowsAreWrittenBeforeTheServerExits) {
  ServerFixture server;
  grant_many(server, 200);
  ASSERT_EQ(server.stop(), 0);
  const StoredPositions positions = stored_positions(server.db());
  EXPECT_GE(positions.head, 201);
  EXPECT_EQ(positions.rows, positions.head);
}

}  // namespace
}  // namespace csp::server::testing
