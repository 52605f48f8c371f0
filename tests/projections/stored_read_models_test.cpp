// The read models stored beside the log, through the store's SQL session:
// the same rows as the in-memory fold, read back exactly, and damage
// reported rather than trusted. Only creating the store is SQLite's.

#include <gtest/gtest.h>

#include <algorithm>

#include "domain/event_codec.h"
#include "eventstore/sql_session.h"
#include "eventstore/sqlite/store.h"
#include "folded_fixture.h"
#include "projections/compare.h"
#include "projections/replay.h"
#include "projections/stored_read_models.h"
#include "support/temp_dir.h"

namespace csp::projections {
namespace {

using namespace domain::testing;
using std::chrono::days;

class Stored : public testing::Folded {
 protected:
  csp::testing::TempDir dir;
  std::unique_ptr<eventstore::EventStore> store;

  void SetUp() override {
    Folded::SetUp();
    run(purchase_of(windows_datacenter(), customer, 2), admin, day0());  // a second subscription
    run(cancel_request(customer, "150.00"), admin, plus(day0(), days{2}));
    run(domain::ResolveRefundTicket{uuid<domain::TicketId>(1, 5), domain::Refunded{decimal("100.00")}}, admin,
        plus(day0(), days{3}));
    auto created = eventstore::create_sqlite_store(dir.file("ledger.db"), eventstore::SqliteOptions{[] { return 0; }, {}});
    ASSERT_TRUE(created) << created.error().message;
    store = std::move(created).value();
    ASSERT_NE(eventstore::sql::session_of(*store), nullptr);
  }

  eventstore::sql::Session& session() { return *eventstore::sql::session_of(*store); }

  // Folds the log into the stored tables in one transaction, forgetting
  // the cache every `forget_every` events so rows are read back.
  void store_fold(std::size_t forget_every = 0) {
    auto batch = store->begin_batch();
    ASSERT_TRUE(batch);
    StoredReadModels stored(session(), live_tables);
    ASSERT_TRUE(stored.create_empty());
    std::int64_t position = 0;
    for (const auto& event : ledger.log()) {
      ASSERT_TRUE(stored.apply(event, ++position));
      if (forget_every != 0 && position % static_cast<std::int64_t>(forget_every) == 0) {
        ASSERT_TRUE(stored.flush());
        stored.forget();
      }
    }
    ASSERT_TRUE(stored.flush());
    ASSERT_TRUE(stored.write_checkpoint(Checkpoint{position, std::nullopt, read_models_layout, false}));
    ASSERT_TRUE((*batch)->commit());
  }

