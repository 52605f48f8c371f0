// bench-load: csp-ledgerd under many connections. Starts the server on a
// fresh ledger, sets up customers, subscriptions and links through it, then
// sends the rest of bench-run's workload (mostly downloads, some purchases
// and link issues) over N keep-alive connections and reports acknowledged
// (durable) commands per second and latency percentiles, beside
// `csp-ledger run` on the same workload in the same run. With --postgres,
// every round also measures one and two csp-ledgerd nodes on a fresh
// PostgreSQL ledger (the connections split over the nodes), beside SQLite.
// `--mix purchases` sends a month-end rush instead: purchases for one
// customer, each a new subscription.
//
//   build/bin/bench-load [--commands N] [--connections N] [--pipeline N] [--rounds N] [--dir DIR]
//                        [--mix downloads|purchases] [--postgres CONNINFO | --postgres-cluster]

#include <libpq-fe.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "bench/raw_sqlite.h"
#include "bench/server_child.h"
#include "bench/status_only_parser.h"
#include "bench/workload.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using csp::bench::fail;
using csp::bench::run_child;

const std::string admin = "alice@partner.example";
const std::string token = "bench-load-token-0123456789abcdef";

std::string http_request(const std::string& body) {
  return "POST /commands HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct Tally {
  std::int64_t acknowledged = 0;
  std::map<unsigned, std::int64_t> others;  // status -> count
  std::vector<double> latencies_ms;
};

// One keep-alive connection sending its queue in order, up to `depth`
// requests in flight (1: wait for each answer before the next request).
class Connection {
 public:
  Connection(net::io_context& io, const tcp::endpoint& server, std::vector<std::string> requests, std::size_t depth, Tally& tally)
      : stream_(io), requests_(std::move(requests)), depth_(depth), tally_(tally) {
    stream_.connect(server);
    stream_.socket().set_option(tcp::no_delay(true));
  }
  void start() { send_more(); }

 private:
  // Every request the depth allows goes out in one write, as a pipelining
  // client would send them.
  void send_more() {
    if (is_writing_) return;
    sending_.clear();
    while (next_ + sending_.size() < requests_.size() && started_.size() < depth_) {
      sending_.push_back(net::buffer(requests_[next_ + sending_.size()]));
      started_.push_back(csp::bench::monotonic_ns());
    }
    if (sending_.empty()) return;
    is_writing_ = true;
    net::async_write(stream_, sending_, [this](beast::error_code error, std::size_t) {
      if (error) fail("write failed: " + error.message());
      is_writing_ = false;
      next_ += sending_.size();
      send_more();
      read_next();
    });
  }
  void read_next() {
    if (is_reading_ || started_.empty()) return;
    is_reading_ = true;
    response_.emplace();
    http::async_read(stream_, buffer_, *response_, [this](beast::error_code error, std::size_t) {
      if (error) fail("read failed: " + error.message());
      is_reading_ = false;
      tally_.latencies_ms.push_back(static_cast<double>(csp::bench::monotonic_ns() - started_.front()) / 1e6);
      started_.pop_front();
      const unsigned status = response_->status();
      if (status == 200) {
        ++tally_.acknowledged;
      } else {
        ++tally_.others[status];
      }
      // Answers that arrived together are all read before the next
      // requests go out, so that those leave in one write too.
      if (buffer_.size() == 0) send_more();
      read_next();
    });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<csp::bench::StatusOnlyParser> response_;
  std::vector<std::string> requests_;
  std::vector<net::const_buffer> sending_;
  std::size_t depth_;
  Tally& tally_;
  std::size_t next_ = 0;
  std::deque<std::int64_t> started_;
  bool is_writing_ = false;
  bool is_reading_ = false;
};

// Commands in the workload's order, each keyed by the subscription it
// touches so that one connection sends a subscription's commands in order.
struct KeyedCommand {
  std::string body;
  std::string subscription;
};

std::vector<KeyedCommand> read_workload(const std::string& path) {
  std::ifstream input(path);
  std::map<std::string, std::string> subscription_of_link;
  std::vector<KeyedCommand> commands;
  std::string line;
  while (std::getline(input, line)) {
    nlohmann::json command = nlohmann::json::parse(line);
    command.erase("actor");  // the actor is the token's agent
    const std::string name = command["command"];
    std::string key;
    if (name == "PurchaseSoftware") key = command["subscription_id"];
    if (name == "IssueDownloadLink") {
      key = command["subscription"];
      subscription_of_link[command["link_id"]] = key;
    }
    if (name == "RecordDownload") key = subscription_of_link.at(command["link"]);
    commands.push_back(KeyedCommand{command.dump(), key});
  }
  return commands;
}

// Sends commands as JSON-lines bodies of 1,000 over one connection: the setup.
void send_setup(const tcp::endpoint& server, const std::vector<KeyedCommand>& commands) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(server);
  beast::flat_buffer buffer;
  for (std::size_t first = 0; first < commands.size(); first += 1000) {
    std::string body;
    for (std::size_t i = first; i < std::min(commands.size(), first + 1000); ++i) body += commands[i].body + "\n";
    net::write(stream, net::buffer(http_request(body)));
    http::response<http::string_body> response;
    http::read(stream, buffer, response);
    if (response.result_int() != 200 || response.body().find("\"ok\":false") != std::string::npos) {
      fail("setup refused: " + response.body().substr(0, 300));
    }
  }
}

