#include "cmd/server/log_budget.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace csp::server {

// Credit is kept as time, so refilling is exact integer arithmetic: a line
// costs a second divided by the rate.
LogBudget::LogBudget(std::uint32_t burst_lines, std::uint32_t lines_per_second)
    : line_cost_(lines_per_second == 0 ? Clock::duration::zero() : Clock::duration(std::chrono::seconds(1)) / lines_per_second),
      credit_max_(line_cost_ * burst_lines),
      credit_(credit_max_) {
  if (burst_lines == 0 || lines_per_second == 0) throw std::logic_error("a log budget needs a positive burst and rate");
}

bool LogBudget::try_spend(Clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (!has_refilled_ || now > refilled_at_) {
    if (has_refilled_) credit_ = std::min(credit_max_, credit_ + (now - refilled_at_));
    refilled_at_ = now;
    has_refilled_ = true;
  }
  if (credit_ >= line_cost_) {
    credit_ -= line_cost_;
    return true;
  }
  ++suppressed_;
  return false;
}

std::uint64_t LogBudget::take_suppressed() {
  std::lock_guard lock(mutex_);
  return std::exchange(suppressed_, 0);
}

}  // namespace csp::server
