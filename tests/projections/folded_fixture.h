#pragma once
// A ledger with a customer, a purchase and a link, decided in memory, and
// its events folded into read models.

#include <gtest/gtest.h>

#include "../domain/in_memory_ledger.h"
#include "projections/read_models.h"

namespace csp::projections::testing {

using namespace domain::testing;

class Folded : public ::testing::Test {
 protected:
  InMemoryLedger ledger;
  domain::CustomerState customer = customer_in("JP");

  void SetUp() override {
    run(domain::InitializeLedger{agent(admin)}, admin, day0());
    const auto& r = *customer.registration;
    run(domain::RegisterCustomer{r.tenant, r.domain, r.market, std::nullopt}, admin, day0());
    run(purchase_of(windows_datacenter(), customer), admin, day0());
    run(link_request(1), admin, day0());
  }

  void run(const domain::Command& command, const std::string& who, const domain::Timestamp& when) {
    const auto decision = ledger.handle(command, meta(who, when));
    ASSERT_TRUE(decision.is_accepted() || !decision.events.empty()) << decision.refusal->message;
  }

  ReadModels fold() const {
    ReadModels models;
    std::int64_t position = 0;
    for (const auto& event : ledger.log()) models.apply(event, ++position);
    return models;
  }
};

}  // namespace csp::projections::testing
