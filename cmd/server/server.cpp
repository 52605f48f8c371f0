#include "cmd/server/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <functional>
#include <future>
#include <iostream>
#include <thread>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <spdlog/spdlog.h>

#include "cmd/output.h"
#include "cmd/server/checkpointer.h"
#include "cmd/server/http_session.h"
#include "cmd/server/tls_context.h"
#include "cmd/session.h"
#include "domain/text.h"
#include "eventstore/backends.h"

namespace csp::server {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Followers also reread the log this often, to see what another process
// (the csp-ledger command line) appended.
constexpr std::chrono::seconds feed_poke_interval{1};
constexpr std::chrono::seconds answers_wait_max{10};
// Often enough that the WAL stays a few MiB under full load.
constexpr std::chrono::milliseconds checkpoint_interval{100};
// Refused connections are logged at most this often, with a count: a
// flood of them must not become a flood of log lines.
constexpr std::chrono::seconds refusal_log_interval{1};
// How often the failed TLS handshakes left out of the log are counted in it.
constexpr std::chrono::seconds suppressed_report_interval{1};
// A stopping TLS server gives its connections this long to exchange
// close_notify (a lingering one has 2 s) before the rest are cut.
constexpr std::chrono::seconds tls_connections_end_wait_max{3};
// Descriptors beside the connections: the store's files, the readers',
// the checkpointer's, the listener, the log.
constexpr rlim_t descriptors_beside_connections = 64;

// "localhost" is loopback whatever the resolver says.
domain::Result<tcp::endpoint> endpoint_of(const std::string& listen) {
  const auto colon = listen.rfind(':');
  const std::string example = " (example: 127.0.0.1:8080, or port 0 for a free one)";
  if (colon == std::string::npos) return domain::invalid_input("--listen \"" + listen + "\" is not HOST:PORT" + example);
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string port_text = listen.substr(colon + 1);
  unsigned short port = 0;
  const auto parsed = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (parsed.ec != std::errc() || parsed.ptr != port_text.data() + port_text.size()) {
    return domain::invalid_input("--listen \"" + listen + "\": \"" + port_text + "\" is not a port" + example);
  }
  boost::system::error_code error;
  const auto address = host == "localhost" ? net::ip::address(net::ip::address_v4::loopback()) : net::ip::make_address(host, error);
  if (error) return domain::invalid_input("--listen \"" + listen + "\": \"" + host + "\" is not an IP address" + example);
  return tcp::endpoint(address, port);
}

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Every connection speaks TLS when `tls` is given; it must outlive the listener's sessions.
  Listener(net::io_context& io, tcp::acceptor acceptor, ServerContext& context, net::ssl::context* tls)
      : io_(io), strand_(net::make_strand(io)), acceptor_(std::move(acceptor)), context_(context), tls_(tls) {}

  // The acceptor is not safe to use from two threads: its completions and
  // close() run on one strand, or a close racing an accept completion could
  // start a new accept on a descriptor being closed.
  void accept() {
    acceptor_.async_accept(net::make_strand(io_), net::bind_executor(strand_, [self = shared_from_this()](boost::system::error_code error, tcp::socket socket) {
      if (error) {
        if (!self->acceptor_.is_open()) return;
        spdlog::warn("event=accept_failed error=\"{}\"", error.message());
      } else {
        self->admit(std::move(socket));
      }
      self->accept();
    }));
  }

  void admit(tcp::socket socket) {
    boost::system::error_code error;
    const tcp::endpoint peer = socket.remote_endpoint(error);
    if (error) return;  // gone already
    ConnectionTable::Admission admission = context_.connections.admit(peer.address());
    using Verdict = ConnectionTable::Admission::Verdict;
    if (admission.verdict == Verdict::address_full) {
      context_.metrics.record_connection_closed("refused_per_address");
      return refuse(socket, "too many connections from " + peer.address().to_string() + " (at most " +
                                std::to_string(context_.connections.per_address_max()) +
                                "): close idle ones or try again later", "connections_per_address_max");
    }
    if (admission.verdict == Verdict::full) {
      context_.metrics.record_connection_closed("refused_full");
      return refuse(socket, "too many connections, all busy: try again later", "connections_max");
    }
    if (admission.shed) admission.shed();
    std::make_shared<HttpSession>(std::move(socket), context_, admission.id, tls_)->start();
  }

