#pragma once
// One keep-alive HTTP/1.1 connection to csp-ledgerd, as a client of the
// server would hold it.

#include <chrono>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>

namespace csp::reliability {

struct HttpAnswer {
  unsigned status = 0;
  std::string body;
};

class HttpClient {
 public:
  // Throws boost::system::system_error when nothing listens on `port`.
  HttpClient(unsigned short port, std::string token);

  // Throws boost::system::system_error when the server goes away before
  // it answers: the request was then not acknowledged.
  HttpAnswer post_command(const std::string& body);
  HttpAnswer get(const std::string& target);
  // From then on a request not answered within `wait` throws (a timeout)
  // and leaves the connection unusable, instead of waiting for ever.
  void bound_answer_wait(std::chrono::milliseconds wait) { answer_wait_ = wait; }

 private:
  HttpAnswer send(bool is_post, const std::string& target, const std::string& body);

  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string token_;
  std::optional<std::chrono::milliseconds> answer_wait_;
};

}  // namespace csp::reliability