  std::vector<RowDifference> differences_from_fold() {
    StoredReadModels stored(session(), live_tables);
    auto found = differences(stored, fold());
    EXPECT_TRUE(found) << found.error().message;
    return found ? *found : std::vector<RowDifference>{};
  }
};

TEST_F(Stored, TheStoredRowsAreTheFoldsRows) {
  store_fold();
  EXPECT_TRUE(differences_from_fold().empty());
  StoredReadModels stored(session(), live_tables);
  auto loaded = stored.load();
  ASSERT_TRUE(loaded) << loaded.error().message;
  const ReadModels folded = fold();
  EXPECT_EQ(loaded->checkpoint(), folded.checkpoint());
  ASSERT_EQ(loaded->refunds().size(), 1u);
  const RefundRow& refund = loaded->refunds().begin()->second;
  EXPECT_EQ(refund.status, RefundStatus::refunded);
  EXPECT_EQ(refund.refunded_amount, money("100.00", "USD"));
  EXPECT_EQ(Table<RefundRow>::cells(refund), Table<RefundRow>::cells(folded.refunds().begin()->second));
  EXPECT_EQ(loaded->subscriptions().size(), 2u);
  EXPECT_EQ(loaded->customers().begin()->second.subscriptions, 2);
}

TEST_F(Stored, RowsReadBackFromTheFileFoldOnExactly) {
  store_fold(1);  // every event finds its rows in the file, not the cache
  EXPECT_TRUE(differences_from_fold().empty());
}

// Each table may cache one row: the others are read back when next needed.
TEST_F(Stored, PastTheirBoundColdRowsAreDroppedAndReadBackExactly) {
  for (int serial = 3; serial < 8; ++serial) run(purchase_of(windows_datacenter(), customer, serial), admin, day0());
  auto batch = store->begin_batch();
  ASSERT_TRUE(batch);
  StoredReadModels stored(session(), live_tables);
  stored.set_table_rows_max(1);
  ASSERT_TRUE(stored.create_empty());
  std::int64_t position = 0;
  std::size_t cached_rows_max = 0;
  for (const auto& event : ledger.log()) {
    ASSERT_TRUE(stored.apply(event, ++position));
    ASSERT_TRUE(stored.flush());
    cached_rows_max = std::max(cached_rows_max, stored.cached_rows());
  }
  ASSERT_TRUE(stored.write_checkpoint(Checkpoint{position, std::nullopt, read_models_layout, false}));
  ASSERT_TRUE((*batch)->commit());
  EXPECT_LE(cached_rows_max, 5u);  // one per table
  EXPECT_TRUE(differences_from_fold().empty());
}

TEST_F(Stored, EveryTableReadsBackTheCellsItWrote) {
  const ReadModels folded = fold();
  const auto round_trips = [](const auto& rows) {
    for (const auto& [key, row] : rows) {
      using Row = std::decay_t<decltype(row)>;
      auto back = Table<Row>::row(Table<Row>::cells(row));
      ASSERT_TRUE(back) << back.error().message;
      EXPECT_EQ(Table<Row>::cells(*back), Table<Row>::cells(row));
    }
  };
  round_trips(folded.customers());
  round_trips(folded.subscriptions());
  round_trips(folded.links());
  round_trips(folded.revocations());
  round_trips(folded.refunds());
}

TEST_F(Stored, ADifferenceNamesTheModelTheRowTheColumnAndTheFirstPosition) {
  store_fold();
  ASSERT_TRUE(session().exec("UPDATE rm_subscriptions SET is_cancelled = 0", "tampering"));
  const auto found = differences_from_fold();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].model, "subscriptions");
  EXPECT_EQ(found[0].column, "is_cancelled");
  EXPECT_EQ(found[0].stored, "0");
  EXPECT_EQ(found[0].replayed, "1");
  const ReadModels folded = fold();
  const SubscriptionRow& cancelled = folded.subscriptions().at(domain::SubscriptionId::parse(found[0].row).value());
  EXPECT_EQ(found[0].position, cancelled.first_position);
}

TEST_F(Stored, AnUnreadableRowIsCorruptAndNamesItsModel) {
  store_fold();
  ASSERT_TRUE(session().exec("UPDATE rm_refunds SET status = 'maybe'", "tampering"));
  StoredReadModels stored(session(), live_tables);
  auto loaded = stored.load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, eventstore::StoreError::Kind::corrupt);
  EXPECT_NE(loaded.error().message.find("read model refunds"), std::string::npos) << loaded.error().message;
  EXPECT_NE(loaded.error().message.find("maybe"), std::string::npos) << loaded.error().message;
}

TEST_F(Stored, AnEventNamingAnUnknownRowIsAFaultNotACrash) {
  auto batch = store->begin_batch();
  ASSERT_TRUE(batch);
  StoredReadModels stored(session(), live_tables);
  ASSERT_TRUE(stored.create_empty());
  domain::DownloadRecorded unknown;
  unknown.link = uuid<domain::LinkId>(9, 9);
  unknown.downloads_used = 1;
  auto applied = stored.apply(unknown, 1);
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().message.find("position 1"), std::string::npos) << applied.error().message;
}

