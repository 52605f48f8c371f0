// Reading requests, routing them, and writing answers in request order;
// GET /events is in events_stream.cpp.

#include "cmd/server/http_session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "cmd/output.h"
#include "cmd/reports.h"
#include "cmd/server/audit_endpoint.h"
#include "cmd/server/digest_endpoint.h"
#include "cmd/server/command_body.h"
#include "cmd/server/history_endpoint.h"
#include "cmd/server/http_status.h"
#include "cmd/server/report_endpoint.h"
#include "cmd/server/web_assets.h"
#include "domain/text.h"

namespace csp::server {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// What a closing connection still reads and drops, so the peer sees the
// answer rather than a reset caused by its unread request.
constexpr std::size_t linger_bytes_max = 64 << 20;
constexpr std::chrono::seconds linger_time{2};
// How long a TLS peer has to answer the close_notify of a connection that
// ended idle (or with the server) before the socket is closed anyway.
constexpr std::chrono::seconds close_notify_time{1};
// Answers up to this size are copied to go out together with others.
constexpr std::size_t coalesced_body_bytes_max = 16 << 10;
// What one read takes while a connection waits for its next request.
constexpr std::size_t request_start_read_bytes = 16 << 10;

const std::string paths_known =
    "the server answers POST /commands, GET /reports/<name>, GET /history, GET /events, GET /audit, GET /digest, "
    "GET /proof, GET or HEAD /health, "
    "GET or HEAD /metrics, and the web view at GET /";

std::string_view view_of(beast::string_view text) { return {text.data(), text.size()}; }

std::optional<std::string> bearer_token(const http::request<http::string_body>& request) {
  const auto header = request.find(http::field::authorization);
  if (header == request.end()) return std::nullopt;
  const std::string_view value = view_of(header->value());
  constexpr std::string_view scheme = "Bearer ";
  if (value.size() <= scheme.size() || !beast::iequals(header->value().substr(0, scheme.size()), "Bearer ")) return std::nullopt;
  return std::string(value.substr(scheme.size()));
}

// 0: a known path with no such method; -1: no such path; 1: allowed.
int route_check(std::string_view path, http::verb method, std::string& allowed) {
  const bool is_reports = path.starts_with("/reports/") && path.size() > std::string_view("/reports/").size();
  if (path == "/commands") {
    allowed = "POST";
    return method == http::verb::post ? 1 : 0;
  }
  if (path == "/health" || path == "/metrics" || web_asset(path)) {
    allowed = "GET, HEAD";
    return method == http::verb::get || method == http::verb::head ? 1 : 0;
  }
  const bool is_audit = path == "/audit" || path == "/digest" || path == "/proof";
  if (path == "/events" || path == "/history" || is_audit || is_reports) {
    allowed = "GET";
    return method == http::verb::get ? 1 : 0;
  }
  return -1;
}

Response method_not_allowed(const std::string& path, const std::string& allowed) {
  Response response = error_response(http::status::method_not_allowed, "method_not_allowed", path + " takes " + allowed + " only");
  response.set(http::field::allow, allowed);
  return response;
}

// The page and its files name no ledger data: they load before sign-in.
Response web_response(const WebAsset& asset) {
  Response response = text_response(http::status::ok, std::string(asset.body), std::string(asset.content_type));
  response.set("Content-Security-Policy", std::string(web_content_security_policy));
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set(http::field::cache_control, "no-cache");
  return response;
}

// GET's header, its Content-Length included, without the body (RFC 9110, HEAD).
Response without_body(Response response) {
  const std::size_t length = response.body().size();
  response.body().clear();
  response.content_length(length);
  return response;
}

}  // namespace

HttpSession::HttpSession(tcp::socket socket, ServerContext& context, ConnectionTable::Id id, net::ssl::context* tls)
    : stream_(std::move(socket), tls), context_(context), id_(id), idle_timer_(stream_.get_executor()) {
  // Pipelined answers are small writes back to back: Nagle would hold them for an ACK.
  beast::error_code ignored;
  stream_.socket().set_option(tcp::no_delay(true), ignored);
}

HttpSession::~HttpSession() {
  context_.connections.release(id_);
  context_.answers_unwritten -= static_cast<std::int64_t>(slots_.size());
}

