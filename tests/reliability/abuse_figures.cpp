#include "reliability/abuse_figures.h"

#include <algorithm>
#include <cstdio>

namespace csp::reliability {
namespace {

constexpr std::size_t problems_printed_max = 30;

double mib(std::int64_t kib) { return static_cast<double>(kib) / 1024; }

void check_good_client(const GoodClientFigures& good, const std::string& when, std::vector<std::string>& problems) {
  if (good.latencies_ms.empty()) problems.push_back(when + ": the good client got no answer at all");
  if (good.unanswered > 0) {
    problems.push_back(when + ": " + std::to_string(good.unanswered) + " of the good client's requests unanswered within the idle timeout");
  }
  if (good.refused > 0) problems.push_back(when + ": " + std::to_string(good.refused) + " of the good client's requests refused");
  for (const std::string& problem : good.problems) problems.push_back(when + ": " + problem);
}

void check_attacks(const AbuseBounds& bounds, AbuseFigures& figures) {
  std::vector<std::string>& problems = figures.problems;
  if (figures.hostile.slow_closed_by_server == 0) problems.push_back("no slow connection was ever closed by the server");
  if (figures.hostile.slow_lifetime_max_seconds >= bounds.idle_timeout_seconds) {
    problems.push_back("a slow connection held its place " + std::to_string(figures.hostile.slow_lifetime_max_seconds) +
                       " s, past the idle timeout: the header timeout did not close it");
  }
  for (const LieTally& lie : figures.lies) {
    if (lie.sent == 0) problems.push_back(lie.kind + ": never sent");
    for (const std::string& problem : lie.problems) problems.push_back(problem);
  }
  if (bounds.expects_followers && figures.followers.followers == 0) {
    problems.push_back("no stuck follower was judged: run the abuse longer than the idle timeout and 4 s");
  }
  for (const std::string& problem : figures.followers.problems) problems.push_back(problem);
}

void check_process(const AbuseBounds& bounds, AbuseFigures& figures) {
  std::vector<std::string>& problems = figures.problems;
  const std::int64_t open_files_max = bounds.connections_max + bounds.other_open_files_max;
  if (figures.peak.open_files > open_files_max) {
    problems.push_back("csp-ledgerd held " + std::to_string(figures.peak.open_files) + " open files, over " +
                       std::to_string(open_files_max) + " (its connections and the rest)");
  }
  if (figures.peak.rss_kib > figures.before.rss_kib + bounds.abuse_rss_growth_max_kib) {
    problems.push_back("csp-ledgerd's RSS grew from " + std::to_string(figures.before.rss_kib) + " KiB to " +
                       std::to_string(figures.peak.rss_kib) + " KiB under the abuse");
  }
  if (figures.after.open_files > figures.before.open_files + bounds.quiet_open_files_growth_max) {
    problems.push_back("csp-ledgerd still held " + std::to_string(figures.after.open_files) + " open files once the abuse ended, " +
                       std::to_string(figures.before.open_files) + " before it");
  }
}

void check_soak(const AbuseBounds& bounds, AbuseFigures& figures) {
  const SoakFigures& soak = figures.soak;
  if (soak.seconds == 0) return;
  check_good_client(soak.good, "soak", figures.problems);
  const std::int64_t cache_kib = std::min(bounds.page_cache_max_kib, soak.ledger_bytes_end / 1024);
  const std::int64_t growth_max_kib = bounds.ledger_connections * cache_kib + bounds.soak_rss_growth_beyond_caches_max_kib;
  if (soak.end.rss_kib - soak.start.rss_kib > growth_max_kib) {
    figures.problems.push_back("soak: RSS grew from " + std::to_string(soak.start.rss_kib) + " KiB to " +
                               std::to_string(soak.end.rss_kib) + " KiB, more than " + std::to_string(growth_max_kib) +
                               " KiB: the page caches of a " + std::to_string(soak.ledger_bytes_end / 1024) +
                               " KiB ledger and a margin");
  }
  if (soak.end.open_files > soak.start.open_files + bounds.soak_open_files_growth_max) {
    figures.problems.push_back("soak: open files grew from " + std::to_string(soak.start.open_files) + " to " +
                               std::to_string(soak.end.open_files));
  }
}

void print_lies(const std::vector<LieTally>& lies) {
  for (const LieTally& lie : lies) {
    std::printf("  %-24s sent %lld, stopped %lld (slowest %.1f s), let through %lld\n", lie.kind.c_str(),
                static_cast<long long>(lie.sent), static_cast<long long>(lie.stopped), lie.stop_seconds_max,
                static_cast<long long>(lie.let_through));
  }
}

void print_samples(const std::vector<ProcessSample>& samples) {
  // About twenty of them: enough to see a trend, few enough to read.
  const std::size_t step = samples.size() / 20 + 1;
  std::printf("  csp-ledgerd over time (s: RSS MiB, open files):");
  for (std::size_t i = 0; i < samples.size(); i += step) {
    if (samples[i].rss_kib < 0) {
      std::printf(" %.0f: gone;", samples[i].seconds);
    } else {
      std::printf(" %.0f: %.1f, %lld;", samples[i].seconds, mib(samples[i].rss_kib), static_cast<long long>(samples[i].open_files));
    }
  }
  std::printf("\n");
}

}  // namespace

void check_bounds(const AbuseBounds& bounds, AbuseFigures& figures) {
  check_good_client(figures.baseline, "baseline", figures.problems);
  check_good_client(figures.under_abuse, "under abuse", figures.problems);
  check_attacks(bounds, figures);
  check_process(bounds, figures);
  check_soak(bounds, figures);
}

void print_figures(const AbuseFigures& figures) {
  std::int64_t lies_sent = 0;
  std::int64_t lies_stopped = 0;
  for (const LieTally& lie : figures.lies) {
    lies_sent += lie.sent;
    lies_stopped += lie.stopped;
  }
  const GoodClientFigures& base = figures.baseline;
  const GoodClientFigures& abused = figures.under_abuse;
  std::printf("server abuse campaign: good client p50 %.2f ms p99 %.2f ms (baseline, %zu requests), p50 %.2f ms p99 %.2f ms "
              "(under abuse, %zu), unanswered %lld, refused %lld; hostile connects %lld, closed by the server %lld "
              "(slow %lld, longest %.1f s); lying requests %lld, stopped %lld; stuck followers %lld, closed %lld; "
              "crashes %lld; RSS %.1f MiB before, %.1f peak; open files %lld before, %lld peak, %lld after\n",
              percentile(base.latencies_ms, 50), percentile(base.latencies_ms, 99), base.latencies_ms.size(),
              percentile(abused.latencies_ms, 50), percentile(abused.latencies_ms, 99), abused.latencies_ms.size(),
              static_cast<long long>(base.unanswered + abused.unanswered), static_cast<long long>(base.refused + abused.refused),
              static_cast<long long>(figures.hostile.connects), static_cast<long long>(figures.hostile.closed_by_server),
              static_cast<long long>(figures.hostile.slow_closed_by_server), figures.hostile.slow_lifetime_max_seconds,
              static_cast<long long>(lies_sent), static_cast<long long>(lies_stopped),
              static_cast<long long>(figures.followers.followers), static_cast<long long>(figures.followers.closed_by_server),
              static_cast<long long>(figures.crashes), mib(figures.before.rss_kib), mib(figures.peak.rss_kib),
              static_cast<long long>(figures.before.open_files), static_cast<long long>(figures.peak.open_files),
              static_cast<long long>(figures.after.open_files));
  std::printf("  closed by csp-ledgerd, by its /metrics: %s\n", figures.server_closes.c_str());
  print_lies(figures.lies);
  const SoakFigures& soak = figures.soak;
  if (soak.seconds > 0) {
    std::printf("soak: %d s of steady load, good client p50 %.2f ms p99 %.2f ms (%zu requests), unanswered %lld, refused %lld; "
                "RSS start %.1f MiB, middle %.1f, end %.1f (the ledger %.1f MiB, +%.1f); open files start %lld, middle %lld, end %lld\n",
                soak.seconds, percentile(soak.good.latencies_ms, 50), percentile(soak.good.latencies_ms, 99),
                soak.good.latencies_ms.size(), static_cast<long long>(soak.good.unanswered),
                static_cast<long long>(soak.good.refused), mib(soak.start.rss_kib), mib(soak.middle.rss_kib),
                mib(soak.end.rss_kib), mib(soak.ledger_bytes_end / 1024),
                mib((soak.ledger_bytes_end - soak.ledger_bytes_start) / 1024),
                static_cast<long long>(soak.start.open_files),
                static_cast<long long>(soak.middle.open_files), static_cast<long long>(soak.end.open_files));
  }
  print_samples(figures.samples);
  for (std::size_t i = 0; i < figures.problems.size() && i < problems_printed_max; ++i) {
    std::printf("  problem: %s\n", figures.problems[i].c_str());
  }
  std::fflush(stdout);
}

}  // namespace csp::reliability
