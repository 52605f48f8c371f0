// Read-model rows a busy writer keeps in memory between writes
// (Ledger::set_read_model_flush_interval, up to
// set_read_model_rows_waiting_max): they reach the file with their
// checkpoint, and a rollback or another writer never leaves them wrong.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "cmd/session.h"
#include "domain/timestamp.h"
#include "eventstore/sql_session.h"
#include "projections/compare.h"
#include "projections/replay.h"
#include "support/temp_dir.h"

namespace csp::cmd {
namespace {

constexpr std::chrono::hours never_due{1};

Request as(const std::string& actor, domain::Command command) {
  return Request{std::move(command), domain::CommandMeta{std::nullopt, *domain::Actor::parse(actor),
                                                          *domain::Timestamp::parse("2026-01-01T00:00:00Z")}};
}

const std::string admin = "alice@partner.example";

domain::RegisterCustomer customer(const std::string& tenant, const std::string& domain_name) {
  return domain::RegisterCustomer{*domain::TenantId::parse(tenant), *domain::DomainName::parse(domain_name),
                                  *domain::Market::parse("JP"), std::nullopt};
}

// Each call buys under new ids.
domain::PurchaseSoftware purchase(const std::string& tenant) {
  static int serial = 0;
  ++serial;
  const auto id = [](int kind) {
    char text[37];
    std::snprintf(text, sizeof text, "00000000-0000-4000-8000-%04d%08d", kind, serial);
    return std::string(text);
  };
  return domain::PurchaseSoftware{*domain::TenantId::parse(tenant), *domain::Sku::parse("windows-server-2022-standard"),
                                  *domain::Quantity::of(2), *domain::Money::parse("100.00", "USD"),
                                  *domain::OrderId::parse(id(1)), *domain::SubscriptionId::parse(id(2))};
}

const std::string contoso = "8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10";

class WaitingRows : public ::testing::Test {
 protected:
  void SetUp() override {
    opened_ = open_ledger(folder_.file("ledger.db"), true, KeyFile{folder_.file("ledger.db") + ".key", false, true});
    ASSERT_TRUE(opened_.ok()) << opened_.error().message;
    run_committed(ledger(), {as(admin, domain::InitializeLedger{*domain::AgentId::parse(admin)})});
  }

  Ledger& ledger() { return *opened_->ledger; }

  static void run_committed(Ledger& ledger, const std::vector<Request>& requests) {
    auto batch = ledger.begin_batch();
    ASSERT_TRUE(batch.ok()) << batch.error().message;
    for (const auto& request : requests) {
      auto outcome = ledger.execute(request, **batch);
      ASSERT_TRUE(outcome.ok()) << outcome.error().message;
      ASSERT_FALSE(outcome->refusal) << outcome->refusal->message;
    }
    ASSERT_TRUE(ledger.commit(**batch).ok());
  }

  std::int64_t stored_position(Ledger& ledger) {
    projections::StoredReadModels rows(*eventstore::sql::session_of(ledger.store()), projections::live_tables);
    auto checkpoint = rows.stored_checkpoint();
    EXPECT_TRUE(checkpoint.ok() && checkpoint->has_value());
    return checkpoint.ok() && checkpoint->has_value() ? (*checkpoint)->position : -1;
  }

  std::int64_t head_position(Ledger& ledger) { return ledger.store().head()->position; }

  // What `audit verify` would say of the stored rows.
  std::vector<projections::RowDifference> differences_from_replay(Ledger& ledger) {
    auto replayed = projections::replay_in_memory(ledger.store(), projections::ReplayLimit{});
    EXPECT_TRUE(replayed.ok());
    projections::StoredReadModels rows(*eventstore::sql::session_of(ledger.store()), projections::live_tables);
    auto found = projections::differences(rows, *replayed);
    EXPECT_TRUE(found.ok());
    return found.ok() ? *found : std::vector<projections::RowDifference>{};
  }

