// What a hostile caller may try on the real csp-ledgerd: thousands of idle
// or byte-a-second connections, too many from one address, keys given
// twice, bytes that are not UTF-8 in what gets logged; and the modes of the
// files it reads and makes.

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "server_harness.h"

namespace csp::server::testing {
namespace {

using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// The test holds thousands of sockets, and csp-ledgerd, which inherits
// the limit, as many.
void raise_descriptor_limit(rlim_t wanted) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
  }
  ASSERT_GE(limit.rlim_cur, wanted) << "raise the hard limit on open files (ulimit -Hn)";
}

// Blocking reads and writes on `socket` fail after `seconds` instead of
// hanging the test.
void bound_blocking_io(tcp::socket& socket, int seconds) {
  const timeval bound{seconds, 0};
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &bound, sizeof bound);
  ::setsockopt(socket.native_handle(), SOL_SOCKET, SO_SNDTIMEO, &bound, sizeof bound);
}

// A connection from `source`, one of the loopback addresses 127.0.0.0/8:
// each is another client address to the server.
tcp::socket connect_from(net::io_context& io, const std::string& source, unsigned short port) {
  tcp::socket socket(io);
  socket.open(tcp::v4());
  socket.bind(tcp::endpoint(net::ip::make_address(source), 0));
  socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  bound_blocking_io(socket, 20);
  return socket;
}

std::vector<tcp::socket> connect_many(net::io_context& io, const std::string& source, int count, unsigned short port) {
  std::vector<tcp::socket> sockets;
  for (int i = 0; i < count; ++i) sockets.push_back(connect_from(io, source, port));
  return sockets;
}

struct Closing {
  std::string received;
  bool is_closed_by_server = false;  // false: the read timed out
};

Closing read_until_closed(tcp::socket& socket) {
  Closing closing;
  std::array<char, 4096> buffer{};
  while (true) {
    beast::error_code error;
    const std::size_t got = socket.read_some(net::buffer(buffer), error);
    closing.received.append(buffer.data(), got);
    if (error) {
      closing.is_closed_by_server = error == net::error::eof || error == net::error::connection_reset;
      return closing;
    }
  }
}

std::uint64_t metric(const std::string& metrics, const std::string& name) {
  const std::size_t at = metrics.find("\n" + name + " ");
  if (at == std::string::npos) return 0;
  return std::stoull(metrics.substr(at + name.size() + 2));
}

std::uint64_t closed_for(const std::string& metrics, const std::string& reason) {
  return metric(metrics, "csp_ledger_connections_closed_total{reason=\"" + reason + "\"}");
}

