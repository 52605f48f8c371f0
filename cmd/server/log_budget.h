#pragma once
// A token bucket over log lines of one kind: a burst of lines at once, then
// a steady rate; the lines refused are counted, to be reported together in
// one line. A peer that can make the server log (a scanner speaking plain
// HTTP to the TLS port) thus cannot flood the log.

#include <chrono>
#include <cstdint>
#include <mutex>

namespace csp::server {

class LogBudget {
 public:
  using Clock = std::chrono::steady_clock;

  // Both positive: `burst_lines` may be written at once, and the budget
  // refills at `lines_per_second` up to that burst. It starts full.
  LogBudget(std::uint32_t burst_lines, std::uint32_t lines_per_second);

  // True when a line may be written at `now`; false counts it as
  // suppressed. Safe from any thread; a `now` earlier than one already
  // seen (threads racing for the lock) refills nothing.
  [[nodiscard]] bool try_spend(Clock::time_point now);

  // The lines suppressed since the last call, then zero.
  [[nodiscard]] std::uint64_t take_suppressed();

 private:
  const Clock::duration line_cost_;
  const Clock::duration credit_max_;
  std::mutex mutex_;
  Clock::duration credit_;
  Clock::time_point refilled_at_{};
  bool has_refilled_ = false;
  std::uint64_t suppressed_ = 0;
};

}  // namespace csp::server
