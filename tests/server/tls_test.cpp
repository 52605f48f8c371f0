// HTTPS with --tls-cert and --tls-key (DESIGN.md, "Server"), checked with
// curl against a self-signed certificate made by the openssl command line,
// and the refusal of plain HTTP beyond loopback without --insecure-listen.

#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <chrono>
#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <boost/asio/ssl.hpp>
#include <gtest/gtest.h>

#include "server/server_harness.h"
#include "server/shell.h"

namespace csp::server::testing {
namespace {

// A certificate for 127.0.0.1 and localhost, signed by its own key: the
// certificate is its own CA, which curl is given with --cacert.
struct CertificatePair {
  std::string certificate;
  std::string key;
};

CertificatePair make_certificate(const csp::testing::TempDir& dir, const std::string& name) {
  CertificatePair pair{dir.file(name + "-cert.pem"), dir.file(name + "-key.pem")};
  const ShellResult made = run_shell(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost "
      "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " + shell_quoted(pair.key) + " -out " + shell_quoted(pair.certificate));
  if (made.status != 0) throw std::runtime_error("openssl req failed: " + made.output);
  return pair;
}

std::string file_text(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// curl's output is the body, then the status code on a line of its own.
ShellResult curl(const std::string& arguments) {
  return run_shell("curl -sS --max-time 20 -w '\\n%{http_code}' " + arguments);
}

std::string bearer(const std::string& token) { return "-H " + shell_quoted("Authorization: Bearer " + token) + " "; }

// What a read to the end of a stream got, and how the stream ended.
struct Ending {
  std::string received;
  boost::system::error_code error = net::error::timed_out;  // nothing ended within the time allowed
};

// Reads from `stream` until it ends or `time_max` passes.
template <class Stream>
Ending read_to_end(net::io_context& io, Stream& stream, std::chrono::seconds time_max) {
  Ending ending;
  bool is_ended = false;
  std::array<char, 4096> bytes{};
  std::function<void()> read_more = [&] {
    stream.async_read_some(net::buffer(bytes), [&](boost::system::error_code error, std::size_t read) {
      ending.received.append(bytes.data(), read);
      if (error) {
        is_ended = true;
        ending.error = error;
        return;
      }
      read_more();
    });
  };
  read_more();
  io.restart();
  io.run_for(time_max);
  if (!is_ended) {
    // The read still pending refers to this frame: it is ended before the frame is.
    stream.lowest_layer().cancel();
    io.restart();
    io.run();
    ending.error = net::error::timed_out;
  }
  return ending;
}

// An HTTPS client on one connection, through Asio's TLS stream, which
// tells a close_notify (a clean eof) from a TCP close without one
// (ssl::error::stream_truncated).
class TlsClient {
 public:
  TlsClient(unsigned short port, const std::string& certificate) {
    tls_.load_verify_file(certificate);
    tls_.set_verify_mode(net::ssl::verify_peer);
    stream_.next_layer().connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    stream_.handshake(net::ssl::stream_base::client);
  }
  void send(const std::string& request) { net::write(stream_, net::buffer(request)); }
  // Reads until `text` has arrived.
  std::string read_until_seen(const std::string& text) {
    std::string received;
    std::array<char, 4096> bytes{};
    while (received.find(text) == std::string::npos) received.append(bytes.data(), stream_.read_some(net::buffer(bytes)));
    return received;
  }
  Ending read_to_end(std::chrono::seconds time_max) { return testing::read_to_end(io_, stream_, time_max); }
  // Below TLS: whether the server closed the TCP connection too.
  Ending read_tcp_to_end(std::chrono::seconds time_max) { return testing::read_to_end(io_, stream_.next_layer(), time_max); }

 private:
  net::io_context io_;
  net::ssl::context tls_{net::ssl::context::tls_client};
  net::ssl::stream<net::ip::tcp::socket> stream_{io_, tls_};
};

const std::string health_request = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";
const std::string health_request_closing = "GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

// A read that must end within a test's life: long enough for a loaded machine.
constexpr std::chrono::seconds ending_wait_max{20};

class Tls : public ::testing::Test {
 protected:
  csp::testing::TempDir certificates_;
  CertificatePair pair_ = make_certificate(certificates_, "server");
};

TEST_F(Tls, AnHttpsRequestTrustingTheCertificateIsAnswered) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key});
  const std::string base = "--cacert " + shell_quoted(pair_.certificate) + " https://127.0.0.1:" + std::to_string(server.port());
  const ShellResult health = curl(base + "/health");
  ASSERT_EQ(health.status, 0) << health.output;
  EXPECT_NE(health.output.find("\"head_position\":1"), std::string::npos) << health.output;
  EXPECT_TRUE(health.output.ends_with("\n200")) << health.output;