std::string slurp(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// Hostile connections kept up on a thread of their own: idle ones send
// nothing, slow ones one byte of a never-ending request header each tick.
// Every one the server closes is opened again at the next tick.
class Attack {
 public:
  struct Group {
    std::string source;
    int connections = 0;
    bool is_slow = false;
  };

  Attack(unsigned short port, const std::vector<Group>& groups, std::chrono::milliseconds tick)
      : server_(net::ip::make_address("127.0.0.1"), port), tick_(tick), timer_(io_) {
    for (const Group& group : groups) {
      for (int i = 0; i < group.connections; ++i) {
        attackers_.push_back(std::make_unique<Attacker>(io_, net::ip::make_address(group.source), group.is_slow));
      }
    }
    for (auto& attacker : attackers_) open(*attacker);
    arm();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~Attack() { stop(); }
  Attack(const Attack&) = delete;
  Attack& operator=(const Attack&) = delete;

  void stop() {
    if (!thread_.joinable()) return;
    net::post(io_, [this] {
      is_stopping_ = true;
      timer_.cancel();
      for (auto& attacker : attackers_) {
        beast::error_code ignored;
        attacker->socket.close(ignored);
      }
    });
    thread_.join();
  }

  std::int64_t connects() const { return connects_.load(); }
  std::int64_t closed_by_server() const { return closed_by_server_.load(); }
  std::int64_t slow_closed_by_server() const { return slow_closed_by_server_.load(); }
  double slow_lifetime_max_seconds() const { return static_cast<double>(slow_lifetime_max_ms_.load()) / 1000; }

 private:
  struct Attacker {
    Attacker(net::io_context& io, net::ip::address from, bool slow) : socket(io), source(from), is_slow(slow) {}
    tcp::socket socket;
    net::ip::address source;
    bool is_slow = false;
    bool is_open = false;
    bool is_writing = false;
    std::size_t sent = 0;
    Clock::time_point opened;
    std::array<char, 1024> buffer{};
  };

  // A header that never ends: a byte a tick would take minutes to send it.
  static const std::string& slow_header() {
    static const std::string header = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(4000, 'a');
    return header;
  }

  void open(Attacker& attacker) {
    attacker.is_open = true;
    attacker.sent = 0;
    beast::error_code error;
    attacker.socket.open(tcp::v4(), error);
    if (!error) attacker.socket.bind(tcp::endpoint(attacker.source, 0), error);
    if (error) return closed(attacker, false);
    attacker.socket.async_connect(server_, [this, &attacker](beast::error_code connected) {
      if (connected) return closed(attacker, false);
      ++connects_;
      attacker.opened = Clock::now();
      read(attacker);
    });
  }

  void read(Attacker& attacker) {
    attacker.socket.async_read_some(net::buffer(attacker.buffer), [this, &attacker](beast::error_code error, std::size_t) {
      if (error) return closed(attacker, true);
      read(attacker);
    });
  }

  void closed(Attacker& attacker, bool was_connected) {
    if (!attacker.is_open) return;
    attacker.is_open = false;
    beast::error_code ignored;
    attacker.socket.close(ignored);
    if (!was_connected || is_stopping_) return;
    ++closed_by_server_;
    if (attacker.is_slow) {
      ++slow_closed_by_server_;
      const auto lived = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - attacker.opened).count();
      slow_lifetime_max_ms_ = std::max<std::int64_t>(slow_lifetime_max_ms_.load(), lived);
    }
  }

  void arm() {
    timer_.expires_after(tick_);
    timer_.async_wait([this](beast::error_code error) {
      if (error || is_stopping_) return;
      for (auto& attacker : attackers_) {
        if (!attacker->is_open && !attacker->is_writing) {
          open(*attacker);
        } else if (attacker->is_slow && attacker->is_open && !attacker->is_writing && attacker->sent < slow_header().size()) {
          attacker->is_writing = true;
          net::async_write(attacker->socket, net::buffer(&slow_header()[attacker->sent], 1),
                           [a = attacker.get()](beast::error_code, std::size_t written) {
                             a->is_writing = false;
                             a->sent += written;
                           });
        }
      }
      arm();
    });
  }

  net::io_context io_;
  tcp::endpoint server_;
  std::chrono::milliseconds tick_;
  net::steady_timer timer_;
  std::vector<std::unique_ptr<Attacker>> attackers_;
  bool is_stopping_ = false;  // on the attack's thread only
  std::atomic<std::int64_t> connects_{0};
  std::atomic<std::int64_t> closed_by_server_{0};
  std::atomic<std::int64_t> slow_closed_by_server_{0};
  std::atomic<std::int64_t> slow_lifetime_max_ms_{0};
  std::thread thread_;
};

// One round of a well-behaved client on a new connection: /health, a
// command and a report, each answered 200.
double normal_round_seconds(unsigned short port, int round) {
  const auto start = Clock::now();
  HttpClient client(port);
  bound_blocking_io(client.stream().socket(), 20);
  EXPECT_EQ(client.get("/health", std::nullopt).status, 200u) << "round " << round;
  const HttpAnswer grant = client.post(
      {{"id", "grant-sam"}, {"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}});
  EXPECT_EQ(grant.status, 200u) << "round " << round << ": " << grant.body;
  EXPECT_EQ(client.get("/reports/customers").status, 200u) << "round " << round;
  return std::chrono::duration<double>(Clock::now() - start).count();
}

TEST(ConnectionExhaustion, ANormalClientIsAnsweredThroughout2000IdleAnd100ByteASecondConnections) {
  raise_descriptor_limit(16384);
  // Flags as shipped but the header timeout, shortened so the test takes
  // seconds; 1,024 places, 128 per address.
  ServerFixture server({"--header-timeout-seconds", "1", "--idle-timeout-seconds", "30"});
  HttpClient keep_alive = server.client();
  bound_blocking_io(keep_alive.stream().socket(), 20);
  ASSERT_EQ(keep_alive.get("/health", std::nullopt).status, 200u);

  std::vector<Attack::Group> groups;
  for (int i = 2; i < 22; ++i) groups.push_back({"127.0.0." + std::to_string(i), 100, false});
  groups.push_back({"127.0.0.22", 50, true});
  groups.push_back({"127.0.0.23", 50, true});
  Attack attack(server.port(), groups, std::chrono::milliseconds(200));

  // The rounds go on until the server has been full, shedding, for 20
  // rounds, and the slow connections have been closed 100 times.
  const double latency_bound_seconds = 10;
  std::vector<double> latencies;
  int rounds_while_shedding = 0;
  const auto give_up = Clock::now() + std::chrono::seconds(40);
  std::string metrics;
  while (rounds_while_shedding < 20 || attack.slow_closed_by_server() < 100) {
    ASSERT_LT(Clock::now(), give_up) << "the attack never filled the server: " << attack.connects() << " connects";
    latencies.push_back(normal_round_seconds(server.port(), static_cast<int>(latencies.size())));
    ASSERT_LT(latencies.back(), latency_bound_seconds) << "round " << latencies.size();
    ASSERT_EQ(keep_alive.get("/health", std::nullopt).status, 200u) << "the keep-alive client was dropped";
    metrics = server.client().get("/metrics").body;
    if (closed_for(metrics, "shed") > 0) ++rounds_while_shedding;
    if (HasFailure()) break;
  }
  attack.stop();
  std::sort(latencies.begin(), latencies.end());
  const double p99 = latencies[latencies.size() * 99 / 100];
  std::cout << "exhaustion: rounds=" << latencies.size() << " round_seconds_median=" << latencies[latencies.size() / 2]
            << " round_seconds_p99=" << p99 << " round_seconds_max=" << latencies.back()
            << " attack_connects=" << attack.connects() << " closed_by_server=" << attack.closed_by_server()
            << " slow_closed=" << attack.slow_closed_by_server()
            << " slow_lifetime_max_seconds=" << attack.slow_lifetime_max_seconds()
            << " shed=" << closed_for(metrics, "shed") << " header_timeouts=" << closed_for(metrics, "header_timeout")
            << " refused_full=" << closed_for(metrics, "refused_full") << "\n";
  EXPECT_GT(closed_for(metrics, "shed"), 0u);
  // Slow connections are closed by the header timeout or shed, never left
  // to the 30 s idle timeout.
  EXPECT_LT(attack.slow_lifetime_max_seconds(), 30.0);
  EXPECT_EQ(server.stop(), 0);
}

TEST(HeaderTimeout, AHeaderNotCompleteInTimeClosesTheConnectionButAnIdleKeepAliveOneStays) {
  ServerFixture server({"--header-timeout-seconds", "1", "--idle-timeout-seconds", "600"});
  HttpClient keep_alive = server.client();
  bound_blocking_io(keep_alive.stream().socket(), 20);
  ASSERT_EQ(keep_alive.get("/health", std::nullopt).status, 200u);

  net::io_context io;
  tcp::socket silent = connect_from(io, "127.0.0.1", server.port());
  tcp::socket partial = connect_from(io, "127.0.0.1", server.port());
  net::write(partial, net::buffer(std::string("GET /health HTTP/1.1\r\nHo")));
  EXPECT_TRUE(read_until_closed(silent).is_closed_by_server) << "a connection sending nothing";
  EXPECT_TRUE(read_until_closed(partial).is_closed_by_server) << "a connection sending half a header";
  // Idle for longer than the header timeout, between requests.
  EXPECT_EQ(keep_alive.get("/health", std::nullopt).status, 200u);
  // The stream's timer closes the socket before the read's handler counts
  // the close: on a busy machine the client can see both closes first.
  std::string metrics;
  for (int attempt = 0; attempt < 50; ++attempt) {
    metrics = server.client().get("/metrics").body;
    if (closed_for(metrics, "header_timeout") >= 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(closed_for(metrics, "header_timeout"), 2u) << metrics;
  EXPECT_EQ(server.stop(), 0);
}

TEST(ConnectionsPerAddress, OneAddressPastItsCapGets503WhileOthersAreServed) {
  ServerFixture server({"--connections-per-address-max", "8", "--header-timeout-seconds", "60"});
  net::io_context io;
  const std::vector<tcp::socket> held = connect_many(io, "127.0.0.9", 8, server.port());
  tcp::socket ninth = connect_from(io, "127.0.0.9", server.port());
  const Closing refused = read_until_closed(ninth);
  EXPECT_TRUE(refused.is_closed_by_server);
  EXPECT_EQ(refused.received.rfind("HTTP/1.1 503", 0), 0u) << refused.received;
  EXPECT_NE(refused.received.find("too many connections from 127.0.0.9 (at most 8)"), std::string::npos) << refused.received;
  EXPECT_EQ(server.client().get("/health", std::nullopt).status, 200u) << "127.0.0.1 is another address";
  EXPECT_EQ(server.stop(), 0);
}

TEST(ConnectionsMax, ANewcomerTakesThePlaceOfTheLongestWaitingConnection) {
  ServerFixture server({"--connections-max", "4", "--header-timeout-seconds", "60"});
  net::io_context io;
  std::vector<tcp::socket> idle = connect_many(io, "127.0.0.5", 4, server.port());
  HttpClient newcomer = server.client();
  bound_blocking_io(newcomer.stream().socket(), 20);
  EXPECT_EQ(newcomer.get("/health", std::nullopt).status, 200u);
  EXPECT_TRUE(read_until_closed(idle.front()).is_closed_by_server) << "the oldest idle connection gave up its place";
  // A caller with a token is let in the same way.
  HttpClient second = server.client();
  bound_blocking_io(second.stream().socket(), 20);
  EXPECT_EQ(second.get("/reports/customers").status, 200u);
  EXPECT_EQ(closed_for(second.get("/metrics").body, "shed"), 2u);
  EXPECT_EQ(server.stop(), 0);
}

TEST(DuplicateKeys, ABodyGivingAKeyTwiceIsRefusedNamingTheKey) {
  ServerFixture server;
  HttpClient client = server.client();
  const std::string twice = R"({"command":"GrantRole","agent":"sam@partner.example","agent":"eve@partner.example","role":"sales-agent"})";
  HttpAnswer answer = client.send(http::verb::post, "/commands", twice);
  EXPECT_EQ(answer.status, 400u) << answer.body;
  EXPECT_EQ(answer.json()["error"]["code"], "invalid_input");
  EXPECT_EQ(answer.json()["error"]["message"], "field \"agent\" is given twice: give each field once");

  const std::string once = R"({"command":"GrantRole","agent":"sam@partner.example","role":"sales-agent"})";
  answer = client.send(http::verb::post, "/commands", once + "\n" + R"({"command":"GrantRole","role":"x","role":"y"})" + "\n");
  ASSERT_EQ(answer.status, 200u) << answer.body;
  const auto lines = answer.json_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["ok"], true);
  EXPECT_EQ(lines[1]["error"]["message"], "line 2: field \"role\" is given twice: give each field once");
  EXPECT_EQ(query_integer(server.db(), "SELECT count(*) FROM events"), 2) << "init and one grant";
}

TEST(LogLines, TheCallersBytesAreEscapedNeverWrittenRaw) {
  ServerFixture server;
  net::io_context io;
  tcp::socket raw = connect_from(io, "127.0.0.1", server.port());
  net::write(raw, net::buffer(std::string("GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")));
  EXPECT_NE(read_until_closed(raw).received.find(" 401 "), std::string::npos);
  HttpClient client = server.client();
  const HttpAnswer answer = client.post({{"id", "c-1\nmethod=GET target=/forged status=200"}, {"command", "GrantRole"},
                                         {"agent", "sam@partner.example"}, {"role", "sales-agent"}});
  EXPECT_EQ(answer.status, 400u) << "a command id is one line: " << answer.body;
  ASSERT_EQ(server.stop(), 0);
  const std::string log = slurp(server.log_path());
  EXPECT_NE(log.find("target=/\\xff\\xfe status=401"), std::string::npos) << log;
  EXPECT_EQ(log.find("\xff"), std::string::npos) << "no raw byte";
  EXPECT_NE(log.find("command_id=c-1\\x0amethod=GET target=/forged"), std::string::npos) << log;
  EXPECT_EQ(log.find("\nmethod=GET target=/forged"), std::string::npos) << "no forged line";
}

unsigned mode_of(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return 0;
  return static_cast<unsigned>(status.st_mode & 07777);
}

TEST(FileModes, TheLedgerAndItsWalAndShmAreOwnerOnlyUnderAPermissiveUmask) {
  const mode_t before = ::umask(0002);
  {
    ServerFixture server;  // the ledger made by csp-ledger init, then served
    const HttpAnswer answer =
        server.client().post({{"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}});
    EXPECT_EQ(answer.status, 200u) << answer.body;
    // While the server holds the ledger open, SQLite keeps its -wal and -shm.
    for (const char* suffix : {"", "-wal", "-shm"}) EXPECT_EQ(mode_of(server.db() + suffix), 0600u) << "ledger.db" << suffix;
    EXPECT_EQ(server.stop(), 0);
  }
  ::umask(before);
}

TEST(FileModes, ATokensFileOthersMayReadIsRefusedSayingHowToFixIt) {
  ServerFixture server;
  EXPECT_EQ(server.stop(), 0);
  for (const auto mode : {0644u, 0640u, 0602u}) {
    ::chmod(server.tokens_path().c_str(), mode);
    const std::string err = server.tokens_path() + ".err";
    const std::string command = quoted(CSP_LEDGERD_BIN) + " --db " + quoted(server.db()) + " --tokens " +
                                quoted(server.tokens_path()) + " --listen 127.0.0.1:0 > /dev/null 2> " + quoted(err);
    const int raw = std::system(command.c_str());
    EXPECT_EQ(WEXITSTATUS(raw), 2) << std::oct << mode;
    const std::string message = slurp(err);
    EXPECT_NE(message.find("run `chmod 600 " + server.tokens_path() + "`"), std::string::npos) << message;
  }
  ::chmod(server.tokens_path().c_str(), 0600);
  server.start();
  EXPECT_EQ(server.client().get("/metrics").status, 200u);
}

}  // namespace
}  // namespace csp::server::testing
