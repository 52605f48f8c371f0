// import mode: `csp-ledger import EXPORT` into a new file killed at a
// random moment. The target must then be absent or a whole ledger that
// verifies and exports byte for byte as the source did; and whatever the
// kill left must not stop the next import into the same path.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "reliability/campaigns.h"
#include "reliability/child_process.h"
#include "reliability/command_file.h"
#include "reliability/ledger_log.h"

namespace csp::reliability {
namespace {

constexpr std::int64_t ledger_commands = 8'000;
constexpr std::int64_t story_commands = 60;

std::string file_text(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(input), std::istreambuf_iterator<char>());
}

void make_source(const CampaignSettings& settings, const std::string& db, const std::string& source_export) {
  const std::string commands = (std::filesystem::path(settings.dir) / "commands.jsonl").string();
  (void)write_command_file(commands, ledger_commands, story_commands, campaign_admin, (*settings.random)());
  if (run_to_end({settings.ledger_bin, "--db", db, "init", "--admin", campaign_admin}) != 0 ||
      run_to_end({settings.ledger_bin, "--db", db, "run", commands}) != 0 ||
      run_to_end({settings.ledger_bin, "--db", db, "export"}, source_export) != 0) {
    throw std::runtime_error("cannot make the ledger to export");
  }
}

// A whole ledger: it verifies and holds exactly the source's log.
bool is_whole_copy(const CampaignSettings& settings, const std::string& target, const std::string& source_text,
                   const std::string& when, CampaignTally& tally) {
  const std::filesystem::path dir(settings.dir);
  const int status = audit_verify(settings.ledger_bin, target, (dir / "output.txt").string());
  if (status != 0) {
    tally.problem(tally.verify_failures, when + ": " + target + " exists but audit verify exited " + std::to_string(status));
    return false;
  }
  const std::string copy_export = (dir / "copy.jsonl").string();
  if (run_to_end({settings.ledger_bin, "--db", target, "export"}, copy_export) != 0 || file_text(copy_export) != source_text) {
    tally.problem(tally.lost, when + ": " + target + " verifies but does not hold the whole export");
    return false;
  }
  return true;
}

void remove_everything_named(const std::filesystem::path& dir, const std::string& stem) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind(stem, 0) == 0) std::filesystem::remove(entry.path());
  }
}

}  // namespace

CampaignTally import_campaign(const CampaignSettings& settings) {
  CampaignTally tally;
  tally.mode = "import";
  const std::filesystem::path dir(settings.dir);
  const std::string source_export = (dir / "source.jsonl").string();
  make_source(settings, (dir / "source.db").string(), source_export);
  const std::string source_text = file_text(source_export);
  const std::filesystem::path targets = dir / "targets";
  std::filesystem::create_directories(targets);
  const std::string target = (targets / "copy.db").string();
  const auto started = std::chrono::steady_clock::now();
  if (run_to_end({settings.ledger_bin, "--db", target, "import", source_export}) != 0) {
    throw std::runtime_error("csp-ledger import of a fresh export failed");
  }
  const int import_ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count());
  remove_everything_named(targets, "copy.db");

  for (std::int64_t kill = 1; kill <= settings.kills; ++kill) {
    const std::string when = "kill " + std::to_string(kill);
    bool was_killed = false;
    {
      ChildProcess import({settings.ledger_bin, "--db", target, "import", source_export}, "", "");
      was_killed = !import.ends_within(random_delay_ms(settings, import_ms * 11 / 10)) && import.kill_now();
      if (was_killed) ++tally.kills;
    }
    if (std::filesystem::exists(target)) {
      if (is_whole_copy(settings, target, source_text, when, tally)) ++tally.acknowledged;
    } else if (!was_killed) {
      tally.problem(tally.lost, when + ": import exited on its own but left no " + target);
    } else {
      // What a killed import left beside the target must not block the
      // next one, nor end up in the ledger it makes.
      const int status = run_to_end({settings.ledger_bin, "--db", target, "import", source_export});
      if (status != 0) {
        tally.problem(tally.other_failures, when + ": the import after the kill exited " + std::to_string(status));
      } else if (is_whole_copy(settings, target, source_text, when + " then import again", tally)) {
        ++tally.acknowledged;
      }
    }
    remove_everything_named(targets, "copy.db");
  }
  return tally;
}

}  // namespace csp::reliability