  const ShellResult command = curl(bearer(admin_token) + "-d " +
                                   shell_quoted(R"({"command":"GrantRole","agent":"sam@partner.example","role":"sales-agent"})") +
                                   " " + base + "/commands");
  ASSERT_EQ(command.status, 0) << command.output;
  EXPECT_NE(command.output.find("\"ok\":true"), std::string::npos) << command.output;
  const ShellResult agents = curl(bearer(admin_token) + base + "/reports/agents");
  EXPECT_NE(agents.output.find("sam@partner.example"), std::string::npos) << agents.output;
  const ShellResult no_token = curl(base + "/reports/agents");
  EXPECT_TRUE(no_token.output.ends_with("\n401")) << no_token.output;
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Tls, ACertificateTheClientDoesNotTrustFailsItsHandshake) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key});
  const csp::testing::TempDir other_dir;
  const CertificatePair other = make_certificate(other_dir, "other");
  const ShellResult refused = curl("--cacert " + shell_quoted(other.certificate) + " https://127.0.0.1:" + std::to_string(server.port()) + "/health");
  EXPECT_EQ(refused.status, 60) << "curl: peer certificate cannot be authenticated: " << refused.output;
}

TEST_F(Tls, PlainHttpToTheTlsPortFailsAndOnlyThatConnectionEnds) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key});
  const std::string port = std::to_string(server.port());
  const ShellResult plain = curl("http://127.0.0.1:" + port + "/health");
  EXPECT_NE(plain.status, 0) << plain.output;
  EXPECT_EQ(plain.output.find("head_position"), std::string::npos) << plain.output;
  // The server goes on answering, and counts the failed handshake.
  const ShellResult metrics = curl(bearer(admin_token) + "--cacert " + shell_quoted(pair_.certificate) + " https://127.0.0.1:" + port + "/metrics");
  ASSERT_EQ(metrics.status, 0) << metrics.output;
  EXPECT_NE(metrics.output.find("csp_ledger_connections_closed_total{reason=\"handshake_failed\"} 1"), std::string::npos)
      << metrics.output;
  EXPECT_EQ(server.stop(), 0);
  const std::string log = file_text(server.log_path());
  EXPECT_NE(log.find("event=tls_handshake_failed peer=127.0.0.1"), std::string::npos) << log;
}

TEST_F(Tls, AHandshakeNotDoneWithinTheHeaderTimeoutClosesTheConnection) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key, "--header-timeout-seconds", "1"});
  net::io_context io;
  net::ip::tcp::socket silent(io);
  silent.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
  const timeval read_time_max{20, 0};  // a server that never closes fails the test rather than hanging it
  ::setsockopt(silent.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &read_time_max, sizeof read_time_max);
  std::array<char, 64> bytes{};
  boost::system::error_code error;
  const std::size_t read = silent.read_some(net::buffer(bytes), error);
  EXPECT_EQ(error, net::error::eof) << error.message();
  EXPECT_EQ(read, 0u);
  // The stream's timer closes the socket before the handshake's handler
  // counts the close: the count may lag the client's sight of it.
  std::string metrics;
  for (int attempt = 0; attempt < 50; ++attempt) {
    metrics = curl(bearer(admin_token) + "--cacert " + shell_quoted(pair_.certificate) + " https://127.0.0.1:" +
                   std::to_string(server.port()) + "/metrics").output;
    if (metrics.find("{reason=\"handshake_timeout\"} 1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_NE(metrics.find("csp_ledger_connections_closed_total{reason=\"handshake_timeout\"} 1"), std::string::npos) << metrics;
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Tls, AnAnswerWithConnectionCloseEndsWithCloseNotify) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key});
  TlsClient client(server.port(), pair_.certificate);
  client.send(health_request_closing);
  const Ending ending = client.read_to_end(ending_wait_max);
  EXPECT_EQ(ending.error, net::error::eof) << "a clean TLS end, not a cut (stream_truncated): " << ending.error.message();
  EXPECT_NE(ending.received.find("\"head_position\":1"), std::string::npos) << ending.received;
  // The client never answers with its own close_notify: the server closes anyway.
  EXPECT_EQ(client.read_tcp_to_end(ending_wait_max).error, net::error::eof);
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Tls, AnIdleTimeoutEndsWithCloseNotifyAndIsCounted) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key, "--idle-timeout-seconds", "1"});
  TlsClient client(server.port(), pair_.certificate);
  client.send(health_request);
  const Ending ending = client.read_to_end(ending_wait_max);
  EXPECT_EQ(ending.error, net::error::eof) << ending.error.message();
  EXPECT_NE(ending.received.find("\"head_position\":1"), std::string::npos) << ending.received;
  EXPECT_EQ(client.read_tcp_to_end(ending_wait_max).error, net::error::eof);
  const ShellResult metrics = curl(bearer(admin_token) + "--cacert " + shell_quoted(pair_.certificate) + " https://127.0.0.1:" +
                                   std::to_string(server.port()) + "/metrics");
  EXPECT_NE(metrics.output.find("csp_ledger_connections_closed_total{reason=\"idle_timeout\"} 1"), std::string::npos) << metrics.output;
  EXPECT_EQ(server.stop(), 0);
}

