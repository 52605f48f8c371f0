#include "reliability/hostile_connections.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "reliability/raw_socket.h"

namespace csp::reliability {
namespace {

using Clock = std::chrono::steady_clock;

// What the server sends a connection that never asked is a 503 at most.
constexpr int reads_per_tick_max = 4;

// A header that never ends: at a byte a tick it would take many minutes.
const std::string& endless_header() {
  static const std::string header = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(7000, 'a');
  return header;
}

}  // namespace

HostileConnections::HostileConnections(unsigned short port, const std::vector<HostileGroup>& groups,
                                       std::chrono::milliseconds tick)
    : port_(port), tick_(tick) {
  for (const HostileGroup& group : groups) {
    for (int i = 0; i < group.connections; ++i) {
      Slot slot;
      slot.source = group.source;
      slot.is_slow = group.is_slow;
      slots_.push_back(slot);
    }
  }
  thread_ = std::thread([this] {
    while (!is_stopping_.load()) {
      const auto next = Clock::now() + tick_;
      tick_once();
      std::this_thread::sleep_until(next);
    }
    for (Slot& slot : slots_) {
      if (slot.fd >= 0) ::close(slot.fd);
    }
  });
}

HostileConnections::~HostileConnections() {
  is_stopping_ = true;
  thread_.join();
}

HostileFigures HostileConnections::figures() const {
  return HostileFigures{connects_.load(), connect_failures_.load(), closed_by_server_.load(), slow_closed_by_server_.load(),
                        static_cast<double>(slow_lifetime_max_ms_.load()) / 1000};
}

void HostileConnections::tick_once() {
  std::array<char, 4096> buffer{};
  for (Slot& slot : slots_) {
    if (is_stopping_.load()) return;
    if (slot.fd < 0) {
      slot.fd = open_without_waiting(slot.source, port_);
      slot.sent = 0;
      slot.opened = Clock::now();
      ++(slot.fd < 0 ? connect_failures_ : connects_);
      continue;
    }
    // A 503 or the close of a shed connection; a connect still under way
    // reads as EAGAIN.
    ssize_t got = 0;
    for (int reads = 0; reads < reads_per_tick_max; ++reads) {
      got = ::recv(slot.fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
      if (got <= 0) break;
    }
    if (got > 0) continue;
    if (got < 0 && errno == ECONNREFUSED) {
      ::close(slot.fd);
      slot.fd = -1;
      ++connect_failures_;
      continue;
    }
    if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
      notice_close(slot);
      continue;
    }
    if (slot.is_slow && slot.sent < endless_header().size()) {
      if (::send(slot.fd, &endless_header()[slot.sent], 1, MSG_DONTWAIT | MSG_NOSIGNAL) == 1) ++slot.sent;
    }
  }
}

void HostileConnections::notice_close(Slot& slot) {
  ::close(slot.fd);
  slot.fd = -1;
  ++closed_by_server_;
  if (!slot.is_slow) return;
  ++slow_closed_by_server_;
  const auto lived_ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - slot.opened).count();
  if (lived_ms > slow_lifetime_max_ms_.load()) slow_lifetime_max_ms_ = lived_ms;
}

}  // namespace csp::reliability