  // Said before closing, so the caller knows to come back rather than
  // suspect the network. The socket is new: the short answer fits its
  // send buffer and the write does not wait.
  void refuse(tcp::socket& socket, const std::string& message, const char* reason) {
    const std::string body = cmd::json_line(cmd::error_json("unavailable", message)) + "\n";
    const std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                               std::to_string(body.size()) + "\r\n\r\n" + body;
    boost::system::error_code ignored;
    net::write(socket, net::buffer(answer), ignored);
    socket.close(ignored);
    ++refused_unlogged_;
    const auto now = std::chrono::steady_clock::now();
    if (now - refusal_logged_at_ < refusal_log_interval) return;
    spdlog::warn("event=connection_refused reason={} refused={}", reason, refused_unlogged_);
    refused_unlogged_ = 0;
    refusal_logged_at_ = now;
  }

  void close() {
    net::post(strand_, [self = shared_from_this()] {
      boost::system::error_code ignored;
      self->acceptor_.close(ignored);
    });
  }

 private:
  net::io_context& io_;
  net::strand<net::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  ServerContext& context_;
  net::ssl::context* tls_;
  std::uint64_t refused_unlogged_ = 0;
  std::chrono::steady_clock::time_point refusal_logged_at_{};
};

// Runs `task` every `interval` until the timer is cancelled.
void repeat_every(net::steady_timer& timer, std::chrono::seconds interval, std::function<void()> task) {
  timer.expires_after(interval);
  timer.async_wait([&timer, interval, task = std::move(task)](boost::system::error_code error) mutable {
    if (error) return;
    task();
    repeat_every(timer, interval, std::move(task));
  });
}

void report_suppressed_handshake_failures(LogBudget& budget) {
  const std::uint64_t count = budget.take_suppressed();
  if (count > 0) spdlog::warn("event=tls_handshake_failed_suppressed count={}", count);
}

domain::Result<tcp::acceptor> listening_acceptor(net::io_context& io, const tcp::endpoint& endpoint) {
  tcp::acceptor acceptor(io);
  boost::system::error_code error;
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(net::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(net::socket_base::max_listen_connections, error);
  if (error) return domain::invalid_input(error.message());
  return acceptor;
}

// Every connection is a descriptor: a soft limit below connections_max
// would turn connections into failed accepts. Raised up to the hard limit.
void make_room_for_connections(std::size_t connections_max) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(connections_max) + descriptors_beside_connections;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    spdlog::warn("event=descriptor_limit open_files_max={} connections_max={}: raise `ulimit -n` or lower --connections-max",
                 static_cast<std::uint64_t>(limit.rlim_cur), connections_max);
  }
}

