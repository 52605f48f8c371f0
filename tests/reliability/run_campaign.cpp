// run mode: `csp-ledger run FILE` killed at a random moment. The log must
// then hold a prefix of the file's commands, each once and whole, and
// verify; running the file again completes it without doubling anything.

#include <chrono>
#include <filesystem>
#include <fstream>

#include "reliability/campaigns.h"
#include "reliability/child_process.h"
#include "reliability/command_file.h"
#include "reliability/ledger_log.h"

namespace csp::reliability {
namespace {

constexpr std::int64_t file_commands = 6000;
constexpr std::int64_t story_commands = 60;

struct RunFiles {
  std::string commands;
  std::string reference;  // the same file run uninterrupted
  std::string scratch;
  std::string output;
  std::string results;  // what the killed run printed: its acknowledgements
};

// run prints a line's result only once it is durable.
std::int64_t acknowledged_lines(const std::string& results) {
  std::ifstream input(results);
  std::int64_t lines = 0;
  std::string text;
  while (std::getline(input, text)) lines += text.find("\"ok\":true") != std::string::npos ? 1 : 0;
  return lines;
}

std::string ledger_path(const CampaignSettings& settings, std::int64_t kill) {
  return (std::filesystem::path(settings.dir) / ("ledger-" + std::to_string(kill) + ".db")).string();
}

void remove_ledger(const std::string& db) {
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}

// Each command's event types as the uninterrupted run wrote them: what
// every command of a killed run must have, no more and no less.
bool has_reference_events(const LedgerLog& log, const LedgerLog& reference, const std::string& id) {
  const auto found = log.events_by_command.find(id);
  const auto expected = reference.events_by_command.find(id);
  if (found == log.events_by_command.end() || expected == reference.events_by_command.end()) return false;
  if (found->second.size() != expected->second.size()) return false;
  for (std::size_t i = 0; i < found->second.size(); ++i) {
    if (found->second[i].type != expected->second[i].type) return false;
  }
  return true;
}

// Counts what a log of the file's commands got wrong; `prefix` is how many
// of them it must hold at least (all of them after a completing re-run).
void check_log(const LedgerLog& log, const LedgerLog& reference, const std::vector<std::string>& ids, bool is_complete,
               const std::string& when, CampaignTally& tally) {
  std::size_t held = 0;
  for (const std::string& id : log.commands_in_order) {
    if (id.rfind("file-", 0) != 0) continue;  // init's command
    if (held >= ids.size() || id != ids[held]) {
      tally.problem(tally.duplicated, when + ": the log's command " + std::to_string(held + 1) + " is " + id +
                                          ", not the file's " + (held < ids.size() ? ids[held] : "end"));
      return;
    }
    if (!is_contiguous(log.events_by_command.at(id))) tally.problem(tally.duplicated, when + ": " + id + " applied twice");
    if (!has_reference_events(log, reference, id)) tally.problem(tally.half_applied, when + ": " + id + " half applied");
    ++held;
  }
  if (is_complete && held != ids.size()) {
    tally.problem(tally.lost, when + ": the log holds " + std::to_string(held) + " of the file's " +
                                  std::to_string(ids.size()) + " commands");
  }
}

void check_verifies(const CampaignSettings& settings, const std::string& db, const RunFiles& files, const std::string& when,
                    CampaignTally& tally) {
  const int status = audit_verify(settings.ledger_bin, db, files.output);
  if (status != 0) tally.problem(tally.verify_failures, when + ": audit verify exited " + std::to_string(status));
}

}  // namespace

CampaignTally run_campaign(const CampaignSettings& settings) {
  CampaignTally tally;
  tally.mode = "run";
  const std::filesystem::path dir(settings.dir);
  const RunFiles files{(dir / "commands.jsonl").string(), (dir / "reference.db").string(), (dir / "export.jsonl").string(),
                       (dir / "output.txt").string(), (dir / "results.jsonl").string()};
  const std::vector<std::string> ids =
      write_command_file(files.commands, file_commands, story_commands, campaign_admin, (*settings.random)());
  if (run_to_end({settings.ledger_bin, "--db", files.reference, "init", "--admin", campaign_admin}) != 0) {
    throw std::runtime_error("csp-ledger init failed");
  }
  const auto started = std::chrono::steady_clock::now();
  if (run_to_end({settings.ledger_bin, "--db", files.reference, "run", files.commands}) != 0) {
    throw std::runtime_error("csp-ledger run of " + files.commands + " failed on a fresh ledger");
  }
  const int run_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  const std::optional<LedgerLog> reference = read_ledger_log(settings.ledger_bin, files.reference, files.scratch);
  if (!reference) throw std::runtime_error("cannot export the reference ledger");

  for (std::int64_t kill = 1; kill <= settings.kills; ++kill) {
    const std::string db = ledger_path(settings, kill);
    const std::string when = "kill " + std::to_string(kill);
    if (run_to_end({settings.ledger_bin, "--db", db, "init", "--admin", campaign_admin}) != 0) {
      throw std::runtime_error("csp-ledger init failed");
    }
    // A kill before the child opens it would leave the last kill's lines.
    std::filesystem::remove(files.results);
    {
      ChildProcess run({settings.ledger_bin, "--db", db, "run", files.commands}, files.results, "");
      if (!run.ends_within(random_delay_ms(settings, run_ms)) && run.kill_now()) ++tally.kills;
    }
    const std::optional<LedgerLog> killed = read_ledger_log(settings.ledger_bin, db, files.scratch);
    if (!killed) {
      tally.problem(tally.verify_failures, when + ": the killed run's ledger does not export");
      continue;
    }
    check_log(*killed, *reference, ids, false, when, tally);
    check_verifies(settings, db, files, when, tally);
    const std::int64_t acknowledged = acknowledged_lines(files.results);
    tally.acknowledged += acknowledged;
    const auto held = static_cast<std::int64_t>(killed->commands_in_order.size()) - 1;  // less init's
    if (held < acknowledged) {
      tally.lost += acknowledged - held;
      tally.problems.push_back(when + ": run acknowledged " + std::to_string(acknowledged) + " lines, the log holds " +
                               std::to_string(held));
    }
    const int rerun = run_to_end({settings.ledger_bin, "--db", db, "run", files.commands});
    if (rerun != 0) tally.problem(tally.other_failures, when + ": the re-run exited " + std::to_string(rerun));
    const std::optional<LedgerLog> completed = read_ledger_log(settings.ledger_bin, db, files.scratch);
    if (!completed) {
      tally.problem(tally.verify_failures, when + ": the re-run's ledger does not export");
      continue;
    }
    check_log(*completed, *reference, ids, true, when + " then re-run", tally);
    check_verifies(settings, db, files, when + " then re-run", tally);
    remove_ledger(db);
  }
  return tally;
}

}  // namespace csp::reliability