TEST_F(Tls, AStoppingServerEndsIdleConnectionsWithCloseNotify) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key});
  // One connection has no request yet, the other waits for its second:
  // its first answer is in before the stop.
  TlsClient unasked(server.port(), pair_.certificate);
  TlsClient answered(server.port(), pair_.certificate);
  answered.send(health_request);
  ASSERT_NO_THROW(answered.read_until_seen("head_position"));
  EXPECT_EQ(server.stop(), 0);
  for (TlsClient* client : {&answered, &unasked}) {
    const Ending ending = client->read_to_end(ending_wait_max);
    EXPECT_EQ(ending.error, net::error::eof) << ending.error.message();
  }
}

TEST_F(Tls, FailedHandshakesAreLoggedWithinABudgetAndAllCounted) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key});
  constexpr int connections = 500;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < connections; ++i) {
    net::io_context io;
    net::ip::tcp::socket plain(io);
    plain.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), server.port()));
    net::write(plain, net::buffer(health_request));
    const Ending ending = read_to_end(io, plain, ending_wait_max);
    ASSERT_NE(ending.error, net::error::timed_out) << "connection " << i << " was never closed";
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // A handshake fails before its connection closes: every one is counted by now.
  const ShellResult metrics = curl(bearer(admin_token) + "--cacert " + shell_quoted(pair_.certificate) + " https://127.0.0.1:" +
                                   std::to_string(server.port()) + "/metrics");
  EXPECT_NE(metrics.output.find("csp_ledger_connections_closed_total{reason=\"handshake_failed\"} 500"), std::string::npos)
      << metrics.output;
  EXPECT_EQ(server.stop(), 0);

  std::istringstream log(file_text(server.log_path()));
  int logged = 0;
  long suppressed = 0;
  int suppressed_lines = 0;
  const std::string suppressed_mark = "event=tls_handshake_failed_suppressed count=";
  for (std::string line; std::getline(log, line);) {
    if (line.find("event=tls_handshake_failed peer=") != std::string::npos) ++logged;
    if (const auto at = line.find(suppressed_mark); at != std::string::npos) {
      suppressed += std::stol(line.substr(at + suppressed_mark.size()));
      ++suppressed_lines;
    }
  }
  // The server's burst, then its rate over the time the client took.
  const int logged_max = 5 + static_cast<int>(std::ceil(5 * seconds));
  EXPECT_GE(logged, 5);
  EXPECT_LE(logged, logged_max) << "in " << seconds << " s";
  EXPECT_GE(suppressed_lines, 1);
  EXPECT_EQ(logged + suppressed, connections) << "every failure is logged or counted as left out";
}

TEST_F(Tls, OnlyTls12AndLaterAreSpoken) {
  ServerFixture server({"--tls-cert", pair_.certificate, "--tls-key", pair_.key});
  const std::string target = "--cacert " + shell_quoted(pair_.certificate) + " https://127.0.0.1:" + std::to_string(server.port()) + "/health";
  EXPECT_EQ(curl("--tlsv1.2 --tls-max 1.2 " + target).status, 0);
  EXPECT_EQ(curl("--tlsv1.3 " + target).status, 0);
  // openssl's client is told to offer TLS 1.1 at most, below its own default floor.
  const ShellResult old = run_shell("openssl s_client -connect 127.0.0.1:" + std::to_string(server.port()) +
                                    " -tls1_1 -cipher DEFAULT@SECLEVEL=0 < /dev/null");
  EXPECT_NE(old.status, 0) << old.output;
  EXPECT_EQ(old.output.find("BEGIN CERTIFICATE"), std::string::npos) << old.output;
}

// csp-ledgerd's exit status and messages, for a start that should fail
// before it listens; a tokens file it would accept is given.
class StartupRefusals : public ::testing::Test {
 protected:
  StartupRefusals() { write_tokens_file(tokens(), admin_token + " " + admin + "\n"); }
  std::string tokens() const { return dir_.file("tokens.txt"); }
  ShellResult ledgerd(const std::string& arguments) const {
    return run_shell(shell_quoted(CSP_LEDGERD_BIN) + " --db " + shell_quoted(dir_.file("none.db")) + " --tokens " + shell_quoted(tokens()) + " " + arguments);
  }
  csp::testing::TempDir dir_;
};

