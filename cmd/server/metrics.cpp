#include "cmd/server/metrics.h"

#include <cstdio>

#include "cmd/server/process_metrics.h"

namespace csp::server {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

}  // namespace

Metrics::Metrics(std::string version, std::string backend) : version_(std::move(version)), backend_(std::move(backend)) {}

template <std::size_t N>
void Metrics::Histogram<N>::add(const std::array<double, N>& bounds, double value) {
  std::size_t bucket = 0;
  while (bucket < N && value > bounds[bucket]) ++bucket;
  ++counts[bucket];
  sum += value;
  ++count;
}

template <std::size_t N>
void Metrics::Histogram<N>::print(std::string& out, std::string_view name, const std::array<double, N>& bounds) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < N; ++i) {
    cumulative += counts[i];
    out += std::string(name) + "_bucket{le=\"" + number(bounds[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  out += std::string(name) + "_bucket{le=\"+Inf\"} " + std::to_string(count) + "\n";
  out += std::string(name) + "_sum " + number(sum) + "\n";
  out += std::string(name) + "_count " + std::to_string(count) + "\n";
}

void Metrics::record_commands(const std::vector<CommandTally>& commands) {
  std::lock_guard lock(mutex_);
  for (const CommandTally& command : commands) {
    ++commands_[{std::string(command.command), std::string(command.outcome)}];
    latency_.add(latency_bounds_seconds, command.latency_seconds);
  }
}

void Metrics::record_batch(std::size_t commands, double commit_seconds) {
  std::lock_guard lock(mutex_);
  batches_.add(batch_bounds, static_cast<double>(commands));
  commits_.add(latency_bounds_seconds, commit_seconds);
}

void Metrics::record_request(unsigned http_status) {
  std::lock_guard lock(mutex_);
  ++requests_[http_status];
}

void Metrics::set_head_position(std::int64_t position) {
  std::lock_guard lock(mutex_);
  head_position_ = position;
}

void Metrics::record_connection_closed(std::string_view reason) {
  std::lock_guard lock(mutex_);
  const auto found = connections_closed_.find(reason);
  if (found != connections_closed_.end()) {
    ++found->second;
  } else {
    connections_closed_.emplace(std::string(reason), 1);
  }
}

std::string Metrics::prometheus_text() const {
  std::string out = "# HELP csp_ledger_build_info The server's version and the backend its ledger is on.\n";
  out += "# TYPE csp_ledger_build_info gauge\n";
  out += "csp_ledger_build_info{version=\"" + version_ + "\",backend=\"" + backend_ + "\"} 1\n";
  std::unique_lock lock(mutex_);
  out += "# HELP csp_ledger_commands_total Commands answered, by command and outcome (ok or the refusal code).\n";
  out += "# TYPE csp_ledger_commands_total counter\n";
  for (const auto& [key, count] : commands_) {
    out += "csp_ledger_commands_total{command=\"" + key.first + "\",outcome=\"" + key.second + "\"} " +
           std::to_string(count) + "\n";
  }
  out += "# HELP csp_ledger_command_latency_seconds From the request's arrival to its durable answer.\n";
  out += "# TYPE csp_ledger_command_latency_seconds histogram\n";
  latency_.print(out, "csp_ledger_command_latency_seconds", latency_bounds_seconds);
  out += "# HELP csp_ledger_batch_commands Commands per store transaction (group commit).\n";
  out += "# TYPE csp_ledger_batch_commands histogram\n";
  batches_.print(out, "csp_ledger_batch_commands", batch_bounds);
  out += "# HELP csp_ledger_commit_seconds Time of each store commit (durable: synchronous=FULL).\n";
  out += "# TYPE csp_ledger_commit_seconds histogram\n";
  commits_.print(out, "csp_ledger_commit_seconds", latency_bounds_seconds);
  out += "# HELP csp_ledger_head_position Position of the last event in the log.\n";
  out += "# TYPE csp_ledger_head_position gauge\n";
  out += "csp_ledger_head_position " + std::to_string(head_position_) + "\n";
  out += "# HELP csp_ledger_http_requests_total HTTP requests answered, by status.\n";
  out += "# TYPE csp_ledger_http_requests_total counter\n";
  for (const auto& [status, count] : requests_) {
    out += "csp_ledger_http_requests_total{status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP csp_ledger_connections_closed_total Connections the server closed or refused to keep its places for others, by reason.\n";
  out += "# TYPE csp_ledger_connections_closed_total counter\n";
  for (const auto& [reason, count] : connections_closed_) {
    out += "csp_ledger_connections_closed_total{reason=\"" + reason + "\"} " + std::to_string(count) + "\n";
  }
  lock.unlock();
  return out + process_metrics_text();
}

}  // namespace csp::server
