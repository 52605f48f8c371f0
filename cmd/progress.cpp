#include "cmd/progress.h"

#include <unistd.h>

#include <iostream>

namespace csp::cmd {

namespace {
constexpr int bar_width = 30;
}

TerminalProgress::TerminalProgress(std::string label, bool is_wanted)
    : label_(std::move(label)), is_terminal_(is_wanted && isatty(STDERR_FILENO) == 1) {}

TerminalProgress::~TerminalProgress() {
  if (has_shown_) std::cerr << "\r" << std::string(label_.size() + bar_width + 40, ' ') << "\r" << std::flush;
}

void TerminalProgress::show(std::int64_t done, std::int64_t total) {
  if (!is_terminal_ || total <= 0) return;
  const std::int64_t percent = done * 100 / total;
  if (percent == shown_percent_) return;
  shown_percent_ = percent;
  has_shown_ = true;
  const auto filled = static_cast<std::size_t>(percent * bar_width / 100);
  std::cerr << "\r" << label_ << " [" << std::string(filled, '#') << std::string(bar_width - filled, '.') << "] "
            << percent << "% " << done << "/" << total << " events" << std::flush;
}

}  // namespace csp::cmd
