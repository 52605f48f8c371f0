#pragma once
// Followers of GET /events?follow=1 that never read: the server's writes
// to them stall once the socket's buffers are full. Opened in rounds on a
// thread of their own; at the end of each round, an idle timeout and a
// margin later, each must have been closed by the server, which shows as
// the end of the stream once the client reads at last.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace csp::reliability {

struct FollowerFigures {
  std::int64_t followers = 0;
  std::int64_t closed_by_server = 0;
  std::int64_t left_open = 0;
  std::uint64_t bytes_max = 0;  // the most one follower received before the close
  std::vector<std::string> problems;  // the first few
};

class StuckFollowers {
 public:
  // `followers` at a time, from 127.0.0.31, each from position 1 of a log
  // that should hold more than the buffers of a connection.
  StuckFollowers(unsigned short port, std::string token, int followers, int idle_timeout_seconds);
  // Ends the round under way, unjudged.
  ~StuckFollowers();
  StuckFollowers(const StuckFollowers&) = delete;
  StuckFollowers& operator=(const StuckFollowers&) = delete;

  FollowerFigures figures() const;

 private:
  void round();

  unsigned short port_;
  std::string token_;
  int followers_;
  int idle_timeout_seconds_;
  mutable std::mutex mutex_;
  FollowerFigures figures_;
  std::atomic<bool> is_stopping_{false};
  std::thread thread_;
};

}  // namespace csp::reliability
