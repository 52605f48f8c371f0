#pragma once
// The command workload bench-run and bench-replay share, and how they run
// csp-ledger as a child process.

#include <cstdint>
#include <string>
#include <vector>

namespace csp::bench {

struct WorkloadShape {
  std::int64_t commands = 0;
  std::int64_t customers = 0;
  std::int64_t subscriptions = 0;  // each with one purchase and one link issue
};

// One customer per 1,000 commands, one subscription (and its link) per 50;
// the rest are downloads spread evenly, at most 50 per link (R5).
WorkloadShape write_workload(const std::string& path, std::int64_t commands);
// Every subscription's purchase and first link, and no downloads: half
// the commands seal a product key, which is what sealing keys costs most.
WorkloadShape write_key_issues(const std::string& path, std::int64_t commands);
// A month-end rush: one customer, then purchases for it alone, each a new
// subscription.
WorkloadShape write_purchase_rush(const std::string& path, std::int64_t commands);

// The middle value (the upper of the two middle ones for an even count).
double median(std::vector<double> values);

struct ChildRun {
  int status = -1;
  double seconds = 0;
  long peak_kib = 0;
};

// Runs argv[0] with its stdout sent to /dev/null, timing it.
ChildRun run_child(const std::vector<std::string>& args);

}  // namespace csp::bench
