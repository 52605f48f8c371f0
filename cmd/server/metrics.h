#pragma once
// What GET /metrics shows, in the Prometheus text format: commands by type
// and outcome, their latency from request to durable answer, batch sizes,
// the time each durable commit took, the log's head, requests by status,
// connections closed or refused to protect the others, the build and the
// process's own figures.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace csp::server {

class Metrics {
 public:
  // Shown as csp_ledger_build_info's labels, so a dashboard tells nodes of
  // different versions or backends apart.
  Metrics(std::string version, std::string backend);

  struct CommandTally {
    std::string_view command;
    std::string_view outcome;  // "ok", a refusal code or "store_failure"
    double latency_seconds = 0;
  };
  // A batch's commands at once: the writer takes the lock once per batch.
  void record_commands(const std::vector<CommandTally>& commands);
  void record_batch(std::size_t commands, double commit_seconds);
  void record_request(unsigned http_status);
  void set_head_position(std::int64_t position);
  // "shed" (its place given to a newcomer), "header_timeout",
  // "idle_timeout", "body_timeout", "refused_per_address", "refused_full".
  void record_connection_closed(std::string_view reason);

  std::string prometheus_text() const;

 private:
  static constexpr std::array<double, 12> latency_bounds_seconds = {0.0005, 0.001, 0.002, 0.005, 0.01,  0.02,
                                                                    0.05,   0.1,   0.25,  0.5,   1.0,   5.0};
  static constexpr std::array<double, 11> batch_bounds = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  template <std::size_t N>
  struct Histogram {
    std::array<std::uint64_t, N + 1> counts{};  // the last: above every bound
    double sum = 0;
    std::uint64_t count = 0;
    void add(const std::array<double, N>& bounds, double value);
    void print(std::string& out, std::string_view name, const std::array<double, N>& bounds) const;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, std::uint64_t, std::less<>> commands_;
  std::map<unsigned, std::uint64_t> requests_;
  std::map<std::string, std::uint64_t, std::less<>> connections_closed_;
  Histogram<latency_bounds_seconds.size()> latency_;
  Histogram<batch_bounds.size()> batches_;
  Histogram<latency_bounds_seconds.size()> commits_;
  std::int64_t head_position_ = 0;
  const std::string version_;
  const std::string backend_;
};

}  // namespace csp::server
