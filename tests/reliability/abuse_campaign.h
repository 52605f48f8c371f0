#pragma once
// The phases of the server-abuse campaign: a fresh ledger and server, the
// good client alone, then under every attack at once, then an optional
// soak of steady load; the server watched throughout.

#include <cstdint>
#include <string>

namespace csp::reliability {

struct AbuseSettings {
  std::string ledger_bin;
  std::string ledgerd_bin;
  std::string dir;  // scratch files
  int baseline_seconds = 4;
  int abuse_seconds = 14;
  int soak_seconds = 0;
  int idle_connections = 2000;
  int slow_connections = 100;
  int followers = 4;
  int good_interval_ms = 20;  // between the good client's requests
  std::int64_t prefill_commands = 20'000;
  int header_timeout_seconds = 2;
  int idle_timeout_seconds = 5;
  // csp-ledgerd's --cached-entries-max; 0 leaves its default.
  std::int64_t cached_entries_max = 0;
  std::uint64_t seed = 14;
};

// Prints the figures; true when every bound held. Throws
// std::runtime_error when the ledger or the server cannot be set up.
bool run_abuse_campaign(const AbuseSettings& settings);

}  // namespace csp::reliability
