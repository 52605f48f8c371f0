#pragma once
// Runs the real csp-ledgerd on an ephemeral port over a fresh ledger made
// by the real csp-ledger, and talks HTTP/1.1 to it with a small Beast
// client.

#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "bench/server_child.h"
#include "support/temp_dir.h"
#include "support/test_backend.h"

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
  std::map<std::string, std::string> headers;  // names in lower case
  std::string header(const std::string& lower_case_name) const {
    const auto found = headers.find(lower_case_name);
    return found == headers.end() ? "" : found->second;
  }
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
  // The answer to a HEAD has GET's Content-Length and no body.
  HttpAnswer read(bool is_head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    parser.skip(is_head);
    http::read(stream_, buffer_, parser);
    const auto& response = parser.get();
    HttpAnswer answer{response.result_int(), response.body(), std::string(response[http::field::content_type]), {}};
    for (const auto& field : response) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      answer.headers[name] = std::string(field.value());
    }
    return answer;
  }

  HttpAnswer send(http::verb method, const std::string& target, const std::string& body = "",
                  const std::optional<std::string>& token = admin_token) {
    write(method, target, body, token);
    return read(method == http::verb::head);
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

// One integer read through the ledger file, as another program would read
// it; -1 when the query fails.
inline std::int64_t query_integer(const std::string& db_path, const char* sql) {
  if (db_path.starts_with("postgresql://")) {
    const std::string value = csp::testing::postgres_value(db_path, sql);
    return value.empty() ? -1 : std::stoll(value);
  }
  sqlite3* db = nullptr;
  std::int64_t value = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW) {
      value = sqlite3_column_int64(statement, 0);
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return value;
}

// The log's head and the stored read models' checkpoint, read as another
// process would, through the ledger.
struct StoredPositions {
  std::int64_t head = -1;
  std::int64_t rows = -1;
};

inline StoredPositions stored_positions(const std::string& db_path) {
  return StoredPositions{query_integer(db_path, "SELECT max(position) FROM events"),
                         query_integer(db_path, "SELECT position FROM read_model_checkpoint WHERE id = 1")};
}

// The server keeps hot read-model rows in memory and writes them once it
// is idle: waits (up to 10 s) until the stored rows hold the whole log.
inline StoredPositions wait_for_stored_read_models(const std::string& db_path) {
  StoredPositions positions = stored_positions(db_path);
  for (int waited_ms = 0; positions.rows != positions.head && waited_ms < 10'000; waited_ms += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    positions = stored_positions(db_path);
  }
  return positions;
}

// A tokens file as csp-ledgerd accepts it: mode 0600.
inline void write_tokens_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  std::filesystem::permissions(path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

inline std::string quoted(const std::string& text) {
  std::string result = "'";
  for (const char c : text) result += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return result + "'";
}

// A ledger made by `csp-ledger init`, a tokens file, and csp-ledgerd
// serving them until stop() or the end of the test.
class ServerFixture {
 public:
  // `flags` are added to csp-ledgerd's command line.
  explicit ServerFixture(std::vector<std::string> flags = {}) : flags_(std::move(flags)) {
    db_ = csp::testing::tests_run_on_postgres() ? ledgers_.locate("ledger.db") : dir_.file("ledger.db");
    const std::string init = quoted(CSP_LEDGER_BIN) + " --db " + quoted(db()) + " init --admin " + admin +
                             " --at 2026-01-05T09:00:00Z > /dev/null";
    if (std::system(init.c_str()) != 0) throw std::runtime_error("csp-ledger init failed");
    write_tokens_file(tokens_path(), "# test tokens\n" + admin_token + " " + admin + "\n" + helpdesk_token +
                                         " helen@partner.example  # no role\n");
    start();
  }
  ServerFixture(const ServerFixture&) = delete;
  ServerFixture& operator=(const ServerFixture&) = delete;

  // The ledger's file, or its PostgreSQL URI when the suite runs there.
  std::string db() const { return db_; }
  std::string tokens_path() const { return dir_.file("tokens.txt"); }
  std::string log_path() const { return dir_.file("server.log"); }
  unsigned short port() const { return port_; }
  HttpClient client() const { return HttpClient(port_); }

  void start() {
    std::vector<std::string> args{CSP_LEDGERD_BIN, "--db", db(), "--tokens", tokens_path(), "--listen", "127.0.0.1:0"};
    args.insert(args.end(), flags_.begin(), flags_.end());
    child_.emplace(args, log_path());
    port_ = child_->port();
  }

  // SIGKILL, as a crash would end it.
  void kill() {
    (void)child_->kill_now();
    child_.reset();
  }

  // Another csp-ledgerd on the same ledger: a second node.
  std::unique_ptr<bench::ServerChild> start_another_node(const std::string& log_name) const {
    return std::make_unique<bench::ServerChild>(
        std::vector<std::string>{CSP_LEDGERD_BIN, "--db", db(), "--tokens", tokens_path(), "--listen", "127.0.0.1:0"},
        dir_.file(log_name));
  }

  // SIGTERM, then the exit status; the server's log goes to stderr when it
  // is not 0, for whoever reads the test's output.
  int stop() {
    const int status = child_->stop();
    child_.reset();
    if (status != 0) {
      std::ifstream log(log_path());
      std::cerr << "csp-ledgerd exited with " << status << "; its log:\n" << log.rdbuf() << "\n";
    }
    return status;
  }

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
  csp::testing::TempDir dir_;
  csp::testing::LedgerLocations ledgers_;
  std::string db_;
  std::vector<std::string> flags_;
  std::optional<bench::ServerChild> child_;
  unsigned short port_ = 0;
};

}  // namespace csp::server::testing
