#include "reliability/process_watch.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

namespace csp::reliability {
namespace {

// A day of samples at the shortest interval anyone would pick bounds the
// memory the watch itself takes.
constexpr std::size_t samples_max = 200'000;

std::int64_t rss_kib_of(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    // "VmRSS:     12345 kB"
    if (line.rfind("VmRSS:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

std::int64_t open_files_of(pid_t pid) {
  std::error_code error;
  std::filesystem::directory_iterator files("/proc/" + std::to_string(pid) + "/fd", error);
  if (error) return -1;
  std::int64_t count = 0;
  for (auto it = files; it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (error) return -1;
    ++count;
  }
  return count;
}

}  // namespace

ProcessSample sample_process(pid_t pid) {
  ProcessSample sample;
  sample.rss_kib = rss_kib_of(pid);
  sample.open_files = sample.rss_kib < 0 ? -1 : open_files_of(pid);
  return sample;
}

ProcessWatch::ProcessWatch(pid_t pid, std::chrono::milliseconds interval)
    : pid_(pid), interval_(interval), start_(std::chrono::steady_clock::now()) {
  thread_ = std::thread([this] {
    while (!is_stopping_.load()) {
      ProcessSample sample = sample_process(pid_);
      sample.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
      {
        std::lock_guard lock(mutex_);
        if (samples_.size() < samples_max) samples_.push_back(sample);
      }
      const auto next = std::chrono::steady_clock::now() + interval_;
      while (!is_stopping_.load() && std::chrono::steady_clock::now() < next) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  });
}

ProcessWatch::~ProcessWatch() {
  is_stopping_ = true;
  thread_.join();
}

std::vector<ProcessSample> ProcessWatch::samples() const {
  std::lock_guard lock(mutex_);
  return samples_;
}

ProcessSample peak_of(const std::vector<ProcessSample>& samples) {
  ProcessSample peak;
  for (const ProcessSample& sample : samples) {
    peak.rss_kib = std::max(peak.rss_kib, sample.rss_kib);
    peak.open_files = std::max(peak.open_files, sample.open_files);
  }
  return peak;
}

}  // namespace csp::reliability
