// L4 across processes: two processes append to the same stream with the
// same expected version; exactly one wins, the other gets a conflict and
// writes nothing.

#include <sys/wait.h>
#include <unistd.h>

#include "eventstore/verify.h"
#include "store_fixture.h"

namespace csp::eventstore {
namespace {

using namespace testing;

constexpr int exit_appended = 0;
constexpr int exit_conflict = 3;
constexpr int exit_failed = 1;

// In the child: waits for the parent's start signal, then appends once.
[[noreturn]] void append_in_child(const std::string& path, int start_pipe, const std::string& command_id,
                                  const std::string& stream, std::int64_t expected) {
  char go = 0;
  if (read(start_pipe, &go, 1) != 1) _exit(exit_failed);
  FakeClock clock;
  auto store = open_sqlite_store(path, SqliteOptions{clock.function()});
  if (!store) _exit(exit_failed);
  const auto outcome = (*store)->append(request(command_id, stream, expected, {event("T", command_id)}));
  if (outcome) _exit(exit_appended);
  _exit(outcome.error().kind == StoreError::Kind::conflict ? exit_conflict : exit_failed);
}

TEST(TwoProcesses, L4_ExactlyOneOfTwoRacingAppendsWins) {
  TempDir dir;
  FakeClock clock;
  const std::string path = dir.file("ledger.db");
  (void)ok_or_throw(create_sqlite_store(path, SqliteOptions{clock.function()}));
  constexpr int rounds = 10;
  for (int round = 0; round < rounds; ++round) {
    const std::string stream = "subscription-" + std::to_string(round);
    int start[2];
    ASSERT_EQ(pipe(start), 0);
    pid_t children[2];
    for (int child = 0; child < 2; ++child) {
      children[child] = fork();
      ASSERT_GE(children[child], 0);
      if (children[child] == 0) {
        close(start[1]);
        append_in_child(path, start[0], "r" + std::to_string(round) + "-p" + std::to_string(child), stream, 0);
      }
    }
    close(start[0]);
    ASSERT_EQ(write(start[1], "gg", 2), 2);  // both start together
    close(start[1]);
    int outcomes[2] = {};
    for (int child = 0; child < 2; ++child) {
      int status = 0;
      ASSERT_EQ(waitpid(children[child], &status, 0), children[child]);
      ASSERT_TRUE(WIFEXITED(status));
      outcomes[child] = WEXITSTATUS(status);
    }
    std::sort(std::begin(outcomes), std::end(outcomes));
    EXPECT_EQ(outcomes[0], exit_appended) << "round " << round;
    EXPECT_EQ(outcomes[1], exit_conflict) << "round " << round;
  }
  auto store = ok_or_throw(open_sqlite_store(path, SqliteOptions{clock.function()}));
  EXPECT_EQ(ok_or_throw(store->head()).position, rounds);
  for (int round = 0; round < rounds; ++round) {
    EXPECT_EQ(ok_or_throw(store->read_stream("subscription-" + std::to_string(round))).size(), 1u);
  }
  EXPECT_FALSE(ok_or_throw(verify_chain(*store)).first_break.has_value());
}

}  // namespace
}  // namespace csp::eventstore