TEST_F(StartupRefusals, TlsCertAndTlsKeyGoTogether) {
  for (const std::string alone : {"--tls-cert cert.pem", "--tls-key key.pem"}) {
    const ShellResult refused = ledgerd("--listen 127.0.0.1:0 " + alone);
    EXPECT_EQ(refused.status, 2) << refused.output;
    EXPECT_NE(refused.output.find("--tls-cert FILE and --tls-key FILE go together"), std::string::npos) << refused.output;
  }
}

TEST_F(StartupRefusals, AMissingOrInvalidCertificateOrKeyNamesTheFile) {
  const CertificatePair pair = make_certificate(dir_, "good");
  const CertificatePair other = make_certificate(dir_, "other");
  const std::string garbage = dir_.file("garbage.pem");
  std::ofstream(garbage) << "-----BEGIN PRIVATE KEY-----\nnot base64 at all\n-----END PRIVATE KEY-----\n";
  const std::string missing = dir_.file("missing.pem");
  struct Case {
    std::string certificate, key, named, said;
  };
  for (const Case& wrong : {Case{pair.certificate, missing, missing, "cannot read the TLS key (--tls-key)"},
                            Case{missing, pair.key, missing, "cannot read the TLS certificate (--tls-cert)"},
                            Case{pair.certificate, garbage, garbage, "is not a PEM private key"},
                            Case{garbage, pair.key, garbage, "is not a PEM certificate"},
                            Case{pair.key, pair.key, pair.key, "is not a PEM certificate"},
                            Case{pair.certificate, other.key, other.key, "is not the key of the certificate"}}) {
    const ShellResult refused = ledgerd("--listen 127.0.0.1:0 --tls-cert " + shell_quoted(wrong.certificate) + " --tls-key " + shell_quoted(wrong.key));
    EXPECT_EQ(refused.status, 2) << refused.output;
    EXPECT_NE(refused.output.find(wrong.named), std::string::npos) << refused.output;
    EXPECT_NE(refused.output.find(wrong.said), std::string::npos) << refused.output;
    EXPECT_EQ(refused.output.find("listening on"), std::string::npos) << refused.output;
  }
}

TEST_F(StartupRefusals, PlainHttpBeyondLoopbackIsRefusedNamingTheFlags) {
  for (const std::string address : {"0.0.0.0:0", "[::]:0", "192.0.2.1:0"}) {
    const ShellResult refused = ledgerd("--listen " + address);
    EXPECT_EQ(refused.status, 2) << address << ": " << refused.output;
    for (const std::string named : {"in clear", "--tls-cert", "--tls-key", "--insecure-listen"}) {
      EXPECT_NE(refused.output.find(named), std::string::npos) << address << ": " << refused.output;
    }
  }
}

// Loopback needs no flag; another address needs TLS or --insecure-listen.
TEST(InsecureListen, BeyondLoopbackPlainHttpServesOnlyWhenAskedFor) {
  ServerFixture server;
  ASSERT_EQ(server.stop(), 0);  // its ledger and tokens serve the servers below
  for (const std::string loopback : {"localhost:0", "127.0.0.2:0"}) {
    bench::ServerChild node({CSP_LEDGERD_BIN, "--db", server.db(), "--tokens", server.tokens_path(), "--listen", loopback},
                            server.log_path());
    EXPECT_EQ(node.stop(), 0) << loopback;
  }
  bench::ServerChild insecure({CSP_LEDGERD_BIN, "--db", server.db(), "--tokens", server.tokens_path(), "--listen", "0.0.0.0:0",
                               "--insecure-listen"},
                              server.log_path());
  EXPECT_EQ(HttpClient(insecure.port()).get("/reports/agents").status, 200u);
  EXPECT_EQ(insecure.stop(), 0);
}

TEST_F(Tls, BeyondLoopbackTlsNeedsNoFurtherFlag) {
  ServerFixture server;
  ASSERT_EQ(server.stop(), 0);
  bench::ServerChild node({CSP_LEDGERD_BIN, "--db", server.db(), "--tokens", server.tokens_path(), "--listen", "0.0.0.0:0",
                           "--tls-cert", pair_.certificate, "--tls-key", pair_.key},
                          server.log_path());
  const ShellResult health = curl("--cacert " + shell_quoted(pair_.certificate) + " https://127.0.0.1:" + std::to_string(node.port()) + "/health");
  EXPECT_EQ(health.status, 0) << health.output;
  EXPECT_EQ(node.stop(), 0);
}

}  // namespace
}  // namespace csp::server::testing