  csp::testing::TempDir folder_;
  eventstore::StoreResult<OpenedLedger> opened_ = eventstore::StoreError{};
};

TEST_F(WaitingRows, StayInMemoryUntilDueThenReachTheFileWithTheirCheckpoint) {
  ledger().set_read_model_flush_interval(never_due);
  const std::int64_t written_before = stored_position(ledger());
  run_committed(ledger(), {as(admin, customer(contoso, "contoso.onmicrosoft.com")), as(admin, purchase(contoso))});
  EXPECT_EQ(stored_position(ledger()), written_before) << "rows were written before they were due";
  ASSERT_TRUE(ledger().read_models_due().has_value());

  ASSERT_TRUE(ledger().flush_read_models().ok());
  EXPECT_FALSE(ledger().read_models_due().has_value());
  EXPECT_EQ(stored_position(ledger()), head_position(ledger()));
  EXPECT_TRUE(differences_from_replay(ledger()).empty());
}

TEST_F(WaitingRows, AreWrittenByTheFirstCommitAfterTheyFallDue) {
  ledger().set_read_model_flush_interval(std::chrono::milliseconds(0));
  run_committed(ledger(), {as(admin, customer(contoso, "contoso.onmicrosoft.com"))});
  EXPECT_EQ(stored_position(ledger()), head_position(ledger()));
  EXPECT_FALSE(ledger().read_models_due().has_value());
}

TEST_F(WaitingRows, PastTheirBoundTheNextCommitWritesThemWhateverTheInterval) {
  ledger().set_read_model_flush_interval(never_due);
  ledger().set_read_model_rows_waiting_max(4);
  run_committed(ledger(), {as(admin, customer(contoso, "contoso.onmicrosoft.com")), as(admin, purchase(contoso))});
  const auto due = ledger().read_models_due();
  ASSERT_TRUE(due.has_value());
  EXPECT_GT(*due, std::chrono::steady_clock::now()) << "two rows wait: under the bound, the interval rules";
  // Each purchase adds a subscription row that changes once: they do not
  // gather past the bound.
  const std::int64_t written_before = stored_position(ledger());
  run_committed(ledger(), {as(admin, purchase(contoso))});
  EXPECT_EQ(stored_position(ledger()), written_before) << "three rows wait: still under the bound";
  run_committed(ledger(), {as(admin, purchase(contoso))});
  EXPECT_EQ(stored_position(ledger()), head_position(ledger())) << "the commit that brought four wrote them";
  EXPECT_FALSE(ledger().read_models_due().has_value());
  EXPECT_TRUE(differences_from_replay(ledger()).empty());
}

TEST_F(WaitingRows, ARollbackDropsThemAndTheNextBatchFoldsTheCommittedOnesAgain) {
  ledger().set_read_model_flush_interval(never_due);
  run_committed(ledger(), {as(admin, customer(contoso, "contoso.onmicrosoft.com"))});  // committed, rows waiting
  {
    auto dropped = ledger().begin_batch();
    ASSERT_TRUE(dropped.ok());
    ASSERT_FALSE(ledger().execute(as(admin, purchase(contoso)), **dropped)->refusal);
  }  // rolled back: its rows must not survive, the customer's must
  run_committed(ledger(), {as(admin, purchase(contoso))});
  ASSERT_TRUE(ledger().flush_read_models().ok());
  EXPECT_EQ(stored_position(ledger()), head_position(ledger()));
  for (const auto& difference : differences_from_replay(ledger())) ADD_FAILURE() << difference.describe();
}

TEST_F(WaitingRows, AnotherWritersCommitMakesThemFoldAgainFromTheFile) {
  ledger().set_read_model_flush_interval(never_due);
  run_committed(ledger(), {as(admin, customer(contoso, "contoso.onmicrosoft.com"))});  // rows waiting here
  {
    // Another connection, writing every commit: it folds the waiting
    // events from the log itself.
    auto other = open_ledger(folder_.file("ledger.db"), false, KeyFile{folder_.file("ledger.db") + ".key", false, false});
    ASSERT_TRUE(other.ok()) << other.error().message;
    run_committed(*other->ledger, {as(admin, purchase(contoso))});
  }
  // The waiting contoso row knows nothing of that purchase: folding on
  // over it would lose it.
  run_committed(ledger(), {as(admin, purchase(contoso))});
  ASSERT_TRUE(ledger().flush_read_models().ok());
  EXPECT_EQ(stored_position(ledger()), head_position(ledger()));
  for (const auto& difference : differences_from_replay(ledger())) ADD_FAILURE() << difference.describe();
}

TEST_F(WaitingRows, AFlushLeavesACutMadeByAnotherProcessAlone) {
  ledger().set_read_model_flush_interval(never_due);
  run_committed(ledger(), {as(admin, customer(contoso, "contoso.onmicrosoft.com"))});  // rows waiting here
  {
    // `audit replay --until 1` in another process: the rows as the ledger
    // stood at position 1, on purpose.
    auto other = open_ledger(folder_.file("ledger.db"), false, KeyFile{folder_.file("ledger.db") + ".key", false, false});
    ASSERT_TRUE(other.ok()) << other.error().message;
    auto batch = other->store->begin_batch();
    ASSERT_TRUE(batch.ok());
    projections::ReplayLimit until_first;
    until_first.position = 1;
    ASSERT_TRUE(projections::rebuild_stored(*other->store, until_first).ok());
    ASSERT_TRUE((*batch)->commit().ok());
  }
  ASSERT_TRUE(ledger().flush_read_models().ok());
  EXPECT_FALSE(ledger().read_models_due().has_value()) << "the waiting rows were not dropped";
  projections::StoredReadModels rows(*eventstore::sql::session_of(ledger().store()), projections::live_tables);
  const auto checkpoint = rows.stored_checkpoint();
  ASSERT_TRUE(checkpoint.ok() && checkpoint->has_value());
  EXPECT_EQ((*checkpoint)->position, 1);
  EXPECT_TRUE((*checkpoint)->is_partial) << "an idle flush undid the cut";

  // The next command catches the rows up, as documented.
  run_committed(ledger(), {as(admin, purchase(contoso))});
  ASSERT_TRUE(ledger().flush_read_models().ok());
  EXPECT_EQ(stored_position(ledger()), head_position(ledger()));
  for (const auto& difference : differences_from_replay(ledger())) ADD_FAILURE() << difference.describe();
}

TEST_F(WaitingRows, FlushingWithABatchOpenIsRefusedBeforeAnythingChanges) {
  ledger().set_read_model_flush_interval(never_due);
  auto batch = ledger().begin_batch();
  ASSERT_TRUE(batch.ok());
  ASSERT_FALSE(ledger().execute(as(admin, customer(contoso, "contoso.onmicrosoft.com")), **batch)->refusal);
  EXPECT_THROW((void)ledger().flush_read_models(), std::logic_error);
  ASSERT_TRUE(ledger().commit(**batch).ok());
  ASSERT_TRUE(ledger().flush_read_models().ok());
  for (const auto& difference : differences_from_replay(ledger())) ADD_FAILURE() << difference.describe();
}

}  // namespace
}  // namespace csp::cmd
