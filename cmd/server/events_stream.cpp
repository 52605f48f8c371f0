// GET /events: the log streamed as `export` lines in chunks, a page at a
// time from a reader thread; with follow=1 the stream waits on the commit
// feed for more instead of ending.

#include "cmd/server/http_session.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "cmd/event_json.h"
#include "cmd/output.h"
#include "domain/text.h"

namespace csp::server {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr std::int64_t events_per_page = 1000;
constexpr std::int64_t events_limit_max = 1'000'000;

std::optional<std::int64_t> whole_number(const std::string& text) {
  std::int64_t value = 0;
  const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
  if (parsed.ec != std::errc() || parsed.ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

void HttpSession::queue_events(const Request& request, const Target& target, const std::string& agent, RequestLog log) {
  EventsStream events;
  for (const auto& [parameter, value] : target.parameters) {
    if (parameter == "from") {
      const auto from = whole_number(value);
      if (!from || *from < 1) {
        answer_now(log, request.keep_alive(), refusal_response(domain::invalid_input("from \"" + value + "\" is not a position (1 or more)")));
        return;
      }
      events.next_position = *from;
    } else if (parameter == "follow") {
      if (value != "0" && value != "1") {
        answer_now(log, request.keep_alive(), refusal_response(domain::invalid_input("follow \"" + value + "\" is not 0 or 1")));
        return;
      }
      events.is_following = value == "1";
    } else if (parameter == "limit") {
      const auto limit = whole_number(value);
      if (!limit || *limit < 1 || *limit > events_limit_max) {
        answer_now(log, request.keep_alive(), refusal_response(domain::invalid_input("limit \"" + value + "\" is not 1 to " + std::to_string(events_limit_max))));
        return;
      }
      events.events_max = *limit;
    } else {
      answer_now(log, request.keep_alive(), refusal_response(domain::invalid_input("query parameter \"" + parameter + "\" is not known; give from, limit and follow")));
      return;
    }
  }
  if (events.events_max && events.is_following) {
    answer_now(log, request.keep_alive(), refusal_response(domain::invalid_input("limit and follow=1 do not go together: a follow does not end")));
    return;
  }
  events.reader = agent;
  events.log = std::move(log);
  events.keep_alive = request.keep_alive();
  events_ = std::move(events);
  write_ready();
}

void HttpSession::begin_events() {
  events_->has_begun = true;
  events_header_ = std::make_unique<http::response<http::empty_body>>(http::status::ok, 11);
  events_header_->set(http::field::content_type, "application/x-ndjson");
  events_header_->keep_alive(events_->keep_alive);
  events_header_->chunked(true);
  events_serializer_ = std::make_unique<http::response_serializer<http::empty_body>>(*events_header_);
  stream_.expires_after(context_.limits.idle_timeout);
  http::async_write_header(stream_, *events_serializer_, [self = shared_from_this()](beast::error_code error, std::size_t) {
    if (error) return self->close_now();
    self->stream_.expires_never();
    if (self->events_->is_following) {
      self->log_follow_start();
      self->watch_follower();
    }
    self->pump_events();
  });
}

void HttpSession::pump_events() {
  if (is_closed_) return;
  const std::int64_t from = events_->next_position;
  std::int64_t wanted = events_per_page;
  if (events_->events_max) {
    wanted = std::min(wanted, *events_->events_max - events_->events_sent);
    if (wanted == 0) {
      // The page is full: its end says where the next one starts.
      nlohmann::ordered_json end = cmd::end_of_export_json(events_->events_sent, events_->last_hash);
      end["end_of_export"]["next_from"] = events_->next_position;
      write_chunk(cmd::json_line(end) + "\n", &HttpSession::end_events);
      return;
    }
  }
  // The reader thread gets its own copy of the reader: events_ belongs to this connection's thread.
  const bool is_queued = context_.readers.post([self = shared_from_this(), from, wanted, reader = events_->reader](eventstore::EventStore& store) {
    auto page = read_event_page(store, from, wanted, reader);
    net::post(self->stream_.get_executor(), [self, page = std::move(page)]() mutable { self->on_event_page(std::move(page)); });
  });
  if (!is_queued) {
    log_follow_end("server_stopping");
    end_events();
  }
}

void HttpSession::on_event_page(eventstore::StoreResult<EventPage> page) {
  if (is_closed_) return;
  if (!page) {
    // The status is already sent: ending the stream early is all that is left.
    spdlog::error("event=events_failed target={} error=\"{}\"", domain::printable(events_->log.target), domain::printable(page.error().message));
    log_follow_end("store_failure");
    end_events();
    return;
  }
  if (page->events > 0) {
    events_->next_position = page->next_position;
    events_->events_sent += page->events;
    events_->last_hash = page->last_hash;
    write_chunk(std::move(page->lines), &HttpSession::pump_events);
    return;
  }
  if (!events_->is_following) {
    write_chunk(cmd::json_line(cmd::end_of_export_json(events_->events_sent, events_->last_hash)) + "\n", &HttpSession::end_events);
    return;
  }
  if (context_.feed.is_closed()) {
    log_follow_end("server_stopping");
    end_events();
    return;
  }
  context_.feed.wait(events_->next_position - 1, [self = shared_from_this()] {
    net::post(self->stream_.get_executor(), [self] { self->pump_events(); });
  });
}

void HttpSession::write_chunk(std::string data, void (HttpSession::*next)()) {
  chunk_ = std::move(data);
  stream_.expires_after(context_.limits.idle_timeout);
  net::async_write(stream_, http::make_chunk(net::buffer(chunk_)),
                   [self = shared_from_this(), next](beast::error_code error, std::size_t) {
                     if (error) return self->close_now();
                     self->stream_.expires_never();
                     ((*self).*next)();
                   });
}

void HttpSession::end_events() {
  if (is_closed_) return;
  stream_.expires_after(context_.limits.idle_timeout);
  net::async_write(stream_, http::make_chunk_last(), [self = shared_from_this()](beast::error_code error, std::size_t) {
    self->log_answer(self->events_->log, 200);
    const bool keep_alive = self->events_->keep_alive && !self->context_.feed.is_closed();
    self->events_.reset();
    if (error) return self->close_now();
    if (!keep_alive) return self->linger();
    self->read_next();
  });
}

void HttpSession::log_follow_start() const {
  spdlog::info("event=follow_start target={} from={}", domain::printable(events_->log.target), events_->next_position);
}

void HttpSession::log_follow_end(std::string_view reason) {
  if (!events_ || !events_->is_following || !events_->has_begun || events_->is_end_logged) return;
  events_->is_end_logged = true;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - events_->log.start).count();
  spdlog::info("event=follow_end target={} reason={} events_sent={} next_from={} duration_s={:.3f}",
               domain::printable(events_->log.target), reason, events_->events_sent, events_->next_position, seconds);
}

// A follower sends nothing while it waits; a readable socket then means it
// hung up, and the stream should not wait for the next event to notice.
//
// A follower whose network vanished (a laptop asleep, a NAT that forgot the
// connection) sends no hang-up: TCP keepalive probes find it within about
// two minutes, and the wait below then ends with an error.
void HttpSession::watch_follower() {
  beast::error_code keepalive_refused;  // then only a hang-up is noticed
  stream_.socket().set_option(net::socket_base::keep_alive(true), keepalive_refused);
  const int native = stream_.socket().native_handle();
  const int idle_seconds = 60, probe_interval_seconds = 10, probes = 6;
  ::setsockopt(native, IPPROTO_TCP, TCP_KEEPIDLE, &idle_seconds, sizeof idle_seconds);
  ::setsockopt(native, IPPROTO_TCP, TCP_KEEPINTVL, &probe_interval_seconds, sizeof probe_interval_seconds);
  ::setsockopt(native, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
  stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code error) {
    if (self->is_closed_ || !self->events_) return;
    beast::error_code ignored;
    if (error || self->stream_.socket().available(ignored) == 0) self->close_now();
  });
}

}  // namespace csp::server
