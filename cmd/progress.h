#pragma once
// A progress bar for long work, on a terminal only: scripts and pipes get
// none. It redraws at most once a percent and erases itself when done.

#include <cstdint>
#include <functional>
#include <string>

namespace csp::cmd {

class TerminalProgress {
 public:
  // `is_wanted` false: silent whatever stderr is (a server's log).
  explicit TerminalProgress(std::string label, bool is_wanted = true);
  ~TerminalProgress();
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void show(std::int64_t done, std::int64_t total);
  // show() as a callback for long work (projections::Progress); valid
  // while this bar lives.
  std::function<void(std::int64_t done, std::int64_t total)> callback() {
    return [this](std::int64_t done, std::int64_t total) { show(done, total); };
  }

 private:
  std::string label_;
  bool is_terminal_;
  std::int64_t shown_percent_ = -1;
  bool has_shown_ = false;
};

}  // namespace csp::cmd