void HttpSession::start() {
  // Run by the admitting or the stopping thread: they only post to this connection's strand.
  const auto on_own_strand = [this](void (HttpSession::*member)()) {
    return [weak = weak_from_this(), executor = stream_.get_executor(), member] {
      net::post(executor, [weak, member] {
        if (const auto self = weak.lock()) ((*self).*member)();
      });
    };
  };
  context_.connections.attach(id_, on_own_strand(&HttpSession::shed), on_own_strand(&HttpSession::stop));
  // A client that never finishes its handshake holds its place no longer
  // than one that never finishes its request header.
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    self->stream_.expires_after(self->context_.limits.header_timeout);
    self->stream_.async_handshake([self](beast::error_code error) { self->on_handshake(error); });
  });
}

// A failed handshake (plain HTTP sent to the TLS port, an old protocol, a
// client that does not trust the certificate) ends this connection only.
void HttpSession::on_handshake(beast::error_code error) {
  if (is_closed_) return;
  if (error) {
    context_.metrics.record_connection_closed(error == beast::error::timeout ? "handshake_timeout" : "handshake_failed");
    log_handshake_failure(error);
    close_now();
    return;
  }
  read_next();
}

// Within the server's budget only: the server reports how many it left
// out (event=tls_handshake_failed_suppressed).
void HttpSession::log_handshake_failure(beast::error_code error) {
  if (!context_.handshake_failure_log.try_spend(std::chrono::steady_clock::now())) return;
  beast::error_code ignored;
  const auto peer = stream_.socket().remote_endpoint(ignored);
  spdlog::warn("event=tls_handshake_failed peer={} error=\"{}\"", peer.address().to_string(), domain::printable(error.message()));
}

// Another connection was given this one's place while it waited for a
// request; it is closed unless a request arrived meanwhile.
void HttpSession::shed() {
  if (!is_waiting_ || is_closed_) {
    context_.connections.spare(id_);
    return;
  }
  spdlog::debug("event=connection_shed");
  context_.metrics.record_connection_closed("shed");
  // No close_notify: the place is given away already, and a flood of
  // newcomers must not keep the shed ones open waiting for their peers.
  close_now();
}

void HttpSession::stop() {
  if (!is_waiting_ || !is_reading_ || is_closed_) return;
  stop_reading(ReadStop::server_stopping);
}

// The read ends with operation_aborted, and on_read ends the connection.
void HttpSession::stop_reading(ReadStop reason) {
  read_stop_ = reason;
  stream_.cancel();
}

void HttpSession::update_waiting() {
  const bool is_waiting = is_reading_ && !is_header_read_ && slots_.empty() && !events_ && !is_closed_;
  if (is_waiting == is_waiting_) return;
  is_waiting_ = is_waiting;
  context_.connections.set_waiting(id_, is_waiting);
}

void HttpSession::read_next() {
  if (is_reading_ || is_closing_ || is_closed_ || events_ || slots_.size() >= context_.limits.pipelined_requests_max) return;
  is_reading_ = true;
  is_header_read_ = false;
  parser_.emplace();
  parser_->body_limit(context_.limits.body_bytes_max);
  parser_->header_limit(context_.limits.header_bytes_max);
  // Between requests a keep-alive connection may sit idle up to
  // idle_timeout; a new connection's first request, and any request once
  // its first byte is in, must have its whole header within
  // header_timeout, so a client sending a byte at a time holds its place
  // no longer than that.
  if (buffer_.size() == 0 && requests_read_ > 0) return read_request_start();
  read_header();
}

void HttpSession::read_request_start() {
  if (context_.is_stopping.load()) {
    is_reading_ = false;
    return close_after_writes();
  }
  stream_.expires_never();
  is_idle_read_ = true;
  idle_timer_.expires_after(context_.limits.idle_timeout);
  // Weak: the pending read keeps the session; the timer alone must not.
  idle_timer_.async_wait([weak = weak_from_this()](beast::error_code error) {
    const auto self = weak.lock();
    if (!error && self && self->is_idle_read_) self->stop_reading(ReadStop::idle_timeout);
  });
  update_waiting();
  stream_.async_read_some(buffer_.prepare(request_start_read_bytes),
                          [self = shared_from_this()](beast::error_code error, std::size_t bytes) {
                            self->on_request_begun(error, bytes);
                          });
}

void HttpSession::on_request_begun(beast::error_code error, std::size_t bytes) {
  is_idle_read_ = false;
  idle_timer_.cancel();
  buffer_.commit(bytes);
  if (error == net::error::eof) return on_read(http::error::end_of_stream);
  if (error) return on_read(error);
  read_header();
}

