#pragma once
// What a running process holds, read from /proc as an operator would
// (`grep VmRSS /proc/PID/status`, `ls /proc/PID/fd | wc -l`), sampled over
// time so that growth shows.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace csp::reliability {

struct ProcessSample {
  double seconds = 0;          // since the watch began
  std::int64_t rss_kib = -1;   // -1: the process is gone
  std::int64_t open_files = -1;
};

// One reading of `pid` now; both figures -1 when it is gone.
ProcessSample sample_process(pid_t pid);

// Samples `pid` every `interval` on a thread of its own until destroyed.
class ProcessWatch {
 public:
  ProcessWatch(pid_t pid, std::chrono::milliseconds interval);
  ~ProcessWatch();
  ProcessWatch(const ProcessWatch&) = delete;
  ProcessWatch& operator=(const ProcessWatch&) = delete;

  // The samples so far, oldest first.
  std::vector<ProcessSample> samples() const;

 private:
  pid_t pid_;
  std::chrono::milliseconds interval_;
  std::chrono::steady_clock::time_point start_;
  mutable std::mutex mutex_;
  std::vector<ProcessSample> samples_;
  std::atomic<bool> is_stopping_{false};
  std::thread thread_;
};

// The largest RSS and open-file count among `samples`.
ProcessSample peak_of(const std::vector<ProcessSample>& samples);

}  // namespace csp::reliability
