// crash-campaign: SIGKILLs csp-ledgerd, `csp-ledger run`, `audit replay`
// and `import` at seeded random moments, and checks after each kill that
// nothing acknowledged was lost or applied twice, that no command is half
// applied and that `audit verify` passes. One line per mode, then a total.
//
//   build/bin/crash-campaign [--mode server|run|replay|import|all] [--kills N] [--seed S]
//                            [--ledger-bin PATH] [--ledgerd-bin PATH] [--dir DIR]
//
// Exit status: 0 all held, 1 something was lost, duplicated, half applied
// or failed to verify, 2 the campaign could not be set up.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "reliability/campaigns.h"

namespace {

using csp::reliability::CampaignSettings;
using csp::reliability::CampaignTally;

CampaignTally run_mode(const std::string& mode, const CampaignSettings& settings) {
  CampaignSettings own = settings;
  own.dir = (std::filesystem::path(settings.dir) / mode).string();
  std::filesystem::create_directories(own.dir);
  try {
    if (mode == "server") return csp::reliability::server_campaign(own);
    if (mode == "run") return csp::reliability::run_campaign(own);
    if (mode == "replay") return csp::reliability::replay_campaign(own);
    return csp::reliability::import_campaign(own);
  } catch (const std::exception& error) {
    CampaignTally failed;
    failed.mode = mode;
    failed.is_set_up = false;
    failed.problems.push_back("set-up failed: " + std::string(error.what()));
    return failed;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"crash-campaign: SIGKILL the ledger's processes at random moments and check what survives"};
  std::string mode = "all";
  std::int64_t kills = 30;
  std::uint64_t seed = 14;
  CampaignSettings settings;
  settings.ledger_bin = CSP_LEDGER_BIN;
  settings.ledgerd_bin = CSP_LEDGERD_BIN;
  std::string dir = std::filesystem::temp_directory_path().string();
  bool keeps_files = false;
  app.add_option("--mode", mode, "which processes to kill")
      ->capture_default_str()->check(CLI::IsMember({"server", "run", "replay", "import", "all"}));
  app.add_option("--kills", kills, "kills per mode")->capture_default_str()->check(CLI::Range(1, 100'000));
  app.add_option("--seed", seed, "seeds the moments of the kills and the commands")->capture_default_str();
  app.add_option("--ledger-bin", settings.ledger_bin, "the csp-ledger to test")->capture_default_str()->check(CLI::ExistingFile);
  app.add_option("--ledgerd-bin", settings.ledgerd_bin, "the csp-ledgerd to test")->capture_default_str()->check(CLI::ExistingFile);
  app.add_option("--dir", dir, "where the scratch folder goes")->capture_default_str()->check(CLI::ExistingDirectory);
  app.add_flag("--keep-files", keeps_files, "keep the ledgers and logs for a look afterwards");
  CLI11_PARSE(app, argc, argv);

  std::printf("crash campaign: mode %s, %lld kills per mode, seed %llu\n", mode.c_str(), static_cast<long long>(kills),
              static_cast<unsigned long long>(seed));
  std::fflush(stdout);
  std::string scratch = (std::filesystem::path(dir) / "crash-campaign-XXXXXX").string();
  if (mkdtemp(scratch.data()) == nullptr) {
    std::fprintf(stderr, "crash-campaign: cannot make a scratch folder in %s\n", dir.c_str());
    return 2;
  }
  settings.dir = scratch;
  settings.kills = kills;
  std::mt19937_64 random(seed);
  settings.random = &random;

  CampaignTally total;
  total.mode = "total";
  const std::vector<std::string> modes =
      mode == "all" ? std::vector<std::string>{"server", "run", "replay", "import"} : std::vector<std::string>{mode};
  for (const std::string& one : modes) {
    CampaignTally tally = run_mode(one, settings);
    print_tally(tally);
    total += tally;
  }
  const bool is_clean = total.is_clean();
  if (modes.size() > 1) {
    total.problems.clear();  // printed with their modes already
    print_tally(total);
  }
  if (keeps_files) {
    std::printf("crash campaign: files kept in %s\n", scratch.c_str());
  } else if (total.is_set_up) {
    std::filesystem::remove_all(scratch);
  } else {
    std::printf("crash campaign: files kept in %s for the set-up failure\n", scratch.c_str());
  }
  if (!total.is_set_up) return 2;
  return is_clean ? 0 : 1;
}
