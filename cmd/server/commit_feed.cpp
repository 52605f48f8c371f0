#include "cmd/server/commit_feed.h"

#include <algorithm>

namespace csp::server {

void CommitFeed::publish(std::int64_t head_position) {
  std::vector<std::function<void()>> woken;
  {
    std::lock_guard lock(mutex_);
    head_position_ = std::max(head_position_, head_position);
    auto ready = std::stable_partition(waiters_.begin(), waiters_.end(),
                                       [&](const Waiter& waiter) { return waiter.after_position >= head_position_; });
    for (auto it = ready; it != waiters_.end(); ++it) woken.push_back(std::move(it->wake));
    waiters_.erase(ready, waiters_.end());
  }
  for (auto& wake : woken) wake();
}

void CommitFeed::wait(std::int64_t after_position, std::function<void()> wake) {
  {
    std::lock_guard lock(mutex_);
    if (!is_closed_ && head_position_ <= after_position) {
      waiters_.push_back(Waiter{after_position, std::move(wake)});
      return;
    }
  }
  wake();
}

std::vector<std::function<void()>> CommitFeed::take_waiters() {
  std::vector<std::function<void()>> woken;
  for (auto& waiter : waiters_) woken.push_back(std::move(waiter.wake));
  waiters_.clear();
  return woken;
}

void CommitFeed::poke() {
  std::vector<std::function<void()>> woken;
  {
    std::lock_guard lock(mutex_);
    woken = take_waiters();
  }
  for (auto& wake : woken) wake();
}

void CommitFeed::close() {
  std::vector<std::function<void()>> woken;
  {
    std::lock_guard lock(mutex_);
    is_closed_ = true;
    woken = take_waiters();
  }
  for (auto& wake : woken) wake();
}

bool CommitFeed::is_closed() const {
  std::lock_guard lock(mutex_);
  return is_closed_;
}

std::int64_t CommitFeed::head_position() const {
  std::lock_guard lock(mutex_);
  return head_position_;
}

}  // namespace csp::server
