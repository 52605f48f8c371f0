#pragma once
// What every connection shares: the tokens, the writer, the readers, the
// commit feed, the metrics and the limits.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "cmd/server/commit_feed.h"
#include "cmd/server/group_commit.h"
#include "cmd/server/metrics.h"
#include "cmd/server/reader_pool.h"
#include "cmd/server/tokens.h"

namespace csp::server {

struct ServerLimits {
  std::uint64_t body_bytes_max = 1 << 20;
  std::uint32_t header_bytes_max = 8 << 10;
  std::chrono::seconds idle_timeout{30};
  std::size_t connections_max = 1024;
  // Requests one connection may have read before their answers are
  // written (HTTP/1.1 pipelining); answers still go out in order.
  std::size_t pipelined_requests_max = 16;
  std::size_t io_threads = 2;
  std::size_t reader_threads = 2;
  GroupCommitLimits group_commit;
};

struct ServerContext {
  const Tokens& tokens;
  GroupCommitWriter& writer;
  ReaderPool& readers;
  CommitFeed& feed;
  Metrics& metrics;
  ServerLimits limits;
  std::atomic<std::size_t> connections{0};
  // Requests read whose answers are not written yet: a stopping server
  // waits for them.
  std::atomic<std::int64_t> answers_unwritten{0};
  // Set on SIGTERM: requests read from then on get 503 and their
  // connection is closed, so the answers in flight drain.
  std::atomic<bool> is_stopping{false};
};

}  // namespace csp::server