void HttpSession::read_header() {
  stream_.expires_after(context_.limits.header_timeout);
  // A pipelining client's next requests are often read already: they are
  // parsed from the buffer at once, without a round through the reactor.
  if (buffer_.size() > 0) {
    beast::error_code error;
    while (buffer_.size() > 0 && !parser_->is_done()) {
      const std::size_t used = parser_->put(buffer_.data(), error);
      buffer_.consume(used);
      if (error || used == 0) break;
    }
    if (error == http::error::need_more) error = {};
    if (error || parser_->is_done()) return on_read(error);
    if (parser_->is_header_done()) return on_header(error);
  }
  update_waiting();
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_header(error); });
}

// curl and others send `Expect: 100-continue` before a larger body and wait
// a second for the go-ahead unless they get it. It is only sent when no
// earlier answer is being written, which it would cut into.
void HttpSession::on_header(beast::error_code error) {
  if (error) return on_read(error);
  read_stop_ = ReadStop::none;  // the header came as the read was stopped: it is answered
  is_header_read_ = true;
  update_waiting();
  const auto expect = parser_->get().find(http::field::expect);
  const bool wants_go_ahead = expect != parser_->get().end() && beast::iequals(expect->value(), "100-continue");
  if (!wants_go_ahead || is_writing_ || !slots_.empty() || events_) return read_body();
  static const std::string go_ahead = "HTTP/1.1 100 Continue\r\n\r\n";
  is_writing_ = true;
  net::async_write(stream_, net::buffer(go_ahead), [self = shared_from_this()](beast::error_code written, std::size_t) {
    self->is_writing_ = false;
    if (written) return self->close_now();
    self->read_body();
    self->write_ready();
  });
}

void HttpSession::read_body() {
  // The header was in time; the body may take as long as an idle pause.
  stream_.expires_after(context_.limits.idle_timeout);
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_read(error); });
}

void HttpSession::on_read(beast::error_code error) {
  is_reading_ = false;
  update_waiting();
  if (is_closed_) return;
  if (error && read_stop_ != ReadStop::none) {
    // What a stopped read had of a request header was not answered: it is dropped.
    if (read_stop_ == ReadStop::idle_timeout) context_.metrics.record_connection_closed("idle_timeout");
    end_gracefully(close_notify_time);
    return;
  }
  read_stop_ = ReadStop::none;
  const RequestLog unread{"-", "-", "", std::chrono::steady_clock::now()};
  if (error == http::error::end_of_stream) {
    close_after_writes();
    return;
  }
  if (error == http::error::body_limit) {
    answer_now(unread, false,
               error_response(http::status::payload_too_large, "body_too_large",
                              "the body is over " + std::to_string(context_.limits.body_bytes_max) +
                                  " bytes: send fewer commands per request"));
    return;
  }
  if (error == http::error::header_limit) {
    answer_now(unread, false,
               error_response(http::status::request_header_fields_too_large, "header_too_large",
                              "the header is over " + std::to_string(context_.limits.header_bytes_max) + " bytes"));
    return;
  }
  if (error && &error.category() == &http::make_error_code(http::error::bad_target).category()) {
    answer_now(unread, false, error_response(http::status::bad_request, "invalid_input", "not an HTTP/1.1 request: " + error.message()));
    return;
  }
  if (error) {
    if (error == beast::error::timeout) {
      // The wait for a request is timed apart (read_request_start): the stream's timer bounds the rest.
      context_.metrics.record_connection_closed(is_header_read_ ? "body_timeout" : "header_timeout");
    }
    close_now();
    return;
  }
  ++requests_read_;
  dispatch(parser_->release());
  read_next();
}

