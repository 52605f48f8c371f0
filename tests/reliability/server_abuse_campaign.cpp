// server-abuse: a real csp-ledgerd on a fresh ledger, attacked while a
// well-behaved client sends commands and reads at a steady pace: slow
// clients holding half headers open, thousands of idle connections,
// chunked bodies that lie about their size or never end, headers and
// bodies over the limits, and followers of /events that never read. It
// prints the good client's latency under the abuse beside a baseline of
// the same run, and the server's RSS and open files over time; with
// --soak-seconds, a steady load after the abuse and the figures at its
// start, middle and end.
//
//   build/bin/server-abuse [--baseline-seconds N] [--abuse-seconds N] [--soak-seconds N]
//                          [--idle-connections N] [--slow-connections N] [--followers N] [--good-interval-ms N]
//                          [--prefill-commands N] [--header-timeout-seconds N] [--idle-timeout-seconds N]
//                          [--cached-entries-max N]
//                          [--seed S] [--ledger-bin PATH] [--ledgerd-bin PATH] [--dir DIR] [--keep-files]
//
// Exit status: 0 every bound held, 1 the server crashed, left a good
// request unanswered, let an attack through or grew past a bound, 2 the
// campaign could not be set up.

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>

#include "reliability/abuse_campaign.h"

int main(int argc, char** argv) {
  CLI::App app{"server-abuse: attack a real csp-ledgerd while a good client is served, and measure what it costs"};
  csp::reliability::AbuseSettings settings;
  settings.ledger_bin = CSP_LEDGER_BIN;
  settings.ledgerd_bin = CSP_LEDGERD_BIN;
  std::string dir = std::filesystem::temp_directory_path().string();
  bool keeps_files = false;
  app.add_option("--baseline-seconds", settings.baseline_seconds, "the good client alone first")->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("--abuse-seconds", settings.abuse_seconds, "the good client under every attack at once")
      ->capture_default_str()->check(CLI::Range(1, 86'400));
  app.add_option("--soak-seconds", settings.soak_seconds, "steady load after the abuse (600 for the 10-minute soak; 0: none)")
      ->capture_default_str()->check(CLI::Range(0, 86'400));
  app.add_option("--idle-connections", settings.idle_connections, "connections that send nothing, 100 per client address")
      ->capture_default_str()->check(CLI::Range(0, 10'000));
  app.add_option("--slow-connections", settings.slow_connections, "connections that send a header a byte at a time")
      ->capture_default_str()->check(CLI::Range(0, 1'000));
  app.add_option("--followers", settings.followers, "followers of /events that never read, at a time")->capture_default_str()->check(CLI::Range(0, 100));
  app.add_option("--good-interval-ms", settings.good_interval_ms, "between the good client's requests, in every phase")
      ->capture_default_str()->check(CLI::Range(1, 10'000));
  app.add_option("--prefill-commands", settings.prefill_commands, "commands in the ledger before the server starts, so that a follower has more to read than a socket holds")
      ->capture_default_str()->check(CLI::Range(0, 10'000'000));
  app.add_option("--header-timeout-seconds", settings.header_timeout_seconds, "csp-ledgerd's, shortened so the attacks turn over")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("--idle-timeout-seconds", settings.idle_timeout_seconds, "csp-ledgerd's, shortened likewise; also the good client's wait for an answer")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("--cached-entries-max", settings.cached_entries_max, "csp-ledgerd's (0: its default)")
      ->capture_default_str()->check(CLI::Range(std::int64_t{0}, std::int64_t{100'000'000}));
  app.add_option("--seed", settings.seed, "seeds the commands")->capture_default_str();
  app.add_option("--ledger-bin", settings.ledger_bin, "the csp-ledger to use")->capture_default_str()->check(CLI::ExistingFile);
  app.add_option("--ledgerd-bin", settings.ledgerd_bin, "the csp-ledgerd to test")->capture_default_str()->check(CLI::ExistingFile);
  app.add_option("--dir", dir, "where the scratch folder goes")->capture_default_str()->check(CLI::ExistingDirectory);
  app.add_flag("--keep-files", keeps_files, "keep the ledger and the server's log for a look afterwards");
  CLI11_PARSE(app, argc, argv);

  std::string scratch = (std::filesystem::path(dir) / "server-abuse-XXXXXX").string();
  if (mkdtemp(scratch.data()) == nullptr) {
    std::fprintf(stderr, "server-abuse: cannot make a scratch folder in %s\n", dir.c_str());
    return 2;
  }
  settings.dir = scratch;
  std::printf("server abuse campaign: %d s baseline, %d s abuse (%d idle, %d slow connections, %d stuck followers), "
              "%d s soak, seed %llu\n",
              settings.baseline_seconds, settings.abuse_seconds, settings.idle_connections, settings.slow_connections,
              settings.followers, settings.soak_seconds, static_cast<unsigned long long>(settings.seed));
  std::fflush(stdout);
  int status = 2;
  try {
    status = csp::reliability::run_abuse_campaign(settings) ? 0 : 1;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "server-abuse: set-up failed: %s\n", error.what());
  }
  // A failure's evidence, the server's log first, stays for a look.
  if (keeps_files || status != 0) {
    std::printf("server abuse campaign: files kept in %s\n", scratch.c_str());
  } else {
    std::filesystem::remove_all(scratch);
  }
  return status;
}