TEST_F(Stored, AReplayThatFailsNamesThePositionOfTheEvent) {
  // The log's events, then a download on a link no event issued.
  std::int64_t version = 0;
  const auto append = [&](const domain::Event& event) {
    eventstore::AppendRequest request{"", {eventstore::StreamWrite{"s", version++, {}}}};
    request.writes[0].events.push_back(eventstore::NewEvent{std::string(domain::event_type_name(event)),
                                                            domain::event_schema_version(event),
                                                            domain::encode_payload(event), admin, "", 0});
    ASSERT_TRUE(store->append(request));
  };
  for (const auto& event : ledger.log()) append(event);
  domain::DownloadRecorded unknown;
  unknown.link = uuid<domain::LinkId>(9, 9);
  unknown.subscription = uuid<domain::SubscriptionId>(1, 3);
  unknown.downloaded_by = domain::Actor::parse("it@customer1.example").value();
  unknown.at = day0();
  unknown.downloads_used = 1;
  append(unknown);
  const auto replayed = replay_in_memory(*store, ReplayLimit{});
  ASSERT_FALSE(replayed);
  EXPECT_EQ(replayed.error().position, static_cast<std::int64_t>(ledger.log().size()) + 1);
  EXPECT_NE(replayed.error().message.find("does not replay"), std::string::npos) << replayed.error().message;
}

// Another writer folds the later events into the tables; this one, which
// cached the customer, a subscription and a link before them, follows
// them: its cached rows become what the writer stored, and it reads or
// adds no other row.
TEST_F(Stored, AFollowerKeepsItsCachedRowsAsTheOtherWriterStoredThem) {
  const auto& log = ledger.log();
  std::size_t cut = 0;
  while (!std::holds_alternative<domain::DownloadLinkIssued>(log.at(cut))) ++cut;
  ++cut;
  const auto subscription = std::get<domain::DownloadLinkIssued>(log.at(cut - 1)).subscription;
  const auto link = std::get<domain::DownloadLinkIssued>(log.at(cut - 1)).link;
  const auto tenant = customer.registration->tenant;
  StoredReadModels follower(session(), live_tables);
  {
    auto batch = store->begin_batch();
    ASSERT_TRUE(batch);
    ASSERT_TRUE(follower.create_empty());
    for (std::size_t index = 0; index < cut; ++index) ASSERT_TRUE(follower.apply(log[index], static_cast<std::int64_t>(index) + 1));
    ASSERT_TRUE(follower.flush());
    ASSERT_TRUE((*batch)->commit());
  }
  {
    auto batch = store->begin_batch();
    ASSERT_TRUE(batch);
    StoredReadModels writer(session(), live_tables);
    for (std::size_t index = cut; index < log.size(); ++index) ASSERT_TRUE(writer.apply(log[index], static_cast<std::int64_t>(index) + 1));
    ASSERT_TRUE(writer.flush());
    ASSERT_TRUE(writer.write_checkpoint(Checkpoint{static_cast<std::int64_t>(log.size()), std::nullopt, read_models_layout, false}));
    ASSERT_TRUE((*batch)->commit());
  }
  const std::size_t cached_before = follower.cached_rows();
  auto batch = store->begin_batch();
  ASSERT_TRUE(batch);
  for (std::size_t index = cut; index < log.size(); ++index) {
    ASSERT_TRUE(follower.follow(log[index], static_cast<std::int64_t>(index) + 1));
  }
  EXPECT_EQ(follower.cached_rows(), cached_before);
  ASSERT_TRUE(follower.flush());
  ASSERT_TRUE((*batch)->commit());
  EXPECT_TRUE(differences_from_fold().empty());
  const ReadModels folded = fold();
  EXPECT_EQ(Table<CustomerRow>::cells(*follower.find_customer(tenant)), Table<CustomerRow>::cells(folded.customers().at(tenant)));
  EXPECT_EQ(Table<SubscriptionRow>::cells(*follower.find_subscription(subscription)),
            Table<SubscriptionRow>::cells(folded.subscriptions().at(subscription)));
  EXPECT_EQ(Table<LinkRow>::cells(*follower.find_link(link)), Table<LinkRow>::cells(folded.links().at(link)));
  EXPECT_TRUE(follower.find_subscription(subscription)->is_cancelled);
}

TEST_F(Stored, TablesExistOnlyOnceCreated) {
  StoredReadModels stored(session(), live_tables);
  auto before = stored.exist();
  ASSERT_TRUE(before);
  EXPECT_FALSE(*before);
  store_fold();
  auto after = stored.exist();
  ASSERT_TRUE(after);
  EXPECT_TRUE(*after);
}

}  // namespace
}  // namespace csp::projections
