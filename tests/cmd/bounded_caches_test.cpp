// The writer's caches past their bound (Ledger::set_cached_entries_max):
// the least recently used states and aliases go, what is in use stays,
// and a ledger that keeps almost nothing decides exactly as one that
// keeps everything.

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cmd/remembered_aliases.h"
#include "cmd/session.h"
#include "cmd/state_cache.h"
#include "../domain/fixtures.h"
#include "domain/timestamp.h"
#include "eventstore/sql_session.h"
#include "projections/compare.h"
#include "projections/replay.h"
#include "support/temp_dir.h"

namespace csp::cmd {
namespace {

const std::string admin = "alice@partner.example";
const std::string contoso = "8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10";

// serial < 10^8 keeps it a UUID.
std::string uuid_of(int kind, int serial) {
  char text[64];
  std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%04d%08d", kind, serial);
  return text;
}

Request as(domain::Command command) {
  return Request{std::move(command), domain::CommandMeta{std::nullopt, *domain::Actor::parse(admin),
                                                          *domain::Timestamp::parse("2026-01-01T00:00:00Z")}};
}

// A month-end in small: purchases, a link on each, and downloads and a
// cancellation that go back to subscriptions bought long before.
std::vector<Request> busy_month(int subscriptions) {
  std::vector<Request> requests;
  requests.push_back(as(domain::InitializeLedger{*domain::AgentId::parse(admin)}));
  requests.push_back(as(domain::RegisterCustomer{*domain::TenantId::parse(contoso),
                                                 *domain::DomainName::parse("contoso.onmicrosoft.com"),
                                                 *domain::Market::parse("JP"), std::nullopt}));
  const auto subscription = [](int serial) { return *domain::SubscriptionId::parse(uuid_of(2, serial)); };
  const auto link = [](int serial) { return *domain::LinkId::parse(uuid_of(3, serial)); };
  for (int serial = 0; serial < subscriptions; ++serial) {
    requests.push_back(as(domain::PurchaseSoftware{
        *domain::DomainName::parse("contoso.onmicrosoft.com"), *domain::Sku::parse("windows-server-2022-standard"),
        *domain::Quantity::of(1), *domain::Money::parse("100.00", "USD"), *domain::OrderId::parse(uuid_of(1, serial)),
        subscription(serial)}));
    requests.push_back(as(domain::IssueDownloadLink{subscription(serial), "2022", "en-us", "iso", link(serial),
                                                    *domain::ProductKey::parse("BBBBB-BBBBB-BBBBB-BBBBB-BBBBB")}));
  }
  for (int round = 0; round < 3; ++round) {
    for (int serial = 0; serial < subscriptions; serial += 7) requests.push_back(as(domain::RecordDownload{link(serial)}));
  }
  requests.push_back(as(domain::CancelPurchase{*domain::OrderId::parse(uuid_of(1, 0)),
                                               *domain::DomainName::parse("contoso.onmicrosoft.com"),
                                               domain::testing::reason("bought by mistake"),
                                               domain::testing::decimal("100.00"),
                                               domain::testing::contact(),
                                               std::nullopt,
                                               domain::Impact::minimal,
                                               {},
                                               *domain::TicketId::parse(uuid_of(4, 0))}));
  return requests;
}

// Every result as JSON, one batch per command.
std::vector<std::string> results_of(Ledger& ledger, const std::vector<Request>& requests) {
  std::vector<std::string> results;
  for (const auto& request : requests) {
    auto batch = ledger.begin_batch();
    EXPECT_TRUE(batch.ok());
    if (!batch.ok()) break;
    auto outcome = ledger.execute(request, **batch);
    EXPECT_TRUE(outcome.ok()) << outcome.error().message;
    if (!outcome.ok()) break;
    results.push_back(outcome->refusal ? outcome->refusal->message : outcome->result.dump());
    EXPECT_TRUE(ledger.commit(**batch).ok());
  }
  return results;
}

TEST(BoundedCaches, ALedgerKeepingAlmostNothingDecidesAsOneKeepingEverything) {
  csp::testing::TempDir folder;
  const auto requests = busy_month(60);
  auto roomy = open_ledger(folder.file("roomy.db"), true, KeyFile{folder.file("roomy.db") + ".key", false, true});
  auto cramped = open_ledger(folder.file("cramped.db"), true, KeyFile{folder.file("cramped.db") + ".key", false, true});
  ASSERT_TRUE(roomy.ok() && cramped.ok());
  cramped->ledger->set_cached_entries_max(3);
  const auto expected = results_of(*roomy->ledger, requests);
  EXPECT_EQ(results_of(*cramped->ledger, requests), expected);
  ASSERT_EQ(expected.size(), requests.size());
  EXPECT_NE(expected.back().find("keys_revoked"), std::string::npos) << expected.back();

  auto replayed = projections::replay_in_memory(cramped->ledger->store(), projections::ReplayLimit{});
  ASSERT_TRUE(replayed.ok());
  projections::StoredReadModels rows(*eventstore::sql::session_of(cramped->ledger->store()), projections::live_tables);
  auto found = projections::differences(rows, *replayed);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->empty());
}

TEST(BoundedCaches, TheStateCacheKeepsTheStreamsInUseAndDropsTheColdest) {
  csp::testing::TempDir folder;
  auto opened = open_ledger(folder.file("ledger.db"), true, KeyFile{folder.file("ledger.db") + ".key", false, true});
  ASSERT_TRUE(opened.ok());
  auto batch = opened->store->begin_batch();
  ASSERT_TRUE(batch.ok());
  StateCache cache;
  cache.set_streams_max(10);
  const std::string hot = "customer-" + contoso;
  for (int serial = 0; serial < 50; ++serial) {
    cache.begin_command();
    EXPECT_LE(cache.size(), 10u);
    ASSERT_TRUE(cache.load<domain::CustomerState>(**batch, hot).ok());
    ASSERT_TRUE(cache.load<domain::SubscriptionState>(**batch, "subscription-" + uuid_of(2, serial)).ok());
  }
  cache.begin_command();
  EXPECT_LE(cache.size(), 10u);
  EXPECT_EQ(cache.version_to_read_from(hot), std::nullopt);  // still cached, read in this batch
  EXPECT_EQ(cache.version_to_read_from("subscription-" + uuid_of(2, 49)), std::nullopt);
  EXPECT_EQ(cache.version_to_read_from("subscription-" + uuid_of(2, 0)), 1);  // dropped: read from the start
}

TEST(BoundedCaches, RememberedAliasesKeepTheOnesInUseAndDropTheColdest) {
  RememberedAliases aliases;
  aliases.set_aliases_max(10);
  aliases.remember("domain:contoso.onmicrosoft.com", "customer-" + contoso);
  for (int serial = 0; serial < 50; ++serial) {
    ASSERT_NE(aliases.find("domain:contoso.onmicrosoft.com"), nullptr) << serial;
    aliases.remember("order:" + uuid_of(1, serial), "subscription-" + uuid_of(2, serial));
    EXPECT_LE(aliases.size(), 10u);
  }
  EXPECT_EQ(*aliases.find("order:" + uuid_of(1, 49)), "subscription-" + uuid_of(2, 49));
  EXPECT_EQ(aliases.find("order:" + uuid_of(1, 0)), nullptr);
}

}  // namespace
}  // namespace csp::cmd
