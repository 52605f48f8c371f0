#include "reliability/stuck_followers.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "reliability/raw_socket.h"

namespace csp::reliability {
namespace {

constexpr std::size_t problems_kept_max = 5;
// The smallest window the kernel allows: what the server can push before
// its writes stall is then its own send buffer.
constexpr int receive_buffer_bytes = 4096;
// Past the idle timeout, for the stall to begin and the close to land.
constexpr int round_margin_ms = 4000;
// Reading at last, the buffered stream and then its end come at once;
// a stream still served goes on without end.
constexpr int drain_ms = 5000;
constexpr std::size_t drain_bytes_max = 256 << 20;
const std::string source = "127.0.0.31";

}  // namespace

StuckFollowers::StuckFollowers(unsigned short port, std::string token, int followers, int idle_timeout_seconds)
    : port_(port), token_(std::move(token)), followers_(followers), idle_timeout_seconds_(idle_timeout_seconds) {
  thread_ = std::thread([this] {
    while (!is_stopping_.load()) round();
  });
}

StuckFollowers::~StuckFollowers() {
  is_stopping_ = true;
  thread_.join();
}

FollowerFigures StuckFollowers::figures() const {
  std::lock_guard lock(mutex_);
  return figures_;
}

void StuckFollowers::round() {
  const std::string request = "GET /events?from=1&follow=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token_ +
                              "\r\n\r\n";
  std::vector<std::unique_ptr<RawSocket>> sockets;
  try {
    for (int i = 0; i < followers_; ++i) {
      sockets.push_back(std::make_unique<RawSocket>(source, port_, drain_ms, receive_buffer_bytes));
      (void)sockets.back()->send_all(request);
    }
  } catch (const std::exception& error) {
    std::lock_guard lock(mutex_);
    ++figures_.left_open;
    if (figures_.problems.size() < problems_kept_max) figures_.problems.push_back(std::string("follower: ") + error.what());
    return;
  }
  // A follower must get its full idle timeout before it is judged; one
  // cut short by a stop is not judged at all.
  const auto judged_at = std::chrono::steady_clock::now() + std::chrono::milliseconds(idle_timeout_seconds_ * 1000 + round_margin_ms);
  while (std::chrono::steady_clock::now() < judged_at) {
    if (is_stopping_.load()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  for (auto& socket : sockets) {
    const Received received = socket->read_until_closed(drain_bytes_max, drain_ms);
    std::lock_guard lock(mutex_);
    ++figures_.followers;
    figures_.bytes_max = std::max<std::uint64_t>(figures_.bytes_max, received.bytes_read);
    if (received.is_closed_by_server) {
      ++figures_.closed_by_server;
      continue;
    }
    ++figures_.left_open;
    if (figures_.problems.size() < problems_kept_max) {
      figures_.problems.push_back("a follower that never read was still served " + std::to_string(idle_timeout_seconds_) +
                                  " s + " + std::to_string(round_margin_ms) + " ms after it stalled, " +
                                  std::to_string(received.bytes_read) + " bytes read at last");
    }
  }
}

}  // namespace csp::reliability
