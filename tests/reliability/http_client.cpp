#include "reliability/http_client.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

namespace csp::reliability {

namespace http = boost::beast::http;

HttpClient::HttpClient(unsigned short port, std::string token) : stream_(io_), token_(std::move(token)) {
  stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
}

HttpAnswer HttpClient::post_command(const std::string& body) { return send(true, "/commands", body); }

HttpAnswer HttpClient::get(const std::string& target) { return send(false, target, ""); }

HttpAnswer HttpClient::send(bool is_post, const std::string& target, const std::string& body) {
  http::request<http::string_body> request{is_post ? http::verb::post : http::verb::get, target, 11};
  request.set(http::field::host, "127.0.0.1");
  request.set(http::field::authorization, "Bearer " + token_);
  if (is_post) request.set(http::field::content_type, "application/json");
  request.body() = body;
  request.prepare_payload();
  // A tcp_stream's timeout holds for its asynchronous operations only.
  if (answer_wait_) {
    stream_.expires_after(*answer_wait_);
  } else {
    stream_.expires_never();
  }
  http::response<http::string_body> response;
  boost::beast::error_code failure;
  http::async_write(stream_, request, [&](boost::beast::error_code written, std::size_t) {
    if (written) {
      failure = written;
      return;
    }
    http::async_read(stream_, buffer_, response, [&](boost::beast::error_code read, std::size_t) { failure = read; });
  });
  io_.restart();
  io_.run();
  if (failure) throw boost::system::system_error(failure);
  return HttpAnswer{response.result_int(), response.body()};
}

}  // namespace csp::reliability
