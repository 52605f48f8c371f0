#pragma once
// What every connection shares: the tokens, the writer, the readers, the
// commit feed, the metrics, the connection table, the last audit, the
// limits and the budget of handshake failure lines.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "cmd/server/audit_endpoint.h"
#include "cmd/server/commit_feed.h"
#include "cmd/server/connection_table.h"
#include "cmd/server/group_commit.h"
#include "cmd/server/log_budget.h"
#include "cmd/server/metrics.h"
#include "cmd/server/reader_pool.h"
#include "cmd/server/tokens.h"

namespace csp::server {

struct ServerLimits {
  std::uint64_t body_bytes_max = 1 << 20;
  std::uint32_t header_bytes_max = 8 << 10;
  std::chrono::seconds idle_timeout{30};
  // From a connection's start, or from a request's first byte, to the end
  // of that request's header: a client sending nothing, or a byte at a
  // time, holds its place no longer than this.
  std::chrono::seconds header_timeout{5};
  std::size_t connections_max = 1024;
  // Twice the 64 connections of bench-load, all from 127.0.0.1: loopback
  // is no exception, so a proxy on the same machine needs a higher value.
  std::size_t connections_per_address_max = 128;
  // Requests one connection may have read before their answers are
  // written (HTTP/1.1 pipelining); answers still go out in order.
  std::size_t pipelined_requests_max = 16;
  std::size_t io_threads = 2;
  std::size_t reader_threads = 2;
  GroupCommitLimits group_commit;
};

inline constexpr std::uint32_t handshake_failure_log_burst = 5;
inline constexpr std::uint32_t handshake_failure_log_per_second = 5;

struct ServerContext {
  const Tokens& tokens;
  GroupCommitWriter& writer;
  ReaderPool& readers;
  CommitFeed& feed;
  Metrics& metrics;
  ServerLimits limits;
  ConnectionTable& connections;
  AuditCache& audit;
  bool is_metrics_public = false;
  // Requests read whose answers are not written yet: a stopping server
  // waits for them.
  std::atomic<std::int64_t> answers_unwritten{0};
  // Set on SIGTERM: requests read from then on get 503 and their
  // connection is closed, so the answers in flight drain.
  std::atomic<bool> is_stopping{false};
  // Failed TLS handshakes are logged within this budget, and the metrics
  // count every one whatever it says: a scanner's thousands cost a few
  // lines a second and one line of how many went unsaid.
  LogBudget handshake_failure_log{handshake_failure_log_burst, handshake_failure_log_per_second};
};

}  // namespace csp::server