// Polls `is_done` until it holds or `time_max` has passed.
void wait_until(const std::function<bool()>& is_done, std::chrono::seconds time_max) {
  const auto deadline = std::chrono::steady_clock::now() + time_max;
  while (!is_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

int run_server(const ServerOptions& options) {
  auto tokens = Tokens::read_file(options.tokens_path);
  if (!tokens) {
    std::cerr << "csp-ledgerd: " << domain::printable(tokens.error().message) << "\n";
    return cmd::exit_bad_input;
  }
  auto endpoint = endpoint_of(options.listen);
  if (!endpoint) {
    std::cerr << "csp-ledgerd: " << domain::printable(endpoint.error().message) << "\n";
    return cmd::exit_bad_input;
  }
  std::unique_ptr<net::ssl::context> tls;
  if (!options.tls_certificate_path.empty()) {
    auto made = tls_context_of(options.tls_certificate_path, options.tls_key_path);
    if (!made) {
      std::cerr << "csp-ledgerd: " << domain::printable(made.error().message) << "\n";
      return cmd::exit_bad_input;
    }
    tls = std::move(made).value();
  }
  if (!tls && !endpoint->address().is_loopback() && !options.is_insecure_listen_allowed) {
    std::cerr << "csp-ledgerd: --listen " << domain::printable(options.listen)
              << " is not a loopback address, and without TLS the bearer tokens would cross the network in clear: "
                 "give --tls-cert FILE --tls-key FILE, or --insecure-listen if the network is private to you\n";
    return cmd::exit_bad_input;
  }
  auto opened = cmd::open_ledger(options.db_path, false, cmd::key_file_for(options.db_path, options.key_file));
  auto head = opened ? opened->store->head() : eventstore::StoreResult<eventstore::LogHead>(opened.error());
  auto readers = ReaderPool::open(options.db_path, options.limits.reader_threads);
  if (!head || !readers) {
    std::cerr << "csp-ledgerd: " << domain::printable(options.db_path) << ": "
              << domain::printable(head ? readers.error().message : head.error().message);
    const auto& failure = head ? readers.error() : head.error();
    if (failure.kind == eventstore::StoreError::Kind::not_found) {
      std::cerr << " (create a ledger with `csp-ledger --db FILE init --admin AGENT`)";
    }
    std::cerr << "\n";
    return cmd::exit_bad_input;
  }
  if (!opened->ledger->key_access().has_key()) {
    spdlog::warn("event=no_key_file detail=\"link issues will be refused: {}\"",
                 domain::printable(opened->ledger->key_access().why_absent()));
  }
  // Only an SQLite ledger has a WAL of its own to copy back; PostgreSQL
  // checkpoints itself.
  std::unique_ptr<Checkpointer> checkpointer;
  if (!eventstore::names_postgres(options.db_path)) {
    auto started = Checkpointer::start(options.db_path, checkpoint_interval);
    if (!started) {
      std::cerr << "csp-ledgerd: " << domain::printable(options.db_path) << ": "
                << domain::printable(started.error().message) << "\n";
      return cmd::exit_failed;
    }
    checkpointer = std::move(started).value();
  }
  CommitFeed feed(head->position);
  Metrics metrics(CSP_LEDGER_VERSION, eventstore::names_postgres(options.db_path) ? "postgresql" : "sqlite");
  metrics.set_head_position(head->position);
  GroupCommitLimits group_commit = options.limits.group_commit;
  // On a database server every commit writes its rows in one statement a
  // table, which costs less than the stall of writing a second's worth at
  // once; and other nodes find the rows at the head.
  if (eventstore::names_postgres(options.db_path)) group_commit.read_model_flush_interval = std::chrono::milliseconds(0);
  GroupCommitWriter writer(std::move(opened).value(), feed, metrics, group_commit);
  ConnectionTable connections(options.limits.connections_max, options.limits.connections_per_address_max);
  // A page polling the overview reuses one check of the whole log.
  AuditCache audit(std::chrono::seconds(60));
  ServerContext context{*tokens, writer,      **readers, feed, metrics, options.limits, connections,
                        audit,   options.is_metrics_public};
  make_room_for_connections(options.limits.connections_max);

  net::io_context io(static_cast<int>(options.limits.io_threads));
  auto acceptor = listening_acceptor(io, *endpoint);
  if (!acceptor) {
    std::cerr << "csp-ledgerd: cannot listen on " << domain::printable(options.listen) << ": " << acceptor.error().message << "\n";
    return cmd::exit_failed;
  }
  const tcp::endpoint bound = acceptor->local_endpoint();
  auto listener = std::make_shared<Listener>(io, std::move(acceptor).value(), context, tls.get());
  listener->accept();

  std::promise<int> stop_signal;
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code error, int number) { stop_signal.set_value(error ? 0 : number); });
  net::steady_timer poke_timer(net::make_strand(io));
  repeat_every(poke_timer, feed_poke_interval, [&feed] { feed.poke(); });
  net::steady_timer suppressed_timer(net::make_strand(io));
  repeat_every(suppressed_timer, suppressed_report_interval,
               [&context] { report_suppressed_handshake_failures(context.handshake_failure_log); });

  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < options.limits.io_threads; ++i) threads.emplace_back([&io] { io.run(); });
  std::cout << "csp-ledgerd: listening on " << bound.address().to_string() << ":" << bound.port() << std::endl;
  spdlog::info("event=listening address={}:{} tls={} db={} head_position={}", bound.address().to_string(), bound.port(),
               tls ? "on" : "off", options.db_path, head->position);

  const int signal_number = stop_signal.get_future().get();
  spdlog::info("event=stopping signal={}", signal_number);
  listener->close();
  // On the timers' own strands, never beside a handler re-arming one.
  for (net::steady_timer* timer : {&poke_timer, &suppressed_timer}) net::post(timer->get_executor(), [timer] { timer->cancel(); });
  context.is_stopping = true;
  // Connections waiting for a request end now, the others once answered.
  connections.stop_all();
  // Commands already read are run and answered, each only once durable.
  writer.stop();
  if (checkpointer) checkpointer->stop();
  feed.close();
  wait_until([&context] { return context.answers_unwritten.load() <= 0; }, answers_wait_max);
  // Plain TCP closes at once; TLS waits for the peers' close_notify.
  if (tls) wait_until([&connections] { return connections.connections() == 0; }, tls_connections_end_wait_max);
  report_suppressed_handshake_failures(context.handshake_failure_log);
  io.stop();
  for (auto& thread : threads) thread.join();
  (*readers)->stop();
  spdlog::info("event=stopped head_position={}", feed.head_position());
  return cmd::exit_done;
}

}  // namespace csp::server
