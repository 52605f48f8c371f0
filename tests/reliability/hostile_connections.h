#pragma once
// Connections that hold a place and never make a request: idle ones send
// nothing, slow ones one byte of a header that never ends each tick. Kept
// up on a thread of their own; each one the server closes is opened again
// at the next tick, so the pressure never lets up.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace csp::reliability {

struct HostileGroup {
  std::string source;  // one of 127.0.0.0/8: a client address of its own
  int connections = 0;
  bool is_slow = false;
};

struct HostileFigures {
  std::int64_t connects = 0;
  std::int64_t connect_failures = 0;  // refused by the kernel or the listen queue
  std::int64_t closed_by_server = 0;
  std::int64_t slow_closed_by_server = 0;
  double slow_lifetime_max_seconds = 0;  // to a tick
};

class HostileConnections {
 public:
  HostileConnections(unsigned short port, const std::vector<HostileGroup>& groups, std::chrono::milliseconds tick);
  // Closes every connection.
  ~HostileConnections();
  HostileConnections(const HostileConnections&) = delete;
  HostileConnections& operator=(const HostileConnections&) = delete;

  HostileFigures figures() const;

 private:
  struct Slot {
    std::string source;
    bool is_slow = false;
    int fd = -1;
    std::size_t sent = 0;
    std::chrono::steady_clock::time_point opened;
  };

  void tick_once();
  void notice_close(Slot& slot);

  unsigned short port_;
  std::chrono::milliseconds tick_;
  std::vector<Slot> slots_;  // on the thread only
  std::atomic<std::int64_t> connects_{0};
  std::atomic<std::int64_t> connect_failures_{0};
  std::atomic<std::int64_t> closed_by_server_{0};
  std::atomic<std::int64_t> slow_closed_by_server_{0};
  std::atomic<std::int64_t> slow_lifetime_max_ms_{0};
  std::atomic<bool> is_stopping_{false};
  std::thread thread_;
};

}  // namespace csp::reliability
