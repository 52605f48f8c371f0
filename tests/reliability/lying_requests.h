#pragma once
// Requests that lie about their size or never end: chunk sizes that do
// not match the bytes sent, a chunk or a run of chunks without end, a
// header and a body past the server's limits. Each kind is sent again and
// again on a thread of its own; each time the server must stop it, by
// refusing it (4xx) or closing the connection, before the client has sent
// much past the limit and within the server's idle timeout.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace csp::reliability {

struct ServerBounds {
  std::uint64_t body_bytes_max = 1 << 20;
  std::uint32_t header_bytes_max = 8 << 10;
  int idle_timeout_seconds = 30;
};

struct LieTally {
  std::string kind;
  std::int64_t sent = 0;
  std::int64_t stopped = 0;   // refused or closed in time
  std::int64_t let_through = 0;  // answered 2xx, or still open past the bound
  double stop_seconds_max = 0;
  std::vector<std::string> problems;  // the first few
};

class LyingRequests {
 public:
  LyingRequests(unsigned short port, std::string token, const ServerBounds& bounds);
  // Stops after the requests under way.
  ~LyingRequests();
  LyingRequests(const LyingRequests&) = delete;
  LyingRequests& operator=(const LyingRequests&) = delete;

  std::vector<LieTally> tallies() const;

 private:
  void send_again_and_again(std::size_t kind);

  unsigned short port_;
  std::string token_;
  ServerBounds bounds_;
  mutable std::mutex mutex_;
  std::vector<LieTally> tallies_;
  std::atomic<bool> is_stopping_{false};
  std::vector<std::thread> threads_;
};

}  // namespace csp::reliability
