#pragma once
// What the server-abuse campaign measured, the bounds it holds the server
// to, and the lines that say both.

#include <cstdint>
#include <string>
#include <vector>

#include "reliability/good_client.h"
#include "reliability/hostile_connections.h"
#include "reliability/lying_requests.h"
#include "reliability/process_watch.h"
#include "reliability/stuck_followers.h"

namespace csp::reliability {

struct SoakFigures {
  int seconds = 0;
  GoodClientFigures good;
  ProcessSample start;  // after the warm-up
  ProcessSample middle;
  ProcessSample end;
  // The ledger's file and its WAL, at the start and the end.
  std::int64_t ledger_bytes_start = 0;
  std::int64_t ledger_bytes_end = 0;
};

struct AbuseFigures {
  GoodClientFigures baseline;
  GoodClientFigures under_abuse;
  HostileFigures hostile;
  std::vector<LieTally> lies;
  FollowerFigures followers;
  ProcessSample before;  // quiet, after the baseline
  ProcessSample peak;    // of the samples taken under abuse
  ProcessSample after;   // quiet again, once the abuse ended
  std::vector<ProcessSample> samples;  // the whole run
  std::string server_closes;  // its /metrics count by reason: "shed 1200, header_timeout 300"
  SoakFigures soak;
  std::int64_t crashes = 0;
  std::vector<std::string> problems;  // each a bound the server broke
};

struct AbuseBounds {
  int idle_timeout_seconds = 30;
  bool expects_followers = true;  // at least one round of them judged
  std::int64_t connections_max = 1024;
  // Besides the connections: the ledger's files, the listener, the
  // reactor's descriptors, the readers'.
  std::int64_t other_open_files_max = 64;
  // Every connection's buffers together with the page caches, far below
  // what a leak per connection or per request reaches.
  std::int64_t abuse_rss_growth_max_kib = 256 << 10;
  // Over a soak, RSS grows as SQLite's page caches take in the pages the
  // load touches: each of the server's connections to the ledger (the
  // writer, two readers, the checkpointer) keeps up to 64 MiB, and never
  // more than the file holds. Growth past that and a margin is something
  // else: a leak.
  std::int64_t ledger_connections = 4;
  std::int64_t page_cache_max_kib = 64 << 10;
  std::int64_t soak_rss_growth_beyond_caches_max_kib = 16 << 10;
  std::int64_t soak_open_files_growth_max = 4;
  // Once every hostile connection has closed and timed out.
  std::int64_t quiet_open_files_growth_max = 8;
};

// Adds to `figures.problems` each bound broken.
void check_bounds(const AbuseBounds& bounds, AbuseFigures& figures);

// One line of figures, then the lying requests by kind, the soak, the
// RSS and open files over time, and the problems.
void print_figures(const AbuseFigures& figures);

}  // namespace csp::reliability
