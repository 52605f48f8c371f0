#pragma once
// The campaign's modes: each SIGKILLs one kind of process `kills` times at
// seeded random moments and checks what the ledger holds afterwards.

#include <cstdint>
#include <random>
#include <string>

#include "reliability/campaign_tally.h"

namespace csp::reliability {

inline const std::string campaign_admin = "alice@partner.example";

struct CampaignSettings {
  std::int64_t kills = 30;
  std::string ledger_bin;
  std::string ledgerd_bin;
  std::string dir;  // scratch files; one folder per mode below it
  std::mt19937_64* random = nullptr;
};

// csp-ledgerd under several clients, killed; every acknowledged command
// stays, once, whole.
CampaignTally server_campaign(const CampaignSettings& settings);
// `csp-ledger run FILE` killed; the log holds a prefix, a re-run the rest.
CampaignTally run_campaign(const CampaignSettings& settings);
// `csp-ledger audit replay` killed; the read models still verify.
CampaignTally replay_campaign(const CampaignSettings& settings);
// `csp-ledger import` into a new file killed; no half-built ledger.
CampaignTally import_campaign(const CampaignSettings& settings);

// A moment drawn from [0, `range_ms`], in milliseconds.
inline int random_delay_ms(const CampaignSettings& settings, int range_ms) {
  return std::uniform_int_distribution<int>(0, range_ms)(*settings.random);
}

}  // namespace csp::reliability
