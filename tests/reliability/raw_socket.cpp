#include "reliability/raw_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <stdexcept>

namespace csp::reliability {
namespace {

sockaddr_in address_of(const std::string& host, unsigned short port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) throw std::runtime_error("not an IPv4 address: " + host);
  return address;
}

// A socket bound to `source` on a port the kernel picks.
int socket_from(const std::string& source) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const sockaddr_in local = address_of(source, 0);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// An answer's head is all a caller reads; a stream's rest is only counted.
constexpr std::size_t kept_bytes_max = 64 << 10;

bool is_gone(int error) { return error == ECONNRESET || error == EPIPE || error == ENOTCONN; }

}  // namespace

RawSocket::RawSocket(const std::string& source, unsigned short port, int wait_ms, int receive_buffer_bytes)
    : fd_(socket_from(source)), wait_ms_(wait_ms) {
  if (fd_ < 0) throw std::runtime_error("no socket from " + source);
  // Before the connect, so that the window offered in the handshake is small.
  if (receive_buffer_bytes > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer_bytes, sizeof receive_buffer_bytes);
  const timeval bound{wait_ms / 1000, (wait_ms % 1000) * 1000};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
  const sockaddr_in server = address_of("127.0.0.1", port);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot connect from " + source + " to port " + std::to_string(port));
  }
}

RawSocket::~RawSocket() { ::close(fd_); }

bool RawSocket::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

bool RawSocket::is_readable() const {
  pollfd waiting{fd_, POLLIN, 0};
  return ::poll(&waiting, 1, 0) > 0;
}

Received RawSocket::read_until_closed(std::size_t bytes_max, int total_ms) {
  Received received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(total_ms);
  std::array<char, 64 << 10> buffer{};
  while (received.bytes_read < bytes_max && std::chrono::steady_clock::now() < deadline) {
    const ssize_t got = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (got <= 0) {
      received.is_closed_by_server = got == 0 || is_gone(errno);
      return received;
    }
    received.bytes_read += static_cast<std::size_t>(got);
    if (received.bytes.size() < kept_bytes_max) received.bytes.append(buffer.data(), static_cast<std::size_t>(got));
  }
  return received;
}

int open_without_waiting(const std::string& source, unsigned short port) {
  const int fd = socket_from(source);
  if (fd < 0) return -1;
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  const sockaddr_in server = address_of("127.0.0.1", port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 && errno != EINPROGRESS) {
    ::close(fd);
    return -1;
  }
  return fd;
}

unsigned status_of(const std::string& answer) {
  constexpr std::string_view prefix = "HTTP/1.1 ";
  if (answer.size() < prefix.size() + 3 || answer.compare(0, prefix.size(), prefix) != 0) return 0;
  unsigned status = 0;
  for (std::size_t i = prefix.size(); i < prefix.size() + 3; ++i) {
    if (answer[i] < '0' || answer[i] > '9') return 0;
    status = status * 10 + static_cast<unsigned>(answer[i] - '0');
  }
  return status;
}

}  // namespace csp::reliability
