#pragma once
// What one mode of the campaign counted, and the line that says it.

#include <cstdint>
#include <string>
#include <vector>

namespace csp::reliability {

struct CampaignTally {
  std::string mode;
  std::int64_t kills = 0;         // SIGKILLs that hit a running process
  std::int64_t acknowledged = 0;  // commands (or whole files) acknowledged before a kill
  std::int64_t lost = 0;
  std::int64_t duplicated = 0;
  std::int64_t verify_failures = 0;
  std::int64_t half_applied = 0;
  std::int64_t other_failures = 0;  // a server that does not serve again, a refusal, ...
  std::vector<std::string> problems;  // one line each, printed after the tally
  bool is_set_up = true;

  // Notes a problem; its text goes to the report (the first 20 of each run).
  void problem(std::int64_t& counter, const std::string& what);
  bool is_clean() const;
  CampaignTally& operator+=(const CampaignTally& other);
};

// `crash campaign (MODE): kills N, acknowledged A, lost 0, duplicated 0,
// verify failures 0`, plus half-applied commands when there were any, and
// the problems below it.
void print_tally(const CampaignTally& tally);

}  // namespace csp::reliability
