#pragma once
// The byte stream under one HTTP session: plain TCP, or TLS over TCP
// (Beast's ssl_stream). The session reads and writes through this one type,
// so the request and response logic exists once for both; only the
// handshake and the close differ, and for plain TCP they are nothing.

#include <chrono>
#include <optional>
#include <utility>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace csp::server {

class SessionStream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;

  // TLS when `tls` is given: it must outlive the stream.
  SessionStream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls) {
    if (tls != nullptr) {
      tls_.emplace(boost::beast::tcp_stream(std::move(socket)), *tls);
    } else {
      plain_.emplace(std::move(socket));
    }
  }

  bool is_tls() const { return tls_.has_value(); }
  executor_type get_executor() { return tcp().get_executor(); }
  // The TCP layer, whose timer bounds every operation of the layers above.
  boost::beast::tcp_stream& tcp() { return tls_ ? tls_->next_layer() : *plain_; }
  boost::asio::ip::tcp::socket& socket() { return tcp().socket(); }
  void expires_after(std::chrono::steady_clock::duration timeout) { tcp().expires_after(timeout); }
  void expires_never() { tcp().expires_never(); }
  void close() { tcp().close(); }
  // Ends the operations in progress with operation_aborted; the socket
  // stays open, so TLS can still send its close_notify.
  void cancel() { tcp().cancel(); }

  // The server's side of the TLS handshake; for plain TCP, `handler` runs
  // at once (posted) without an error.
  template <class Handler>
  void async_handshake(Handler&& handler) {
    if (tls_) {
      tls_->async_handshake(boost::asio::ssl::stream_base::server, std::forward<Handler>(handler));
      return;
    }
    post_success(std::forward<Handler>(handler));
  }

  // TLS's close: a close_notify, then the wait for the peer's (what the
  // peer still sends meanwhile is dropped unread); bound it with
  // expires_after. For plain TCP, `handler` runs at once (posted) without
  // an error.
  template <class Handler>
  void async_shutdown(Handler&& handler) {
    if (tls_) {
      tls_->async_shutdown(std::forward<Handler>(handler));
      return;
    }
    post_success(std::forward<Handler>(handler));
  }

  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_read_some(buffers, std::forward<Handler>(handler));
    }
  }

  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_write_some(buffers, std::forward<Handler>(handler));
    } else {
      plain_->async_write_some(buffers, std::forward<Handler>(handler));
    }
  }

 private:
  template <class Handler>
  void post_success(Handler&& handler) {
    boost::asio::post(get_executor(), [handler = std::forward<Handler>(handler)]() mutable { handler(boost::beast::error_code{}); });
  }

  // Exactly one is set, for the stream's whole life.
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> tls_;
};

}  // namespace csp::server
