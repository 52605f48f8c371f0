// An import killed half way must leave no half-built ledger at its path,
// and what it left beside the path must not stop the next import.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli_harness.h"

namespace csp::cmd {
namespace {

using testing::Workspace;

bool has_staging_file(const Workspace& workspace, const std::string& target) {
  for (const auto& entry : std::filesystem::directory_iterator(workspace.path("."))) {
    if (entry.path().filename().string().rfind(target + ".building-", 0) == 0) return true;
  }
  return false;
}

// `csp-ledger --db TARGET import -`, its stdin a pipe the test writes.
struct ImportChild {
  pid_t pid = -1;
  int input = -1;
};

ImportChild start_import(const Workspace& workspace, const std::string& target) {
  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) throw std::runtime_error("pipe failed");
  const std::string db = workspace.path(target).string();
  ImportChild child;
  child.pid = fork();
  if (child.pid == 0) {
    dup2(pipe_ends[0], STDIN_FILENO);
    close(pipe_ends[1]);
    execl(CSP_LEDGER_BIN, CSP_LEDGER_BIN, "--db", db.c_str(), "import", "-", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(pipe_ends[0]);
  child.input = pipe_ends[1];
  return child;
}

class ImportKilled : public ::testing::Test {
 protected:
  Workspace workspace;
  std::string exported;

  void SetUp() override {
    if (csp::testing::tests_run_on_postgres()) GTEST_SKIP() << "a PostgreSQL import is one transaction, with no file";
    ASSERT_EQ(workspace.run({"--db", "a.db", "init", "--admin", "alice@partner.example", "--at", "2026-01-05T09:00:00Z"}).status, 0);
    // The demo refuses a few of its lines on purpose (exit 3).
    (void)workspace.run({"--db", "a.db", "run", std::string(CSP_SOURCE_DIR) + "/demo/scenario.jsonl"});
    exported = workspace.run({"--db", "a.db", "export"}).out;
    workspace.write("in.jsonl", exported);
  }
};

TEST_F(ImportKilled, AnImportKilledHalfWayLeavesNoLedgerAtItsPath) {
  ImportChild child = start_import(workspace, "b.db");
  const std::string half = exported.substr(0, exported.find('\n', exported.size() / 2) + 1);
  ASSERT_EQ(write(child.input, half.data(), half.size()), static_cast<ssize_t>(half.size()));
  // The import is under way once its temporary file is there.
  for (int waited_ms = 0; !has_staging_file(workspace, "b.db") && waited_ms < 10'000; waited_ms += 10) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(has_staging_file(workspace, "b.db")) << "the import builds under a temporary name";
  EXPECT_FALSE(std::filesystem::exists(workspace.path("b.db")));
  kill(child.pid, SIGKILL);
  waitpid(child.pid, nullptr, 0);
  close(child.input);
  EXPECT_FALSE(std::filesystem::exists(workspace.path("b.db")));

  const auto imported = workspace.run({"--db", "b.db", "import", "in.jsonl"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_FALSE(has_staging_file(workspace, "b.db")) << "the killed import's temporary is removed";
  EXPECT_EQ(workspace.run({"--db", "b.db", "audit", "verify"}).status, 0);
  EXPECT_EQ(workspace.run({"--db", "b.db", "export"}).out, exported);
}

TEST_F(ImportKilled, AnotherLiveImportsTemporaryIsLeftAlone) {
  // This process is alive: its "temporary" belongs to a running import.
  const std::string live = "b.db.building-" + std::to_string(getpid());
  workspace.write(live, "an import under way");
  ASSERT_EQ(workspace.run({"--db", "b.db", "import", "in.jsonl"}).status, 0);
  EXPECT_TRUE(std::filesystem::exists(workspace.path(live)));
}

TEST_F(ImportKilled, AnEndedImportsLeftoverTemporaryDoesNotBlockTheNext) {
  // A process that has ended stands for the killed import.
  const pid_t ended = fork();
  if (ended == 0) _exit(0);
  waitpid(ended, nullptr, 0);
  const std::string leftover = "b.db.building-" + std::to_string(ended);
  workspace.write(leftover, "half an import");
  workspace.write(leftover + "-wal", "");
  const auto imported = workspace.run({"--db", "b.db", "import", "in.jsonl"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_FALSE(has_staging_file(workspace, "b.db"));
  EXPECT_EQ(workspace.run({"--db", "b.db", "export"}).out, exported);
}

}  // namespace
}  // namespace csp::cmd
