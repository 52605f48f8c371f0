#pragma once
// How followers of GET /events learn that the log grew: the writer
// publishes the head after each commit and wakes whoever waits for it.

#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace csp::server {

class CommitFeed {
 public:
  explicit CommitFeed(std::int64_t head_position) : head_position_(head_position) {}

  // The log now holds events up to `head_position`, durably.
  void publish(std::int64_t head_position);

  // Runs `wake` once the head passes `after_position`, on poke() or on
  // close(); at once when one of them already holds. `wake` runs on the
  // caller's thread and must only hand the work on (post it).
  void wait(std::int64_t after_position, std::function<void()> wake);

  // Wakes every waiter, so each rereads the log: appends by another
  // process (the csp-ledger command line) are seen this way.
  void poke();

  // Wakes every waiter for the last time: the server is stopping.
  void close();

  bool is_closed() const;
  std::int64_t head_position() const;

 private:
  std::vector<std::function<void()>> take_waiters();

  mutable std::mutex mutex_;
  std::int64_t head_position_;
  bool is_closed_ = false;
  struct Waiter {
    std::int64_t after_position;
    std::function<void()> wake;
  };
  std::vector<Waiter> waiters_;
};

}  // namespace csp::server
