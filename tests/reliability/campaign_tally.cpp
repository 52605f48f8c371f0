#include "reliability/campaign_tally.h"

#include <cstdio>

namespace csp::reliability {
namespace {

constexpr std::size_t problems_printed_max = 20;

}  // namespace

void CampaignTally::problem(std::int64_t& counter, const std::string& what) {
  ++counter;
  problems.push_back(what);
}

bool CampaignTally::is_clean() const {
  return is_set_up && lost == 0 && duplicated == 0 && verify_failures == 0 && half_applied == 0 && other_failures == 0 && problems.empty();
}

CampaignTally& CampaignTally::operator+=(const CampaignTally& other) {
  kills += other.kills;
  acknowledged += other.acknowledged;
  lost += other.lost;
  duplicated += other.duplicated;
  verify_failures += other.verify_failures;
  half_applied += other.half_applied;
  other_failures += other.other_failures;
  problems.insert(problems.end(), other.problems.begin(), other.problems.end());
  is_set_up = is_set_up && other.is_set_up;
  return *this;
}

void print_tally(const CampaignTally& tally) {
  std::printf("crash campaign (%s): kills %lld, acknowledged %lld, lost %lld, duplicated %lld, verify failures %lld",
              tally.mode.c_str(), static_cast<long long>(tally.kills), static_cast<long long>(tally.acknowledged),
              static_cast<long long>(tally.lost), static_cast<long long>(tally.duplicated),
              static_cast<long long>(tally.verify_failures));
  if (tally.half_applied != 0) std::printf(", half applied %lld", static_cast<long long>(tally.half_applied));
  if (tally.other_failures != 0) std::printf(", other failures %lld", static_cast<long long>(tally.other_failures));
  std::printf("\n");
  for (std::size_t i = 0; i < tally.problems.size() && i < problems_printed_max; ++i) {
    std::printf("  %s\n", tally.problems[i].c_str());
  }
  if (tally.problems.size() > problems_printed_max) {
    std::printf("  ... and %zu more\n", tally.problems.size() - problems_printed_max);
  }
  std::fflush(stdout);
}

}  // namespace csp::reliability
