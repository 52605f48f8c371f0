#include "reliability/good_client.h"

#include <algorithm>
#include <memory>
#include <thread>

#include "reliability/command_stories.h"
#include "reliability/http_client.h"

namespace csp::reliability {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t problems_kept_max = 5;
constexpr std::int64_t requests_max = 100'000'000;
// Every fourth request reads, alternating between two reports.
constexpr std::int64_t reads_every = 4;
const char* const reads[] = {"/reports/customers?limit=10", "/reports/subscriptions?limit=10"};

void note(GoodClientFigures& figures, const std::string& what) {
  if (figures.problems.size() < problems_kept_max) figures.problems.push_back(what);
}

}  // namespace

GoodClientFigures run_good_client(const GoodClientSettings& settings, std::chrono::milliseconds duration,
                                  const std::atomic<bool>& stop) {
  GoodClientFigures figures;
  CommandStory story(settings.id_prefix, settings.seed);
  std::unique_ptr<HttpClient> connection;
  const auto start = Clock::now();
  const auto end = start + duration;
  for (std::int64_t n = 0; n < requests_max && !stop.load(); ++n) {
    const auto due = start + n * settings.interval;
    if (due >= end) break;
    std::this_thread::sleep_until(due);
    const bool is_read = n % reads_every == reads_every - 1;
    const std::string what = is_read ? reads[(n / reads_every) % 2] : "a command";
    const auto sent = Clock::now();
    try {
      if (!connection) {
        connection = std::make_unique<HttpClient>(settings.port, settings.token);
        connection->bound_answer_wait(settings.answer_wait);
      }
      const HttpAnswer answer = is_read ? connection->get(what) : connection->post_command(story.next().dump());
      if (answer.status != 200) {
        ++figures.refused;
        note(figures, what + " answered " + std::to_string(answer.status) + ": " + answer.body.substr(0, 200));
        continue;
      }
      figures.latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
    } catch (const std::exception& error) {
      // A timed-out or broken connection cannot carry the next request.
      connection.reset();
      ++figures.unanswered;
      note(figures, what + " unanswered: " + error.what());
    }
  }
  return figures;
}

double percentile(std::vector<double> values, int percent) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t at = std::min(values.size() - 1, values.size() * static_cast<std::size_t>(percent) / 100);
  return values[at];
}

}  // namespace csp::reliability
