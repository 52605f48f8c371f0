#include "reliability/abuse_campaign.h"

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <iterator>
#include <stdexcept>
#include <thread>

#include "reliability/abuse_figures.h"
#include "reliability/campaigns.h"
#include "reliability/child_process.h"
#include "reliability/command_file.h"
#include "reliability/http_client.h"
#include "reliability/ledger_server.h"

namespace csp::reliability {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

const std::string token = "server-abuse-token-0123456789abcdef";
constexpr milliseconds sample_interval{500};
constexpr milliseconds hostile_tick{200};
// Under the server's 128 per address, so that the places run out in all
// (the server sheds) rather than per address.
constexpr int connections_per_address = 100;
constexpr std::int64_t story_commands = 12;
// The attackers' own descriptors besides the campaign's.
constexpr rlim_t campaign_files_besides_attackers = 256;
constexpr milliseconds ramp{1000};
constexpr int soak_warm_up_seconds_max = 60;

// The campaign holds a socket for each hostile connection; csp-ledgerd,
// which inherits the limit, raises its own to fit its --connections-max.
void raise_open_files_limit(rlim_t wanted) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) throw std::runtime_error("getrlimit failed");
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
    (void)::setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    throw std::runtime_error("the open files limit is " + std::to_string(limit.rlim_cur) + ", under the " +
                             std::to_string(wanted) + " needed: raise `ulimit -Hn` or give fewer --idle-connections");
  }
}

// Idle connections from 127.0.1.x, slow ones from 127.0.2.x: the good
// client (127.0.0.1) shares an address with none of them.
std::vector<HostileGroup> hostile_groups(const AbuseSettings& settings) {
  std::vector<HostileGroup> groups;
  for (int first = 0, address = 1; first < settings.idle_connections; first += connections_per_address, ++address) {
    groups.push_back({"127.0.1." + std::to_string(address), std::min(connections_per_address, settings.idle_connections - first), false});
  }
  for (int first = 0, address = 1; first < settings.slow_connections; first += connections_per_address, ++address) {
    groups.push_back({"127.0.2." + std::to_string(address), std::min(connections_per_address, settings.slow_connections - first), true});
  }
  return groups;
}

void prefill(const AbuseSettings& settings, const ServerFiles& files) {
  if (settings.prefill_commands == 0) return;
  const std::string path = (std::filesystem::path(settings.dir) / "prefill.jsonl").string();
  (void)write_command_file(path, settings.prefill_commands, story_commands, campaign_admin, settings.seed);
  if (run_to_end({settings.ledger_bin, "--db", files.db, "run", path}) != 0) throw std::runtime_error("csp-ledger run of the prefill failed");
}

GoodClientFigures good_client_for(const AbuseSettings& settings, unsigned short port, const std::string& phase, int run_seconds) {
  GoodClientSettings good;
  good.port = port;
  good.token = token;
  good.id_prefix = "good-" + phase;
  good.seed = settings.seed + std::hash<std::string>{}(phase);
  good.interval = milliseconds(settings.good_interval_ms);
  good.answer_wait = seconds(settings.idle_timeout_seconds);
  const std::atomic<bool> never{false};
  return run_good_client(good, seconds(run_seconds), never);
}

void append(GoodClientFigures& to, const GoodClientFigures& from) {
  to.latencies_ms.insert(to.latencies_ms.end(), from.latencies_ms.begin(), from.latencies_ms.end());
  to.unanswered += from.unanswered;
  to.refused += from.refused;
  to.problems.insert(to.problems.end(), from.problems.begin(), from.problems.end());
}

void abuse(const AbuseSettings& settings, unsigned short port, AbuseFigures& figures) {
  HostileConnections hostile(port, hostile_groups(settings), hostile_tick);
  const ServerBounds bounds{1 << 20, 8 << 10, settings.idle_timeout_seconds};
  LyingRequests lies(port, token, bounds);
  StuckFollowers followers(port, token, settings.followers, settings.idle_timeout_seconds);
  std::this_thread::sleep_for(ramp);
  figures.under_abuse = good_client_for(settings, port, "abuse", settings.abuse_seconds);
  figures.hostile = hostile.figures();
  figures.lies = lies.tallies();
  figures.followers = followers.figures();
}

// Once the attackers are gone, the server should be back to the open
// files it had before them, within a header timeout and an idle timeout.
ProcessSample quiet_again(const AbuseSettings& settings, pid_t pid, const ProcessSample& before, std::int64_t margin) {
  const auto deadline = Clock::now() + seconds(settings.header_timeout_seconds + settings.idle_timeout_seconds + 5);
  ProcessSample sample = sample_process(pid);
  while (sample.open_files > before.open_files + margin && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(100));
    sample = sample_process(pid);
  }
  return sample;
}

std::int64_t ledger_bytes(const std::string& db) {
  std::int64_t bytes = 0;
  for (const std::string& path : {db, db + "-wal"}) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    if (!error) bytes += static_cast<std::int64_t>(size);
  }
  return bytes;
}

