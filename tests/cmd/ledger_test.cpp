// The command handler as a library: what a batch dropped without commit
// leaves behind.

#include <gtest/gtest.h>
#include "cmd/session.h"
#include "domain/email.h"
#include "domain/timestamp.h"
#include "support/temp_dir.h"

namespace csp::cmd {
namespace {

Request as(const std::string& actor, domain::Command command) {
  return Request{std::move(command), domain::CommandMeta{std::nullopt, *domain::Actor::parse(actor),
                                                          *domain::Timestamp::parse("2026-01-01T00:00:00Z")}};
}

TEST(Ledger, ARolledBackGrantGivesNoRights) {
  csp::testing::TempDir folder;
  auto opened = open_ledger(folder.file("ledger.db"), true, KeyFile{folder.file("ledger.db") + ".key", false, true});
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Ledger& ledger = *opened->ledger;
  const auto alice = *domain::AgentId::parse("alice@partner.example");
  const auto bob = *domain::AgentId::parse("bob@partner.example");
  {
    auto batch = ledger.begin_batch();
    ASSERT_TRUE(batch.ok());
    ASSERT_FALSE(ledger.execute(as(alice.str(), domain::InitializeLedger{alice}), **batch)->refusal);
    ASSERT_TRUE(ledger.commit(**batch).ok());
  }
  {
    auto dropped = ledger.begin_batch();
    ASSERT_FALSE(ledger.execute(as(alice.str(), domain::GrantRole{bob, domain::Role::sales_agent}), **dropped)->refusal);
  }  // rolled back
  auto batch = ledger.begin_batch();
  const domain::RegisterCustomer customer{*domain::TenantId::parse("8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10"),
                                          *domain::DomainName::parse("contoso.onmicrosoft.com"),
                                          *domain::Market::parse("JP"), std::nullopt};
  const auto outcome = ledger.execute(as(bob.str(), customer), **batch);
  ASSERT_TRUE(outcome.ok());
  ASSERT_TRUE(outcome->refusal.has_value());
  EXPECT_EQ(outcome->refusal->code, domain::ErrorCode::not_authorized);
  batch = eventstore::StoreError{};
  opened = eventstore::StoreError{};
}

}  // namespace
}  // namespace csp::cmd
