#pragma once
// Plain TCP connections to csp-ledgerd, for the bytes no HTTP library
// would send: half headers, lying chunk sizes, bodies that never end.

#include <cstddef>
#include <string>
#include <string_view>

namespace csp::reliability {

struct Received {
  std::string bytes;  // the first 64 KiB
  std::size_t bytes_read = 0;
  bool is_closed_by_server = false;  // false: the wait ran out, or bytes_max was reached
};

class RawSocket {
 public:
  // Connects from `source`, one of 127.0.0.0/8 (each is another client
  // address to the server), to 127.0.0.1:`port`. A blocking send or read
  // gives up after `wait_ms`. A `receive_buffer_bytes` above 0 shrinks the
  // window the server may fill while nothing is read. Throws
  // std::runtime_error when the connect fails.
  RawSocket(const std::string& source, unsigned short port, int wait_ms, int receive_buffer_bytes = 0);
  ~RawSocket();
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  // False when the server closed the connection, or took none of the
  // bytes for wait_ms.
  bool send_all(std::string_view bytes);
  // True when something waits to be read (an answer, or the close).
  bool is_readable() const;
  // Reads until the server closes, nothing comes for wait_ms, `total_ms`
  // pass or `bytes_max` are read.
  Received read_until_closed(std::size_t bytes_max, int total_ms);

 private:
  int fd_ = -1;
  int wait_ms_;
};

// A connection whose connect is begun and not waited for, from `source`
// to 127.0.0.1:`port`: its descriptor, or -1 when the kernel refused one.
int open_without_waiting(const std::string& source, unsigned short port);

// The status of an HTTP answer, "HTTP/1.1 413 ..." -> 413; 0 for none.
unsigned status_of(const std::string& answer);

}  // namespace csp::reliability
