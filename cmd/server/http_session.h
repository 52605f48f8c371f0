#pragma once
// One HTTP/1.1 connection, over plain TCP or TLS: reads requests (with a timeout before each read
// and limits on the header and body), hands each to its endpoint, and
// writes the answers in request order. Only I/O lives here; what to answer
// is decided by the functions of responses.h and report_endpoint.h, the
// group-commit writer and the readers.

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "cmd/server/event_page.h"
#include "cmd/server/query_string.h"
#include "cmd/server/responses.h"
#include "cmd/server/server_context.h"
#include "cmd/server/session_stream.h"

namespace csp::server {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  // `id` is the connection's place in context.connections, released when
  // the session ends. With `tls` (which must outlive the session) the
  // connection begins with a TLS handshake.
  HttpSession(boost::asio::ip::tcp::socket socket, ServerContext& context, ConnectionTable::Id id,
              boost::asio::ssl::context* tls);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  void start();

 private:
  using Request = http::request<http::string_body>;
  struct RequestLog {
    std::string method;
    std::string target;
    std::string command_id;
    std::chrono::steady_clock::time_point start;
  };
  struct Slot {
    std::optional<Response> response;
    RequestLog log;
    bool keep_alive = true;
  };
  struct EventsStream {
    std::int64_t next_position = 1;
    bool is_following = false;
    std::optional<std::int64_t> events_max;  // limit=N: a page of at most N events
    std::int64_t events_sent = 0;
    eventstore::Hash last_hash = {};
    std::string reader;  // the token's agent, whose roles decide what is shown
    RequestLog log;
    bool keep_alive = true;
    bool has_begun = false;
    bool is_end_logged = false;
  };

  // Why a read was cancelled: its end is then a graceful close.
  enum class ReadStop { none, idle_timeout, server_stopping };

  void on_handshake(boost::beast::error_code error);
  void log_handshake_failure(boost::beast::error_code error);
  void read_next();
  void read_request_start();
  void on_request_begun(boost::beast::error_code error, std::size_t bytes);
  void read_header();
  void on_header(boost::beast::error_code error);
  void read_body();
  void on_read(boost::beast::error_code error);
  void dispatch(Request request);
  void answer_commands(Request& request, const std::string& agent, std::uint64_t slot);
  void answer_report(const std::string& name, const Target& target, std::uint64_t slot);
  void answer_history(const Target& target, const std::string& agent, std::uint64_t slot);
  void answer_audit(const Target& target, std::uint64_t slot);
  // GET /digest and GET /proof.
  void answer_digest(const Target& target, std::uint64_t slot);
  // Runs `job` on a reader thread, or answers 503 when none will take it.
  void read_later(std::uint64_t slot, ReaderPool::Job job);
  // A follow lasts hours: its request line is logged only at its end, so
  // these say when it started and why it ended.
  void log_follow_start() const;
  void log_follow_end(std::string_view reason);
  // /health or /metrics, to GET or HEAD (answer_now leaves HEAD's body out).
  void answer_status_page(RequestLog log, bool keep_alive, const std::string& path);
  void queue_events(const Request& request, const Target& target, const std::string& agent, RequestLog log);

  std::uint64_t add_slot(RequestLog log, bool keep_alive);
  void fulfil(std::uint64_t slot, Response response);
  void answer_now(RequestLog log, bool keep_alive, Response response);
  void fulfil_later(std::uint64_t slot, Response response);
  void write_ready();
  void on_write(boost::beast::error_code error);

  void begin_events();
  void pump_events();
  void on_event_page(eventstore::StoreResult<EventPage> page);
  void write_chunk(std::string data, void (HttpSession::*next)());
  void end_events();
  void watch_follower();

  void update_waiting();
  void shed();
  // The server is stopping: a connection waiting for a request ends now,
  // a busy one once it has answered (read_request_start).
  void stop();
  void stop_reading(ReadStop reason);
  void log_answer(const RequestLog& log, unsigned status) const;
  void close_after_writes();
  void linger();
  void drain();
  // A TLS connection sends close_notify and waits up to `time` for the
  // peer's before it closes; a plain one closes now.
  void end_gracefully(std::chrono::steady_clock::duration time);
  void close_now();

  SessionStream stream_;
  ServerContext& context_;
  const ConnectionTable::Id id_;
  // Times the wait between requests. The stream's own timer would close
  // the socket when it fires, leaving no way to send a close_notify.
  boost::asio::steady_timer idle_timer_;
  bool is_idle_read_ = false;
  ReadStop read_stop_ = ReadStop::none;
  bool is_shutting_down_ = false;  // close_notify sent or being sent
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::deque<Slot> slots_;
  std::uint64_t first_slot_ = 0;  // the id of slots_.front()
  bool is_reading_ = false;
  // Of the request being read: whether its header is in (its body's
  // timeout runs, not its header's).
  bool is_header_read_ = false;
  bool is_waiting_ = true;  // as context_.connections knows it: from attach() on
  std::uint64_t requests_read_ = 0;
  bool is_writing_ = false;
  bool is_write_queued_ = false;
  // The answers of the write in progress, as one buffer, and how many.
  std::string write_buffer_;
  std::size_t slots_writing_ = 0;
  bool is_closing_ = false;  // no more requests are read
  bool is_closed_ = false;
  std::optional<EventsStream> events_;
  std::unique_ptr<http::response<http::empty_body>> events_header_;
  std::unique_ptr<http::response_serializer<http::empty_body>> events_serializer_;
  std::string chunk_;
  std::size_t lingered_bytes_ = 0;
  std::array<char, 4096> drain_{};
};

}  // namespace csp::server
