#include "reliability/lying_requests.h"

#include <algorithm>
#include <chrono>

#include "reliability/raw_socket.h"

namespace csp::reliability {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t problems_kept_max = 5;
constexpr auto pause_between = std::chrono::milliseconds(100);
// Past its limit a server may take what its buffers and a lingering close
// swallow (64 MiB in csp-ledgerd) before it stops reading; a sender that
// gets this far past the limit without an answer was never stopped.
constexpr std::uint64_t sent_past_limit_max = 96ull << 20;
constexpr int wait_beyond_idle_ms = 5000;
const std::string source = "127.0.0.30";

struct Lie {
  const char* kind;
  // The request up to where it starts to lie.
  std::string (*opening)(const std::string& token, const ServerBounds& bounds);
  // What is sent after it again and again until the server answers or
  // stops reading; empty: nothing more, the client just waits.
  std::string (*endless_part)(const ServerBounds& bounds);
};

std::string post_header(const std::string& token, const std::string& framing) {
  return "POST /commands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\n" + framing + "\r\n";
}

const std::string command_start = R"({"command":"GrantRole","agent":"liar@partner.example","role":"sales-agent"})";

const Lie lies[] = {
    {"chunk longer than sent",  // 256 bytes promised, 20 sent, then silence
     [](const std::string& token, const ServerBounds&) {
       return post_header(token, "Transfer-Encoding: chunked\r\n") + "100\r\n" + command_start.substr(0, 20);
     },
     [](const ServerBounds&) { return std::string(); }},
    {"chunk shorter than sent",  // 4 bytes promised, the whole command sent
     [](const std::string& token, const ServerBounds&) {
       return post_header(token, "Transfer-Encoding: chunked\r\n") + "4\r\n" + command_start + "\r\n0\r\n\r\n";
     },
     [](const ServerBounds&) { return std::string(); }},
    {"chunk never ending",  // one chunk of 4 GiB
     [](const std::string& token, const ServerBounds&) {
       return post_header(token, "Transfer-Encoding: chunked\r\n") + "FFFFFFFF\r\n";
     },
     [](const ServerBounds&) { return std::string(64 << 10, ' '); }},
    {"chunks never ending",  // 4 KiB chunks, never the last one
     [](const std::string& token, const ServerBounds&) {
       return post_header(token, "Transfer-Encoding: chunked\r\n");
     },
     [](const ServerBounds&) { return "1000\r\n" + std::string(4096, ' ') + "\r\n"; }},
    {"header oversized",
     [](const std::string&, const ServerBounds& bounds) {
       return "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(4 * bounds.header_bytes_max, 'a') +
              "\r\n\r\n";
     },
     [](const ServerBounds&) { return std::string(); }},
    {"body oversized",  // a Content-Length twice the limit, and the bytes
     [](const std::string& token, const ServerBounds& bounds) {
       return post_header(token, "Content-Length: " + std::to_string(2 * bounds.body_bytes_max) + "\r\n");
     },
     [](const ServerBounds&) { return std::string(64 << 10, ' '); }},
};

struct Outcome {
  bool is_stopped = false;
  std::string why_not;
};

Outcome judge(const Received& received, std::uint64_t sent_past_limit) {
  const unsigned status = status_of(received.bytes);
  if (status >= 200 && status < 300) return {false, "answered " + std::to_string(status)};
  if (sent_past_limit > sent_past_limit_max) {
    return {false, "took " + std::to_string(sent_past_limit >> 20) + " MiB past the limit without stopping it"};
  }
  if (status >= 400 && status < 500) return {true, ""};
  if (received.is_closed_by_server) return {true, ""};
  return {false, "neither refused nor closed within the idle timeout and " + std::to_string(wait_beyond_idle_ms) + " ms"};
}

Outcome tell(const Lie& lie, unsigned short port, const std::string& token, const ServerBounds& bounds) {
  const int wait_ms = bounds.idle_timeout_seconds * 1000 + wait_beyond_idle_ms;
  RawSocket socket(source, port, wait_ms);
  const std::string opening = lie.opening(token, bounds);
  const std::string endless = lie.endless_part(bounds);
  std::uint64_t sent = 0;
  bool is_sending = socket.send_all(opening);
  if (is_sending) sent += opening.size();
  while (is_sending && !endless.empty() && !socket.is_readable()) {
    if (sent > bounds.body_bytes_max + sent_past_limit_max) break;
    is_sending = socket.send_all(endless);
    if (is_sending) sent += endless.size();
  }
  const Received received = socket.read_until_closed(1 << 20, wait_ms);
  return judge(received, sent > bounds.body_bytes_max ? sent - bounds.body_bytes_max : 0);
}

}  // namespace

LyingRequests::LyingRequests(unsigned short port, std::string token, const ServerBounds& bounds)
    : port_(port), token_(std::move(token)), bounds_(bounds) {
  for (const Lie& lie : lies) {
    LieTally tally;
    tally.kind = lie.kind;
    tallies_.push_back(tally);
  }
  for (std::size_t kind = 0; kind < std::size(lies); ++kind) {
    threads_.emplace_back([this, kind] { send_again_and_again(kind); });
  }
}

LyingRequests::~LyingRequests() {
  is_stopping_ = true;
  for (auto& thread : threads_) thread.join();
}

std::vector<LieTally> LyingRequests::tallies() const {
  std::lock_guard lock(mutex_);
  return tallies_;
}

void LyingRequests::send_again_and_again(std::size_t kind) {
  while (!is_stopping_.load()) {
    const auto start = Clock::now();
    Outcome outcome;
    try {
      outcome = tell(lies[kind], port_, token_, bounds_);
    } catch (const std::exception& error) {
      outcome = {false, error.what()};
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    {
      std::lock_guard lock(mutex_);
      LieTally& tally = tallies_[kind];
      ++tally.sent;
      if (outcome.is_stopped) {
        ++tally.stopped;
        tally.stop_seconds_max = std::max(tally.stop_seconds_max, seconds);
      } else {
        ++tally.let_through;
        if (tally.problems.size() < problems_kept_max) tally.problems.push_back(tally.kind + ": " + outcome.why_not);
      }
    }
    std::this_thread::sleep_for(pause_between);
  }
}

}  // namespace csp::reliability
