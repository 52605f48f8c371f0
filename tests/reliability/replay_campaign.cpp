// replay mode: `csp-ledger audit replay` killed at a random moment. The
// rebuild swaps the read models in one transaction, so afterwards they are
// the old ones or the new ones, and `audit verify` (the stored read models
// equal a rebuild) passes either way.

#include <chrono>
#include <filesystem>

#include "reliability/campaigns.h"
#include "reliability/child_process.h"
#include "reliability/command_file.h"
#include "reliability/ledger_log.h"

namespace csp::reliability {
namespace {

// Enough events that a rebuild takes a while to kill in the middle of.
constexpr std::int64_t ledger_commands = 12'000;
constexpr std::int64_t story_commands = 60;

int timed_ms(const std::vector<std::string>& args, const std::string& what) {
  const auto started = std::chrono::steady_clock::now();
  if (run_to_end(args) != 0) throw std::runtime_error(what + " failed");
  return static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
}

}  // namespace

CampaignTally replay_campaign(const CampaignSettings& settings) {
  CampaignTally tally;
  tally.mode = "replay";
  const std::filesystem::path dir(settings.dir);
  const std::string commands = (dir / "commands.jsonl").string();
  const std::string db = (dir / "ledger.db").string();
  const std::string scratch = (dir / "export.jsonl").string();
  const std::string output = (dir / "output.txt").string();
  (void)write_command_file(commands, ledger_commands, story_commands, campaign_admin, (*settings.random)());
  (void)timed_ms({settings.ledger_bin, "--db", db, "init", "--admin", campaign_admin}, "csp-ledger init");
  (void)timed_ms({settings.ledger_bin, "--db", db, "run", commands}, "csp-ledger run");
  const int replay_ms = timed_ms({settings.ledger_bin, "--db", db, "audit", "replay"}, "csp-ledger audit replay");
  const std::optional<LedgerLog> before = read_ledger_log(settings.ledger_bin, db, scratch);
  if (!before) throw std::runtime_error("cannot export the ledger");

  for (std::int64_t kill = 1; kill <= settings.kills; ++kill) {
    const std::string when = "kill " + std::to_string(kill);
    {
      ChildProcess replay({settings.ledger_bin, "--db", db, "audit", "replay"}, "", "");
      // A little past the rebuild's time, so some kills come after the swap.
      if (!replay.ends_within(random_delay_ms(settings, replay_ms * 11 / 10)) && replay.kill_now()) ++tally.kills;
    }
    const int status = audit_verify(settings.ledger_bin, db, output);
    if (status != 0) tally.problem(tally.verify_failures, when + ": audit verify exited " + std::to_string(status));
    const std::optional<LedgerLog> after = read_ledger_log(settings.ledger_bin, db, scratch);
    if (!after || after->events != before->events) {
      tally.problem(tally.lost, when + ": the log changed under a rebuild of the read models");
    }
  }
  tally.acknowledged = before->events;
  return tally;
}

}  // namespace csp::reliability