void HttpSession::dispatch(Request request) {
  RequestLog log{std::string(request.method_string()), std::string(request.target()), "", std::chrono::steady_clock::now()};
  const bool keep_alive = request.keep_alive();
  // A request asking to close is the last one read: reading on would race
  // the lingering close for the socket.
  if (!keep_alive) is_closing_ = true;
  const auto target = parse_target(view_of(request.target()));
  if (!target) {
    answer_now(log, keep_alive, error_response(http::status::bad_request, "invalid_input", "the request target has a broken %-escape or a repeated parameter"));
    return;
  }
  if (context_.is_stopping.load()) {
    answer_now(log, false, error_response(http::status::service_unavailable, "unavailable", "the server is stopping: send the request again once it is back"));
    return;
  }
  // Only /health (and /metrics when made public) answers without a token:
  // a load balancer's probe and a Prometheus scrape carry none. Everything
  // else, unknown paths included, says nothing before the caller is known.
  std::string allowed;
  if (target->path == "/health" || (target->path == "/metrics" && context_.is_metrics_public)) {
    if (route_check(target->path, request.method(), allowed) == 0) {
      answer_now(log, keep_alive, method_not_allowed(target->path, allowed));
    } else {
      answer_status_page(log, keep_alive, target->path);
    }
    return;
  }
  if (const auto asset = web_asset(target->path)) {
    if (route_check(target->path, request.method(), allowed) == 0) {
      answer_now(log, keep_alive, method_not_allowed(target->path, allowed));
    } else {
      answer_now(log, keep_alive, web_response(*asset));
    }
    return;
  }
  const auto token = bearer_token(request);
  const auto agent = token ? context_.tokens.agent_of(*token) : std::nullopt;
  if (!agent) {
    Response response = error_response(http::status::unauthorized, "unauthorized",
                                       "send `Authorization: Bearer TOKEN` with a token of the server's tokens file");
    response.set(http::field::www_authenticate, "Bearer");
    answer_now(log, keep_alive, std::move(response));
    return;
  }
  const int route = route_check(target->path, request.method(), allowed);
  if (route < 0) {
    answer_now(log, keep_alive, error_response(http::status::not_found, "not_found", "no such path: " + paths_known));
    return;
  }
  if (route == 0) {
    answer_now(log, keep_alive, method_not_allowed(target->path, allowed));
    return;
  }
  if (target->path == "/metrics") {
    answer_status_page(log, keep_alive, target->path);
    return;
  }
  if (target->path == "/events") {
    queue_events(request, *target, *agent, std::move(log));
    return;
  }
  const std::uint64_t slot = add_slot(std::move(log), keep_alive);
  if (target->path == "/commands") {
    answer_commands(request, *agent, slot);
  } else if (target->path == "/history") {
    answer_history(*target, *agent, slot);
  } else if (target->path == "/audit") {
    answer_audit(*target, slot);
  } else if (target->path == "/digest" || target->path == "/proof") {
    answer_digest(*target, slot);
  } else {
    answer_report(target->path.substr(std::string_view("/reports/").size()), *target, slot);
  }
}

void HttpSession::answer_status_page(RequestLog log, bool keep_alive, const std::string& path) {
  Response response = path == "/health"
                          ? json_response(http::status::ok, {{"ok", true}, {"head_position", context_.feed.head_position()}})
                          : text_response(http::status::ok, context_.metrics.prometheus_text(), "text/plain; version=0.0.4");
  answer_now(std::move(log), keep_alive, std::move(response));
}

void HttpSession::answer_commands(Request& request, const std::string& agent, std::uint64_t slot) {
  CommandBody body = parse_command_body(request.body(), agent);
  if (body.commands.size() == 1) slots_[slot - first_slot_].log.command_id = body.commands.front().command_id;
  const bool is_json_lines = body.is_json_lines;
  const bool needs_writer = std::any_of(body.commands.begin(), body.commands.end(),
                                        [](const SubmittedCommand& command) { return command.request.has_value(); });
  if (!needs_writer) {
    std::vector<CommandAnswer> answers;
    for (const auto& command : body.commands) {
      answers.push_back(CommandAnswer{cmd::refusal_json(*command.refusal), http_status_of(command.refusal->code),
                                      std::string(domain::code_name(command.refusal->code)), command.command_id});
    }
    fulfil(slot, commands_response(std::move(answers), is_json_lines));
    return;
  }
  const bool is_queued = context_.writer.submit(
      std::move(body.commands), [self = shared_from_this(), slot, is_json_lines](std::vector<CommandAnswer> answers) {
        // The writer thread is the bottleneck: the body is printed on the connection's thread.
        net::post(self->stream_.get_executor(), [self, slot, is_json_lines, answers = std::move(answers)]() mutable {
          self->fulfil(slot, commands_response(std::move(answers), is_json_lines));
        });
      });
  if (!is_queued) {
    fulfil(slot, error_response(http::status::service_unavailable, "unavailable",
                                "the server is stopping or its queue is full: send the commands again later"));
  }
}

