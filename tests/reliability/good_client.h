#pragma once
// A well-behaved client of csp-ledgerd: one keep-alive connection, a
// request at a steady pace (three commands of a story, then a report
// read), each answer's latency recorded. It is the one whose service the
// abuse must not take away.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace csp::reliability {

struct GoodClientSettings {
  unsigned short port = 0;
  std::string token;
  std::string id_prefix;  // command ids are <id_prefix>-<n>
  std::uint64_t seed = 0;
  std::chrono::milliseconds interval{20};
  // A request not answered within this is unanswered: the server's own
  // idle timeout, past which it would have given up on the exchange.
  std::chrono::milliseconds answer_wait{30'000};
};

struct GoodClientFigures {
  std::vector<double> latencies_ms;  // of the requests answered 200
  std::int64_t unanswered = 0;       // timed out or dropped
  std::int64_t refused = 0;          // answered, but not 200
  std::vector<std::string> problems;  // the first few
};

// Sends requests for `duration`, or until `stop` is set.
GoodClientFigures run_good_client(const GoodClientSettings& settings, std::chrono::milliseconds duration,
                                  const std::atomic<bool>& stop);

// The `percent`-th percentile of `values` (sorted here); 0 when empty.
double percentile(std::vector<double> values, int percent);

}  // namespace csp::reliability
