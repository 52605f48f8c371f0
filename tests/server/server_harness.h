#pragma once
// Runs the real csp-ledgerd on an ephemeral port over a fresh ledger made
// by the real csp-ledger, and talks HTTP/1.1 to it with a small Beast
// client.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "support/temp_dir.h"

namespace csp::server::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

inline const std::string admin_token = "admin-token-0123456789abcdef";
inline const std::string helpdesk_token = "helpdesk-token-0123456789abcdef";
inline const std::string admin = "alice@partner.example";
inline const std::string tenant = "8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10";
inline const std::string subscription = "a1000000-0000-4000-8000-000000000001";
inline const std::string link = "b1000000-0000-4000-8000-000000000001";

struct HttpAnswer {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  nlohmann::json json() const { return nlohmann::json::parse(body); }
  std::vector<nlohmann::json> json_lines() const {
    std::vector<nlohmann::json> lines;
    std::size_t start = 0;
    while (start < body.size()) {
      const std::size_t end = std::min(body.find('\n', start), body.size());
      if (end > start) lines.push_back(nlohmann::json::parse(body.substr(start, end - start)));
      start = end + 1;
    }
    return lines;
  }
};

// One keep-alive connection. send() writes a request and reads its answer;
// write() and read() apart let a test have many requests in flight.
class HttpClient {
 public:
  explicit HttpClient(unsigned short port) : stream_(io_) {
    stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
  }

  void write(http::verb method, const std::string& target, const std::string& body = "",
             const std::optional<std::string>& token = admin_token) {
    http::request<http::string_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    if (token) request.set(http::field::authorization, "Bearer " + *token);
    request.body() = body;
    request.prepare_payload();
    http::write(stream_, request);
  }

  // Throws when the server closed the connection instead of answering.
  HttpAnswer read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    http::read(stream_, buffer_, parser);
    const auto& response = parser.get();
    return HttpAnswer{response.result_int(), response.body(), std::string(response[http::field::content_type])};
  }

  HttpAnswer send(http::verb method, const std::string& target, const std::string& body = "",
                  const std::optional<std::string>& token = admin_token) {
    write(method, target, body, token);
    return read();
  }
  HttpAnswer post(const nlohmann::json& command, const std::optional<std::string>& token = admin_token) {
    return send(http::verb::post, "/commands", command.dump(), token);
  }
  HttpAnswer get(const std::string& target, const std::optional<std::string>& token = admin_token) {
    return send(http::verb::get, target, "", token);
  }

  beast::tcp_stream& stream() { return stream_; }
  beast::flat_buffer& buffer() { return buffer_; }

 private:
  net::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

inline std::string quoted(const std::string& text) {
  std::string result = "'";
  for (const char c : text) result += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return result + "'";
}

// A ledger made by `csp-ledger init`, a tokens file, and csp-ledgerd
// serving them until stop() or the end of the test.
class ServerFixture {
 public:
  ServerFixture() {
    const std::string init = quoted(CSP_LEDGER_BIN) + " --db " + quoted(db()) + " init --admin " + admin +
                             " --at 2026-01-05T09:00:00Z > /dev/null";
    if (std::system(init.c_str()) != 0) throw std::runtime_error("csp-ledger init failed");
    std::ofstream(dir_.file("tokens.txt")) << "# test tokens\n"
                                           << admin_token << " " << admin << "\n"
                                           << helpdesk_token << " helen@partner.example  # no role\n";
    start();
  }
  ~ServerFixture() {
    if (pid_ > 0) stop();
  }
  ServerFixture(const ServerFixture&) = delete;
  ServerFixture& operator=(const ServerFixture&) = delete;

  std::string db() const { return dir_.file("ledger.db"); }
  std::string tokens_path() const { return dir_.file("tokens.txt"); }
  std::string log_path() const { return dir_.file("server.log"); }
  unsigned short port() const { return port_; }
  HttpClient client() const { return HttpClient(port_); }

  void start(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {CSP_LEDGERD_BIN, "--db", db(), "--tokens", tokens_path(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      const int log = open(log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      dup2(log, STDERR_FILENO);
      close(out[0]);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    port_ = read_port(out[0]);
    close(out[0]);
  }

  // SIGTERM, then the exit status.
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  void signal_stop() const { kill(pid_, SIGTERM); }

  // Sets up one customer, one subscription and one link (50 downloads).
  void add_link() const {
    HttpClient client = this->client();
    for (const auto& command : {
             nlohmann::json{{"command", "RegisterCustomer"}, {"tenant", tenant}, {"domain", "contoso.onmicrosoft.com"}, {"market", "JP"}},
             nlohmann::json{{"command", "PurchaseSoftware"}, {"customer", tenant}, {"product", "windows-server-2022-datacenter"},
                            {"quantity", 1}, {"unit_price", "100.00"}, {"currency", "USD"}, {"subscription_id", subscription}},
             nlohmann::json{{"command", "IssueDownloadLink"}, {"subscription", subscription}, {"version", "2022"},
                            {"language", "en-us"}, {"file_type", "iso"}, {"link_id", link}}}) {
      const HttpAnswer answer = client.post(command);
      if (answer.status != 200) throw std::runtime_error("setup failed: " + answer.body);
    }
  }

 private:
  unsigned short read_port(int fd) {
    std::string line;
    char c = 0;
    pollfd waiting{fd, POLLIN, 0};
    while (line.find('\n') == std::string::npos) {
      if (poll(&waiting, 1, 10'000) <= 0 || ::read(fd, &c, 1) != 1) {
        throw std::runtime_error("csp-ledgerd did not start; its log: " + log_path());
      }
      line += c;
    }
    return static_cast<unsigned short>(std::stoi(line.substr(line.rfind(':') + 1)));
  }

  csp::testing::TempDir dir_;
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

}  // namespace csp::server::testing