void HttpSession::answer_report(const std::string& name, const Target& target, std::uint64_t slot) {
  if (!cmd::is_report_kind(name)) {
    fulfil(slot, error_response(http::status::not_found, "not_found",
                                "no report named \"" + name + "\"; the reports are " + cmd::report_kinds_list()));
    return;
  }
  auto query = report_query_of(name, target);
  if (!query) {
    fulfil(slot, refusal_response(query.error()));
    return;
  }
  read_later(slot, [self = shared_from_this(), slot, query = *query](eventstore::EventStore& store) {
    self->fulfil_later(slot, report_response(store, query));
  });
}

void HttpSession::answer_history(const Target& target, const std::string& agent, std::uint64_t slot) {
  auto selector = history_selector_of(target);
  if (!selector) {
    fulfil(slot, refusal_response(selector.error()));
    return;
  }
  read_later(slot, [self = shared_from_this(), slot, selector = *selector, agent](eventstore::EventStore& store) {
    self->fulfil_later(slot, history_response(store, selector, agent));
  });
}

void HttpSession::answer_audit(const Target& target, std::uint64_t slot) {
  auto is_fresh = audit_fresh_asked(target);
  if (!is_fresh) {
    fulfil(slot, refusal_response(is_fresh.error()));
    return;
  }
  read_later(slot, [self = shared_from_this(), slot, is_fresh = *is_fresh](eventstore::EventStore& store) {
    self->fulfil_later(slot, self->context_.audit.answer(store, is_fresh));
  });
}

void HttpSession::answer_digest(const Target& target, std::uint64_t slot) {
  if (target.path == "/digest") {
    if (domain::Status checked = digest_parameters_checked(target); !checked) {
      fulfil(slot, refusal_response(checked.error()));
      return;
    }
    read_later(slot, [self = shared_from_this(), slot](eventstore::EventStore& store) {
      self->fulfil_later(slot, digest_response(store));
    });
    return;
  }
  auto query = proof_query_of(target);
  if (!query) {
    fulfil(slot, refusal_response(query.error()));
    return;
  }
  read_later(slot, [self = shared_from_this(), slot, query = *query](eventstore::EventStore& store) {
    self->fulfil_later(slot, proof_response(store, query));
  });
}

void HttpSession::read_later(std::uint64_t slot, ReaderPool::Job job) {
  if (!context_.readers.post(std::move(job))) {
    fulfil(slot, error_response(http::status::service_unavailable, "unavailable", "the server is stopping or busy: ask again later"));
  }
}

std::uint64_t HttpSession::add_slot(RequestLog log, bool keep_alive) {
  slots_.push_back(Slot{std::nullopt, std::move(log), keep_alive});
  ++context_.answers_unwritten;
  return first_slot_ + slots_.size() - 1;
}

void HttpSession::answer_now(RequestLog log, bool keep_alive, Response response) {
  if (!keep_alive) is_closing_ = true;
  // Whatever the answer to a HEAD (401, 405, 503 too), a body would be
  // read as the start of the next answer.
  if (log.method == "HEAD") response = without_body(std::move(response));
  fulfil(add_slot(std::move(log), keep_alive), std::move(response));
}

void HttpSession::fulfil_later(std::uint64_t slot, Response response) {
  net::post(stream_.get_executor(), [self = shared_from_this(), slot, response = std::move(response)]() mutable {
    self->fulfil(slot, std::move(response));
  });
}

void HttpSession::fulfil(std::uint64_t slot, Response response) {
  if (is_closed_ || slot < first_slot_) return;
  Slot& waiting = slots_[slot - first_slot_];
  response.keep_alive(waiting.keep_alive);
  waiting.response = std::move(response);
  // Written once the handlers already queued on this connection have run:
  // the other answers of the same batch are among them and go out in the
  // same write.
  if (slot == first_slot_ && !is_write_queued_) {
    is_write_queued_ = true;
    net::post(stream_.get_executor(), [self = shared_from_this()] {
      self->is_write_queued_ = false;
      self->write_ready();
    });
  }
}

