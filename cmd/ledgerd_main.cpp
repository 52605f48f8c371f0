// csp-ledgerd: the ledger's HTTP server (DESIGN.md, "Server").

#include <cstdlib>
#include <exception>
#include <iostream>
#include <iterator>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "cmd/cli_diagnosis.h"
#include "cmd/output.h"
#include "cmd/server/server.h"
#include "cmd/server/tokens.h"
#include "domain/text.h"

namespace {

std::string default_db_path() {
  const char* from_environment = std::getenv("CSP_LEDGER_DB");
  return from_environment != nullptr && *from_environment != '\0' ? from_environment : "csp-ledger.db";
}

// --hash-token: the token on stdin, its tokens-file form on stdout.
int print_hashed_token() {
  const std::string input{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  const auto hashed = csp::server::Tokens::hashed_form(input);
  if (!hashed) {
    std::cerr << "csp-ledgerd: --hash-token: " << csp::domain::printable(hashed.error().message) << "\n";
    return csp::cmd::exit_bad_input;
  }
  std::cout << *hashed << "\n";
  return csp::cmd::exit_done;
}

// Usage errors the flags' own checks cannot see; empty when there is none.
std::string usage_error_of(const csp::server::ServerOptions& options) {
  if (options.tokens_path.empty()) return "--tokens FILE is required: the file of `TOKEN AGENT` lines saying who may call";
  if (options.tls_certificate_path.empty() != options.tls_key_path.empty()) {
    return "--tls-cert FILE and --tls-key FILE go together: give both for HTTPS, or neither for plain HTTP on loopback";
  }
  return "";
}

int run(int argc, char** argv) {
  csp::server::ServerOptions options;
  options.db_path = default_db_path();
  if (const char* key_file = std::getenv("CSP_LEDGER_KEY_FILE"); key_file != nullptr) options.key_file = key_file;
  auto& limits = options.limits;
  std::int64_t idle_timeout_seconds = limits.idle_timeout.count();
  std::int64_t header_timeout_seconds = limits.header_timeout.count();
  std::string log_level = "info";
  bool is_hash_token = false;

  CLI::App app{"csp-ledgerd: the csp-ledger HTTP server (POST /commands, GET /reports/<name>, GET /history, GET /events, GET /audit, GET /health, "
                 "GET /metrics, and the read-only web view at GET /)"};
  app.footer(
      "Example:\n"
      "  (umask 077; echo \"$(openssl rand -hex 24) alice@partner.example\" > tokens.txt)   # mode 0600: others may not read it\n"
      "  csp-ledgerd --db ledger.db --listen 127.0.0.1:8080 --tokens tokens.txt\n"
      "  curl -H \"Authorization: Bearer TOKEN\" -d '{\"command\":\"GrantRole\",\"agent\":\"sam@partner.example\",\"role\":\"sales-agent\"}' \\\n"
      "       http://127.0.0.1:8080/commands\n"
      "HTTPS (needed to listen beyond loopback, as tokens would otherwise cross the network in clear):\n"
      "  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 365 -subj /CN=ledger.example \\\n"
      "          -addext subjectAltName=DNS:ledger.example -keyout key.pem -out cert.pem\n"
      "  csp-ledgerd --db ledger.db --listen 0.0.0.0:8443 --tokens tokens.txt --tls-cert cert.pem --tls-key key.pem\n"
      "  curl --cacert cert.pem -H \"Authorization: Bearer TOKEN\" https://ledger.example:8443/reports/agents\n"
      "A token may be kept in the tokens file as its SHA-256, `sha256:<64 hex>`, instead of in clear:\n"
      "  printf %s TOKEN | csp-ledgerd --hash-token      # prints sha256:<the hex of `printf %s TOKEN | sha256sum`>\n"
      "Every request but GET or HEAD /health, the web view's files (/, /app.js, /app.css, /favicon.svg) and /metrics with\n"
      "--metrics-public needs `Authorization: Bearer TOKEN`;\n"
      "a command's actor is the token's agent.\n"
      "SIGTERM or SIGINT: commands already received are committed and answered, then the server exits 0.");
  app.set_version_flag("--version", "csp-ledgerd " CSP_LEDGER_VERSION, "print the version and exit");
  app.add_option("--db", options.db_path,
                 "ledger made by `csp-ledger init`: an SQLite file or a postgresql:// URI (default "
                 "$CSP_LEDGER_DB, else ./csp-ledger.db)");
  app.add_option("--key-file", options.key_file,
                 "the ledger's key file, which seals product keys (default $CSP_LEDGER_KEY_FILE, else <db>.key beside a "
                 "SQLite ledger); without it link issues are refused, everything else is served");
  app.add_option("--listen", options.listen, "HOST:PORT to listen on; port 0 picks a free one, printed at start. An address other than loopback "
                 "needs --tls-cert and --tls-key, or --insecure-listen")
      ->capture_default_str();
  app.add_option("--tokens", options.tokens_path,
                 "file of `TOKEN AGENT` lines (required); # starts a comment; TOKEN in clear or as sha256:<64 hex>, its SHA-256");
  app.add_option("--tls-cert", options.tls_certificate_path,
                 "serve HTTPS (TLS 1.2 or later) with this PEM certificate chain; needs --tls-key");
  app.add_option("--tls-key", options.tls_key_path, "the PEM private key (no passphrase) of --tls-cert");
  app.add_flag("--insecure-listen", options.is_insecure_listen_allowed,
               "allow plain HTTP on an address other than loopback (tokens then cross the network in clear)");
  app.add_flag("--hash-token", is_hash_token,
               "read a token from stdin, print its tokens-file form sha256:<64 hex>, and exit");
  app.add_option("--body-limit-bytes", limits.body_bytes_max, "larger request bodies get 413")
      ->capture_default_str()->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 30));
  app.add_option("--header-limit-bytes", limits.header_bytes_max, "larger request headers get 431")
      ->capture_default_str()->check(CLI::Range(std::uint32_t{256}, std::uint32_t{1} << 20));
  app.add_option("--idle-timeout-seconds", idle_timeout_seconds, "close a connection idle this long")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("--header-timeout-seconds", header_timeout_seconds,
                 "close a connection whose request header is not complete this long after the connection opened "
                 "or the request's first byte arrived")
      ->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("--connections-max", limits.connections_max,
                 "when this many are open, a new connection takes the place of one waiting longest for a request "
                 "(from the address with most such); with none waiting it gets 503 and is closed")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
  app.add_option("--connections-per-address-max", limits.connections_per_address_max,
                 "connections from one client address (loopback included) beyond this get 503 and are closed")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
  app.add_option("--pipelined-requests-max", limits.pipelined_requests_max, "requests read ahead on one connection")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1024}));
  app.add_option("--batch-commands-max", limits.group_commit.batch_commands_max, "commands per store transaction")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{100'000}));
  app.add_option("--read-model-rows-waiting-max", limits.group_commit.read_model_rows_waiting_max,
                 "read-model rows kept in memory between writes; past this many the next commit writes them "
                 "(they are written at least once a second)")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  app.add_option("--cached-entries-max", limits.group_commit.cached_entries_max,
                 "stream states, aliases and read-model rows of each table the writer keeps in memory; past this "
                 "many the least recently used are dropped and read again when needed")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
  app.add_option("--io-threads", limits.io_threads, "threads serving connections")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{64}));
  app.add_option("--reader-threads", limits.reader_threads, "threads answering /reports, /history, /audit and /events")
      ->capture_default_str()->check(CLI::Range(std::size_t{1}, std::size_t{64}));
  app.add_flag("--metrics-public", options.is_metrics_public,
               "serve GET /metrics without a token (for a Prometheus scrape); it shows counts and timings, no ledger data");
  app.add_option("--log-level", log_level, "one line per request at info; warn logs only problems")
      ->capture_default_str()->check(CLI::IsMember({"debug", "info", "warn", "error"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& failure) {
    std::cerr << "csp-ledgerd: " << csp::cmd::diagnose_arguments(app, "csp-ledgerd", argc, argv, failure.what()) << "\n";
    return 2;
  }
  if (is_hash_token) return print_hashed_token();
  if (const std::string usage_error = usage_error_of(options); !usage_error.empty()) {
    std::cerr << "csp-ledgerd: " << usage_error << " (see csp-ledgerd --help)\n";
    return csp::cmd::exit_bad_input;
  }
  limits.idle_timeout = std::chrono::seconds(idle_timeout_seconds);
  limits.header_timeout = std::chrono::seconds(header_timeout_seconds);

  auto logger = spdlog::stderr_logger_mt("csp-ledgerd");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %l %v", spdlog::pattern_time_type::utc);
  logger->set_level(spdlog::level::from_str(log_level));
  spdlog::set_default_logger(logger);
  return csp::server::run_server(options);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& failure) {
    std::cerr << "csp-ledgerd: internal error: " << failure.what() << "\n";
    return 1;
  }
}
