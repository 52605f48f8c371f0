// The same commands always give the same events: the domain has no hidden
// clock or randomness. L2: every event carries its business time, and each
// decision names the role it used.

#include <gtest/gtest.h>

#include "domain/event_codec.h"
#include "in_memory_ledger.h"

namespace csp::domain {
namespace {

using namespace testing;
using std::chrono::days;
using std::chrono::hours;

struct Step {
  Command command;
  CommandMeta meta;
};

std::vector<Step> scenario() {
  const CustomerState japan = customer_in("JP", 1);
  const CustomerState brazil = customer_in("BR", 2);
  const auto registered = [](const CustomerState& customer) {
    const auto& r = *customer.registration;
    return RegisterCustomer{r.tenant, r.domain, r.market, std::nullopt};
  };
  std::vector<Step> steps = {
      {InitializeLedger{agent(admin)}, meta(admin, day0(), "init")},
      {GrantRole{agent(sales), Role::sales_agent}, meta(admin, day0(), "grant")},
      {registered(japan), meta(sales, day0(), "c1")},
      {registered(brazil), meta(sales, day0(), "c2")},
      {purchase_of(windows_datacenter(), japan, 1), meta(sales, plus(day0(), hours{1}), "p1")},
      {purchase_of(reserved_instance(), brazil, 2), meta(sales, plus(day0(), hours{1}), "p2-refused")},
      {purchase_of(sql_standard(), brazil, 3), meta(admin, plus(day0(), hours{2}), "p3")},
      {link_request(1, 1), meta(admin, plus(day0(), hours{3}), "l1")},
  };
  for (int count = 0; count < 51; ++count) {
    steps.push_back({RecordDownload{uuid<LinkId>(1, 4)}, meta("user@customer1.example", plus(day0(), hours{4}), "d")});
  }
  steps.push_back({link_request(2, 1), meta(admin, plus(day0(), days{15}), "l2")});
  steps.push_back({cancel_request(japan, "150.00", 1, 1), meta(admin, plus(day0(), days{20}), "x1")});
  steps.push_back({RecordDownload{uuid<LinkId>(2, 4)}, meta("user@customer1.example", plus(day0(), days{21}), "d2")});
  steps.push_back({ResolveRefundTicket{uuid<TicketId>(1, 5), Refunded{decimal("150.00")}},
                   meta(admin, plus(day0(), days{22}), "r1")});
  steps.push_back({cancel_request(brazil, "1.00", 3, 2), meta(admin, plus(day0(), days{61}), "x2-late")});
  return steps;
}

std::vector<std::string> run_encoded(const std::vector<Step>& steps) {
  InMemoryLedger ledger;
  for (const auto& step : steps) (void)ledger.handle(step.command, step.meta);
  std::vector<std::string> encoded;
  for (const auto& event : ledger.log()) encoded.push_back(std::string(event_type_name(event)) + encode_payload(event));
  return encoded;
}

TEST(Determinism, SameCommandsGiveByteIdenticalEvents) {
  const auto first = run_encoded(scenario());
  const auto second = run_encoded(scenario());
  ASSERT_GT(first.size(), 60u);
  EXPECT_EQ(first, second);
}

TEST(Determinism, ScenarioReachesTheExpectedOutcomes) {
  InMemoryLedger ledger;
  std::map<std::string, std::vector<std::string>> outcomes;
  for (const auto& step : scenario()) {
    const Decision decision = ledger.handle(step.command, step.meta);
    outcomes[step.meta.id->str()].push_back(decision.refusal ? std::string(code_name(decision.refusal->code)) : "ok");
  }
  EXPECT_EQ(outcomes["p2-refused"], std::vector<std::string>{"market_not_available"});
  EXPECT_EQ(outcomes["d"].size(), 51u);
  EXPECT_EQ(outcomes["d"].back(), "download_limit_reached");
  EXPECT_EQ(outcomes["d"][49], "ok");
  EXPECT_EQ(outcomes["x1"], std::vector<std::string>{"ok"});
  EXPECT_EQ(outcomes["d2"], std::vector<std::string>{"subscription_cancelled"});
  EXPECT_EQ(outcomes["r1"], std::vector<std::string>{"ok"});
  EXPECT_EQ(outcomes["x2-late"], std::vector<std::string>{"cancel_window_closed"});
}

TEST(Determinism, L2_EveryEventCarriesTheCommandsTimeAndTheRoleUsed) {
  InMemoryLedger ledger;
  for (const auto& step : scenario()) {
    const Decision decision = ledger.handle(step.command, step.meta);
    for (const auto& event : decision.events) EXPECT_EQ(event_time(event), step.meta.at) << step.meta.id->str();
    const bool is_download = std::holds_alternative<RecordDownload>(step.command);
    if (decision.is_accepted() && !is_download) {
      EXPECT_TRUE(decision.role_used.has_value()) << step.meta.id->str();
    }
    if (is_download) {
      EXPECT_FALSE(decision.role_used.has_value());
    }
  }
}

}  // namespace
}  // namespace csp::domain