void HttpSession::write_ready() {
  if (is_writing_ || is_closed_) return;
  if (slots_.empty()) {
    if (events_ && !events_->has_begun) begin_events();
    return;
  }
  if (!slots_.front().response) return;
  is_writing_ = true;
  stream_.expires_after(context_.limits.idle_timeout);
  const auto on_written = [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_write(error); };
  // Small answers ready in order go out in one write: a pipelining client
  // gets a batch's answers with one system call, not one each. A large one
  // (a report) is written from where it lies rather than copied.
  const auto is_small = [](const Slot& slot) { return slot.response->body().size() <= coalesced_body_bytes_max; };
  const bool has_company = slots_.size() > 1 && slots_[1].response && slots_.front().keep_alive;
  if (!has_company || !is_small(slots_.front()) || !is_small(slots_[1])) {
    slots_writing_ = 1;
    http::async_write(stream_, *slots_.front().response, on_written);
    return;
  }
  slots_writing_ = 0;
  for (Slot& slot : slots_) {
    if (!slot.response || !is_small(slot)) break;
    append_wire_bytes(*slot.response, write_buffer_);
    ++slots_writing_;
    if (!slot.keep_alive) break;
  }
  net::async_write(stream_, net::buffer(write_buffer_), on_written);
}

void HttpSession::on_write(beast::error_code error) {
  is_writing_ = false;
  bool is_last = false;
  for (; slots_writing_ > 0; --slots_writing_) {
    const Slot& written = slots_.front();
    log_answer(written.log, written.response->result_int());
    is_last = !written.keep_alive;
    slots_.pop_front();
    ++first_slot_;
    --context_.answers_unwritten;
  }
  write_buffer_.clear();
  if (write_buffer_.capacity() > coalesced_body_bytes_max * 16) std::string().swap(write_buffer_);
  update_waiting();
  if (error) {
    close_now();
    return;
  }
  if (is_last) {
    linger();
    return;
  }
  if (is_closing_ && slots_.empty() && !events_) {
    end_gracefully(close_notify_time);
    return;
  }
  read_next();
  // A read under way when the server began stopping may now be the wait for a next request.
  if (context_.is_stopping.load()) stop();
  write_ready();
}

void HttpSession::log_answer(const RequestLog& log, unsigned status) const {
  context_.metrics.record_request(status);
  if (!spdlog::should_log(status >= 500 ? spdlog::level::err : spdlog::level::info)) return;
  const double duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - log.start).count();
  // The target and the command id are the caller's bytes: escaped, they can
  // neither break the terminal nor forge a second log line.
  const std::string command_id = log.command_id.empty() ? "-" : domain::printable(log.command_id);
  if (status >= 500) {
    spdlog::error("method={} target={} status={} duration_ms={:.3f} command_id={}", domain::printable(log.method),
                  domain::printable(log.target), status, duration_ms, command_id);
  } else {
    spdlog::info("method={} target={} status={} duration_ms={:.3f} command_id={}", domain::printable(log.method),
                 domain::printable(log.target), status, duration_ms, command_id);
  }
}

// The peer's close_notify (or the server's stop) is answered with the
// server's own once the answers are out.
void HttpSession::close_after_writes() {
  is_closing_ = true;
  if (slots_.empty() && !events_) end_gracefully(close_notify_time);
}

// Every answer is framed by its length or its last chunk, so an HTTP/1.1
// client knows it has all of it; but without a close_notify it cannot tell
// the server's close from a cut by anyone on the path, and OpenSSL 3 clients
// report it as an unexpected EOF (a truncation). A TLS connection thus ends
// with one; OpenSSL drops what the peer sends after it, which drains as the
// plain linger below does.
void HttpSession::linger() {
  if (stream_.is_tls()) return end_gracefully(linger_time);
  is_closing_ = true;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(linger_time);
  drain();
}

// Plain TCP only: TLS drains within its close_notify exchange (linger).
void HttpSession::drain() {
  stream_.tcp().async_read_some(net::buffer(drain_), [self = shared_from_this()](beast::error_code error, std::size_t bytes) {
    self->lingered_bytes_ += bytes;
    if (error || self->lingered_bytes_ > linger_bytes_max) return self->close_now();
    self->drain();
  });
}

void HttpSession::end_gracefully(std::chrono::steady_clock::duration time) {
  if (is_closed_ || is_shutting_down_) return;
  if (!stream_.is_tls()) return close_now();
  is_closing_ = true;
  is_shutting_down_ = true;
  update_waiting();
  stream_.expires_after(time);
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->close_now(); });
}

void HttpSession::close_now() {
  if (is_closed_) return;
  is_closed_ = true;
  idle_timer_.cancel();
  log_follow_end("connection_closed");
  update_waiting();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace csp::server