void soak(const AbuseSettings& settings, const std::string& db, unsigned short port, pid_t pid, SoakFigures& soak) {
  soak.seconds = settings.soak_seconds;
  // The first tenth (a minute at most) fills the caches a steady load needs.
  const int warm_up = std::clamp(settings.soak_seconds / 10, 1, soak_warm_up_seconds_max);
  const int half = std::max(1, (settings.soak_seconds - warm_up) / 2);
  append(soak.good, good_client_for(settings, port, "soak-warm-up", warm_up));
  soak.start = sample_process(pid);
  soak.ledger_bytes_start = ledger_bytes(db);
  append(soak.good, good_client_for(settings, port, "soak-first-half", half));
  soak.middle = sample_process(pid);
  append(soak.good, good_client_for(settings, port, "soak-second-half", half));
  soak.end = sample_process(pid);
  soak.ledger_bytes_end = ledger_bytes(db);
}

// csp-ledgerd's own count of the connections it closed, by reason, from
// the csp_ledger_connections_closed_total{reason="..."} lines of /metrics.
std::string closes_counted(unsigned short port) {
  const std::string series = "csp_ledger_connections_closed_total{reason=\"";
  std::string text;
  try {
    HttpClient connection(port, token);
    text = connection.get("/metrics").body;
  } catch (const std::exception& error) {
    return std::string("no /metrics: ") + error.what();
  }
  std::string counted;
  for (std::size_t at = text.find("\n" + series); at != std::string::npos; at = text.find("\n" + series, at + 1)) {
    const std::size_t reason = at + 1 + series.size();
    const std::size_t reason_end = text.find('"', reason);
    const std::size_t line_end = text.find('\n', reason_end);
    if (reason_end == std::string::npos || line_end == std::string::npos) break;
    counted += (counted.empty() ? "" : ", ") + text.substr(reason, reason_end - reason) +
               text.substr(reason_end + 2, line_end - reason_end - 2);
  }
  return counted;
}

std::vector<ProcessSample> since(const std::vector<ProcessSample>& samples, double from_seconds) {
  std::vector<ProcessSample> later;
  std::copy_if(samples.begin(), samples.end(), std::back_inserter(later), [&](const ProcessSample& sample) { return sample.seconds >= from_seconds; });
  return later;
}

}  // namespace

bool run_abuse_campaign(const AbuseSettings& settings) {
  const int attackers = settings.idle_connections + settings.slow_connections + settings.followers;
  raise_open_files_limit(static_cast<rlim_t>(attackers) + campaign_files_besides_attackers);
  const ServerFiles files = server_files_in(settings.dir);
  make_served_ledger(settings.ledger_bin, files, campaign_admin, token);
  prefill(settings, files);
  std::vector<std::string> flags{"--header-timeout-seconds", std::to_string(settings.header_timeout_seconds),
                                 "--idle-timeout-seconds", std::to_string(settings.idle_timeout_seconds)};
  if (settings.cached_entries_max > 0) flags.insert(flags.end(), {"--cached-entries-max", std::to_string(settings.cached_entries_max)});
  std::unique_ptr<bench::ServerChild> server = start_ledger_server(settings.ledgerd_bin, files, flags);
  const pid_t pid = server->pid();
  const unsigned short port = server->port();
  AbuseBounds bounds;
  bounds.idle_timeout_seconds = settings.idle_timeout_seconds;
  bounds.expects_followers = settings.followers > 0;
  AbuseFigures figures;
  {
    const ProcessWatch watch(pid, sample_interval);
    const auto watch_start = Clock::now();
    figures.baseline = good_client_for(settings, port, "baseline", settings.baseline_seconds);
    figures.before = sample_process(pid);
    const double abuse_from = std::chrono::duration<double>(Clock::now() - watch_start).count();
    abuse(settings, port, figures);
    figures.peak = peak_of(since(watch.samples(), abuse_from));
    figures.server_closes = closes_counted(port);
    if (server->is_running()) {
      figures.after = quiet_again(settings, pid, figures.before, bounds.quiet_open_files_growth_max);
      if (settings.soak_seconds > 0) soak(settings, files.db, port, pid, figures.soak);
    }
    figures.samples = watch.samples();
  }
  if (!server->is_running()) {
    ++figures.crashes;
    figures.problems.push_back("csp-ledgerd ended, status " + std::to_string(server->stop()) + "; its log: " + files.log);
  } else if (const std::string why = why_not_serving(port, token, "server-abuse-after", "after@partner.example"); !why.empty()) {
    figures.problems.push_back("after the abuse the server " + why);
  } else if (const int status = server->stop(); status != 0) {
    figures.problems.push_back("csp-ledgerd exited " + std::to_string(status) + " on SIGTERM, not 0");
  }
  check_bounds(bounds, figures);
  print_figures(figures);
  return figures.problems.empty();
}

}  // namespace csp::reliability
