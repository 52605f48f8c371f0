#include "bench/workload.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "bench/raw_sqlite.h"

namespace csp::bench {
namespace {

std::string uuid_from(std::int64_t kind, std::int64_t serial) {
  char text[64];
  std::snprintf(text, sizeof text, "%08llx-0000-4000-8000-%012llx", static_cast<unsigned long long>(kind),
                static_cast<unsigned long long>(serial));
  return text;
}

}  // namespace

namespace {

void write_customers(std::ofstream& out, std::int64_t customers) {
  for (std::int64_t c = 0; c < customers; ++c) {
    out << nlohmann::json{{"command", "RegisterCustomer"}, {"actor", "alice@partner.example"}, {"tenant", uuid_from(1, c)},
                          {"domain", "customer" + std::to_string(c) + ".onmicrosoft.com"}, {"market", "JP"}}.dump()
        << "\n";
  }
}

void write_purchase_and_link(std::ofstream& out, std::int64_t subscription, std::int64_t customers) {
  const std::string admin = "alice@partner.example";
  out << nlohmann::json{{"command", "PurchaseSoftware"}, {"actor", admin}, {"customer", uuid_from(1, subscription % customers)},
                        {"product", "windows-server-2022-datacenter"}, {"quantity", 1}, {"unit_price", "100.00"},
                        {"currency", "USD"}, {"subscription_id", uuid_from(2, subscription)}}.dump()
      << "\n";
  out << nlohmann::json{{"command", "IssueDownloadLink"}, {"actor", admin}, {"subscription", uuid_from(2, subscription)},
                        {"version", "2022"}, {"language", "en-us"}, {"file_type", "iso"}, {"link_id", uuid_from(3, subscription)}}
             .dump()
      << "\n";
}

}  // namespace

WorkloadShape write_workload(const std::string& path, std::int64_t commands) {
  std::ofstream out(path);
  const WorkloadShape shape{commands, std::max<std::int64_t>(10, commands / 1000),
                            std::max<std::int64_t>(10, commands / 50)};
  write_customers(out, shape.customers);
  std::int64_t written = shape.customers;
  for (std::int64_t s = 0; s < shape.subscriptions; ++s, written += 2) write_purchase_and_link(out, s, shape.customers);
  for (std::int64_t d = 0; written < commands; ++d, ++written) {
    out << nlohmann::json{{"command", "RecordDownload"}, {"actor", "user@customer.example"},
                          {"link", uuid_from(3, d % shape.subscriptions)}}.dump()
        << "\n";
  }
  return WorkloadShape{written, shape.customers, shape.subscriptions};
}

WorkloadShape write_key_issues(const std::string& path, std::int64_t commands) {
  std::ofstream out(path);
  const std::int64_t customers = std::max<std::int64_t>(10, commands / 1000);
  write_customers(out, customers);
  const std::int64_t subscriptions = (commands - customers) / 2;
  for (std::int64_t s = 0; s < subscriptions; ++s) write_purchase_and_link(out, s, customers);
  return WorkloadShape{customers + 2 * subscriptions, customers, subscriptions};
}

WorkloadShape write_purchase_rush(const std::string& path, std::int64_t commands) {
  const std::string admin = "alice@partner.example";
  std::ofstream out(path);
  out << nlohmann::json{{"command", "RegisterCustomer"}, {"actor", admin}, {"tenant", uuid_from(1, 0)},
                        {"domain", "rush.onmicrosoft.com"}, {"market", "JP"}}.dump()
      << "\n";
  for (std::int64_t s = 0; s + 1 < commands; ++s) {
    out << nlohmann::json{{"command", "PurchaseSoftware"}, {"actor", admin}, {"customer", uuid_from(1, 0)},
                          {"product", "windows-server-2022-datacenter"}, {"quantity", 1}, {"unit_price", "100.00"},
                          {"currency", "USD"}, {"subscription_id", uuid_from(2, s)}}.dump()
        << "\n";
  }
  return WorkloadShape{commands, 1, commands - 1};
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.at(values.size() / 2);
}

ChildRun run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const std::int64_t start = monotonic_ns();
  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) fail("fork failed");
  if (child == 0) {
    if (std::freopen("/dev/null", "w", stdout) == nullptr) _exit(127);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(child, &status, 0, &usage) != child) fail("wait4 failed");
  return ChildRun{WIFEXITED(status) ? WEXITSTATUS(status) : -1, seconds_between(start, monotonic_ns()), usage.ru_maxrss};
}

}  // namespace csp::bench