struct GroupCommitFigures {
  double batch_commands_mean = 0;
  double commit_ms_mean = 0;
};

// How the group commit went, from the server's /metrics.
GroupCommitFigures group_commit_figures(const tcp::endpoint& server) {
  net::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(server);
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n\r\n";
  net::write(stream, net::buffer(request));
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(stream, buffer, response);
  const auto value_of = [&](const std::string& name) {
    const auto at = response.body().find("\n" + name + " ");
    return at == std::string::npos ? 0.0 : std::stod(response.body().substr(at + name.size() + 2));
  };
  const double batches = value_of("csp_ledger_batch_commands_count");
  if (batches == 0) return {};
  return {value_of("csp_ledger_batch_commands_sum") / batches, 1000 * value_of("csp_ledger_commit_seconds_sum") / batches};
}

double percentile(std::vector<double>& values, double fraction) {
  if (values.empty()) return 0;
  const auto index = static_cast<std::size_t>(fraction * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
  return values[index];
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& time) { return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct RoundFigures {
  double rate = 0;
  double seconds = 0;
  double p50 = 0;
  double p99 = 0;
  double run_rate = 0;
  // CPU per acknowledged command, in microseconds: steadier than the rate
  // on a shared machine, since time others take is not counted.
  double server_cpu_us = 0;
  double client_cpu_us = 0;
  GroupCommitFigures group_commit;
  std::map<unsigned, std::int64_t> not_acknowledged;  // status -> count
};

// Where one configuration's ledger lives and how many nodes serve it.
struct Setting {
  std::string name;  // what its lines say: sqlite, postgres, postgres-2-nodes
  std::string ledger;
  int nodes = 1;
};

double cpu_seconds_of(const std::vector<std::unique_ptr<csp::bench::ServerChild>>& servers) {
  double seconds = 0;
  for (const auto& server : servers) seconds += server->cpu_seconds();
  return seconds;
}

// One round: fresh servers on the fresh ledger, the setup, then the timed
// commands over every connection at once, the connections taking the
// nodes in turn.
RoundFigures measure_round(const std::vector<std::string>& server_args, const Setting& setting, const std::string& log,
                           const std::vector<KeyedCommand>& setup, const std::vector<std::vector<std::string>>& queues,
                           std::size_t pipeline) {
  if (run_child({CSP_LEDGER_BIN, "--db", setting.ledger, "init", "--admin", admin}).status != 0) {
    fail("csp-ledger init failed on " + setting.name);
  }
  std::ofstream(log, std::ios::app) << "== bench-load round on " << setting.name << "\n";
  Tally tally;
  RoundFigures figures;
  std::vector<std::unique_ptr<csp::bench::ServerChild>> servers;
  std::vector<tcp::endpoint> endpoints;
  for (int node = 0; node < setting.nodes; ++node) {
    std::vector<std::string> args = server_args;
    args.insert(args.begin() + 1, {"--db", setting.ledger});
    servers.push_back(std::make_unique<csp::bench::ServerChild>(args, log));
    endpoints.emplace_back(net::ip::make_address("127.0.0.1"), servers.back()->port());
  }
  send_setup(endpoints.front(), setup);
  net::io_context io;
  std::vector<std::unique_ptr<Connection>> clients;
  for (std::size_t index = 0; index < queues.size(); ++index) {
    clients.push_back(std::make_unique<Connection>(io, endpoints[index % endpoints.size()], queues[index], pipeline, tally));
  }
  const double server_cpu_before = cpu_seconds_of(servers);
  const double client_cpu_before = own_cpu_seconds();
  const std::int64_t start = csp::bench::monotonic_ns();
  for (auto& client : clients) client->start();
  io.run();
  figures.seconds = csp::bench::seconds_between(start, csp::bench::monotonic_ns());
  const auto per_command_us = [&](double cpu_seconds) {
    return tally.acknowledged > 0 ? 1e6 * cpu_seconds / static_cast<double>(tally.acknowledged) : 0.0;
  };
  figures.server_cpu_us = per_command_us(cpu_seconds_of(servers) - server_cpu_before);
  figures.client_cpu_us = per_command_us(own_cpu_seconds() - client_cpu_before);
  figures.group_commit = group_commit_figures(endpoints.front());
  figures.rate = static_cast<double>(tally.acknowledged) / figures.seconds;
  figures.p50 = percentile(tally.latencies_ms, 0.50);
  figures.p99 = percentile(tally.latencies_ms, 0.99);
  figures.not_acknowledged = tally.others;
  return figures;
}

// Runs one administrative statement (CREATE or DROP DATABASE) on the
// PostgreSQL server.
void run_admin_sql(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) fail("cannot connect to PostgreSQL: " + std::string(PQerrorMessage(conn)));
  PGresult* result = PQexec(conn, sql.c_str());
  const bool is_ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  const std::string message = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (!is_ok) fail(sql + ": " + message);
}

// The admin connection string with another database in it.
std::string with_database(const std::string& conninfo, const std::string& database) {
  return conninfo + " dbname=" + database;
}

// A durable throwaway cluster (PostgreSQL's defaults: fsync and
// synchronous_commit on), started for this run and stopped at its end.
class OwnCluster {
 public:
  explicit OwnCluster(std::string state_dir) : state_dir_(std::move(state_dir)) {
    if (run_child({CSP_PG_CLUSTER, "start", state_dir_, "--durable"}).status != 0) fail("pg-cluster start failed");
    std::ifstream uri(state_dir_ + "/uri");
    std::getline(uri, conninfo_);
  }
  ~OwnCluster() { (void)run_child({CSP_PG_CLUSTER, "stop", state_dir_}); }
  OwnCluster(const OwnCluster&) = delete;
  OwnCluster& operator=(const OwnCluster&) = delete;
  const std::string& conninfo() const { return conninfo_; }

 private:
  std::string state_dir_;
  std::string conninfo_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"bench-load: csp-ledgerd's acknowledged commands/s and latency, beside csp-ledger run"};
  std::int64_t commands = 200'000;
  std::size_t connections = 64;
  std::size_t pipeline = 1;
  std::size_t io_threads = 2;
  std::vector<std::string> server_flags;
  int rounds = 1;
  std::string dir = std::filesystem::temp_directory_path().string();
  app.add_option("--commands", commands, "commands in the generated workload")->check(CLI::Range(1000, 50'000'000));
  app.add_option("--connections", connections, "keep-alive connections")->check(CLI::Range(1, 1000));
  app.add_option("--pipeline", pipeline, "requests in flight per connection (HTTP/1.1 pipelining)")->check(CLI::Range(1, 64));
  app.add_option("--io-threads", io_threads, "csp-ledgerd's --io-threads")->check(CLI::Range(1, 16));
  app.add_option("--server-flag", server_flags, "passed on to csp-ledgerd (repeat; e.g. --server-flag=--pipelined-requests-max=4)");
  app.add_option("--rounds", rounds, "measure this many times, each on a fresh server and ledger, and print the medians")
      ->check(CLI::Range(1, 100));
  app.add_option("--dir", dir, "where the scratch files go")->check(CLI::ExistingDirectory);
  std::string mix = "downloads";
  app.add_option("--mix", mix,
                 "downloads: bench-run's workload (mostly downloads); purchases: one customer's purchases, each a new "
                 "subscription")
      ->capture_default_str()->check(CLI::IsMember({"downloads", "purchases"}));
  std::string postgres;
  std::string server_log;
  app.add_option("--server-log", server_log, "keep csp-ledgerd's log (slow batches, warnings) in this file");
  bool is_own_cluster = false;
  app.add_option("--postgres", postgres,
                 "also measure on PostgreSQL: an administrative libpq connection string (it creates and drops a database)");
  app.add_flag("--postgres-cluster", is_own_cluster,
               "also measure on PostgreSQL, in a durable throwaway cluster started for the run");
  CLI11_PARSE(app, argc, argv);

  const std::string base = (std::filesystem::path(dir) / ("bench-load-" + std::to_string(getpid()))).string();
  const std::string workload = base + ".jsonl";
  const std::string ledger = base + ".db";
  const std::string run_ledger = base + "-run.db";
  const std::string tokens = base + ".tokens";
  const std::string log = server_log.empty() ? base + ".log" : server_log;
  const auto remove_with_wal = [](const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  };
  const auto remove_files = [&] {
    for (const std::string& path : {workload, ledger, run_ledger, tokens}) remove_with_wal(path);
    if (server_log.empty()) std::filesystem::remove(log);
  };
  remove_files();
  const bool is_rush = mix == "purchases";
  const csp::bench::WorkloadShape shape =
      is_rush ? csp::bench::write_purchase_rush(workload, commands) : csp::bench::write_workload(workload, commands);
  std::ofstream(tokens) << token << " " << admin << "\n";
  // csp-ledgerd refuses a tokens file others may read.
  std::filesystem::permissions(tokens, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  const std::vector<KeyedCommand> all = read_workload(workload);
  // Customers and nine tenths of the subscriptions (purchase and link) are
  // set up first; the timed part purchases and links the last tenth too. A
  // rush times every purchase.
  const std::size_t setup_count =
      static_cast<std::size_t>(is_rush ? shape.customers : shape.customers + 2 * (shape.subscriptions * 9 / 10));
  const std::vector<KeyedCommand> setup(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(setup_count));
  std::vector<std::vector<std::string>> queues(connections);
  const std::hash<std::string> hash;
  for (std::size_t i = setup_count; i < all.size(); ++i) {
    queues[hash(all[i].subscription) % connections].push_back(http_request(all[i].body));
  }
  const auto timed = static_cast<std::int64_t>(all.size() - setup_count);

  std::printf("bench-load: %s mix, %lld commands (%lld set up first, %lld timed over %zu connections, %zu in flight each)\n",
              mix.c_str(), static_cast<long long>(shape.commands), static_cast<long long>(setup_count),
              static_cast<long long>(timed), connections, pipeline);
  std::vector<std::string> server_args = {CSP_LEDGERD_BIN, "--tokens", tokens, "--listen", "127.0.0.1:0",
                                          "--log-level", "warn", "--io-threads", std::to_string(io_threads),
                                          // Every connection comes from 127.0.0.1; the setup's one besides.
                                          "--connections-per-address-max", std::to_string(std::max<std::size_t>(connections + 8, 128))};
  server_args.insert(server_args.end(), server_flags.begin(), server_flags.end());
  std::unique_ptr<OwnCluster> cluster;
  if (is_own_cluster) {
    cluster = std::make_unique<OwnCluster>(base + "-postgres");
    postgres = cluster->conninfo();
  }
  const std::string database = "bench_load_" + std::to_string(getpid());
  std::vector<Setting> settings = {Setting{"sqlite", ledger, 1}};
  if (!postgres.empty()) {
    settings.push_back(Setting{"postgres", with_database(postgres, database), 1});
    settings.push_back(Setting{"postgres-2-nodes", with_database(postgres, database), 2});
  }
  std::map<std::string, std::vector<RoundFigures>> figures_by_setting;
  std::vector<RoundFigures> figures;
  bool is_all_acknowledged = true;
  for (int round = 1; round <= rounds; ++round) {
    for (const std::string& path : {ledger, run_ledger}) remove_with_wal(path);
    if (rounds > 1) std::printf("round %d of %d\n", round, rounds);
    for (std::size_t index = 1; index < settings.size(); ++index) {
      run_admin_sql(postgres, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      run_admin_sql(postgres, "CREATE DATABASE " + database);
      const RoundFigures measured = measure_round(server_args, settings[index], log, setup, queues, pipeline);
      is_all_acknowledged = is_all_acknowledged && measured.not_acknowledged.empty();
      figures_by_setting[settings[index].name].push_back(measured);
      std::printf("load-bench: backend=%s nodes=%d commands=%lld connections=%zu rate=%.0f CMD/s p50=%.2f MS p99=%.2f MS "
                  "server_cpu=%.1f US/CMD\n",
                  settings[index].name.c_str(), settings[index].nodes, static_cast<long long>(timed), connections,
                  measured.rate, measured.p50, measured.p99, measured.server_cpu_us);
      for (const auto& [status, count] : measured.not_acknowledged) {
        std::printf("  not acknowledged: %lld answered %u\n", static_cast<long long>(count), status);
      }
    }
    if (!postgres.empty()) run_admin_sql(postgres, "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    const RoundFigures measured = measure_round(server_args, settings.front(), log, setup, queues, pipeline);
    figures.push_back(measured);
    figures_by_setting["sqlite"].push_back(measured);
    is_all_acknowledged = is_all_acknowledged && measured.not_acknowledged.empty();

    if (run_child({CSP_LEDGER_BIN, "--db", run_ledger, "init", "--admin", admin}).status != 0) fail("csp-ledger init failed");
    const csp::bench::ChildRun run = run_child({CSP_LEDGER_BIN, "--db", run_ledger, "run", workload});
    if (run.status != 0) fail("csp-ledger run exited with " + std::to_string(run.status));
    figures.back().run_rate = static_cast<double>(shape.commands) / run.seconds;
    const RoundFigures& f = figures.back();
    std::printf("csp-ledgerd   %10.0f acknowledged commands/s  (%.2f s)  p50 %.2f ms  p99 %.2f ms\n", f.rate, f.seconds, f.p50,
                f.p99);
    std::printf("group commit  mean batch %.1f commands, mean commit %.2f ms\n", f.group_commit.batch_commands_mean,
                f.group_commit.commit_ms_mean);
    std::printf("cpu           server %.1f us, client %.1f us per acknowledged command\n", f.server_cpu_us, f.client_cpu_us);
    for (const auto& [status, count] : f.not_acknowledged) {
      std::printf("  not acknowledged: %lld answered %u\n", static_cast<long long>(count), status);
    }
    std::printf("csp-ledger run %9.0f commands/s  (%.2f s, the whole workload)\n", f.run_rate, run.seconds);
    std::printf("load-bench: mix=%s commands=%lld connections=%zu rate=%.0f CMD/s p50=%.2f MS p99=%.2f MS run=%.0f CMD/s (%.2f x run) "
                "server_cpu=%.1f US/CMD\n",
                mix.c_str(), static_cast<long long>(timed), connections, f.rate, f.p50, f.p99, f.run_rate, f.rate / f.run_rate, f.server_cpu_us);
    std::fflush(stdout);
  }
  if (rounds > 1) {
    // The shared machine moves single rounds a lot; the middle round of
    // each figure says more than any one of them.
    const auto median_of = [&](auto field) {
      std::vector<double> values;
      for (const auto& f : figures) values.push_back(field(f));
      return percentile(values, 0.5);
    };
    const double rate = median_of([](const RoundFigures& f) { return f.rate; });
    const double run_rate = median_of([](const RoundFigures& f) { return f.run_rate; });
    std::printf("load-bench-median: mix=%s rounds=%d commands=%lld connections=%zu rate=%.0f CMD/s p50=%.2f MS p99=%.2f MS "
                "run=%.0f CMD/s ratio=%.2f x run (median of the rounds' ratios) server_cpu=%.1f US/CMD\n",
                mix.c_str(), rounds, static_cast<long long>(timed), connections, rate,
                median_of([](const RoundFigures& f) { return f.p50; }), median_of([](const RoundFigures& f) { return f.p99; }),
                run_rate, median_of([](const RoundFigures& f) { return f.rate / f.run_rate; }),
                median_of([](const RoundFigures& f) { return f.server_cpu_us; }));
  }
  if (!postgres.empty()) {
    // Each backend's medians, and its rate beside SQLite's round by round.
    const auto median = [](std::vector<double> values) { return percentile(values, 0.5); };
    for (const Setting& setting : settings) {
      std::vector<double> rates, p99s, ratios;
      const auto& mine = figures_by_setting[setting.name];
      const auto& sqlite = figures_by_setting["sqlite"];
      for (std::size_t round = 0; round < mine.size(); ++round) {
        rates.push_back(mine[round].rate);
        p99s.push_back(mine[round].p99);
        ratios.push_back(mine[round].rate / sqlite[round].rate);
      }
      std::printf("load-bench-backend: backend=%s nodes=%d rounds=%d rate=%.0f CMD/s p99=%.2f MS ratio=%.2f x sqlite\n",
                  setting.name.c_str(), setting.nodes, rounds, median(rates), median(p99s), median(ratios));
    }
  }
  remove_files();
  return is_all_acknowledged ? 0 : 1;
}
