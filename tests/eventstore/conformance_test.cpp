// The store contract, written against the EventStore interface and run for
// every backend: the PostgreSQL backend joins the list in backends.h and
// must pass the very same tests.

#include <thread>

#include "backends.h"
#include "eventstore/sql_session.h"
#include "eventstore/verify.h"

namespace csp::eventstore {
namespace {

using namespace testing;

class Conformance : public ::testing::TestWithParam<Backend> {
 protected:
  Places places;
  FakeClock clock;
  std::unique_ptr<EventStore> store = GetParam().create(places, clock, "ledger.db");

  std::unique_ptr<EventStore> second_handle() { return GetParam().open_again(places, clock, "ledger.db"); }

  std::vector<StoredEvent> stream(const std::string& id) { return ok_or_throw(store->read_stream(id)); }
  std::int64_t head_position() { return ok_or_throw(store->head()).position; }
};

TEST_P(Conformance, AppendsGetGapFreePositionsAndStreamVersions) {
  const auto first = ok_or_throw(store->append(request("c1", "a", 0, {event("T", "1"), event("T", "2")})));
  EXPECT_FALSE(first.is_replay);
  EXPECT_EQ(first.positions, (std::vector<std::int64_t>{1, 2}));
  const auto second = ok_or_throw(store->append(request("c2", "b", 0, {event("T", "3")})));
  EXPECT_EQ(second.positions, std::vector<std::int64_t>{3});
  const auto third = ok_or_throw(store->append(request("c3", "a", 2, {event("T", "4")})));
  EXPECT_EQ(third.positions, std::vector<std::int64_t>{4});
  const auto events = stream("a");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].stream_version, 1);
  EXPECT_EQ(events[2].stream_version, 3);
  EXPECT_EQ(events[2].position, 4);
  EXPECT_EQ(events[2].payload, "4");
  EXPECT_EQ(head_position(), 4);
}

TEST_P(Conformance, L2_EnvelopeKeepsWhoWhichCommandAndBothTimes) {
  NewEvent sent = event("DownloadRecorded", std::string("\0\x01\xff payload", 11), "user at customer", "", 42);
  sent.schema_version = 3;
  (void)ok_or_throw(store->append(request("cmd-7", "s", 0, {sent})));
  const StoredEvent stored = stream("s").at(0);
  EXPECT_EQ(stored.event_type, "DownloadRecorded");
  EXPECT_EQ(stored.schema_version, 3u);
  EXPECT_EQ(stored.payload, sent.payload);
  EXPECT_EQ(stored.command_id, "cmd-7");
  EXPECT_EQ(stored.actor, "user at customer");
  EXPECT_EQ(stored.role, "");
  EXPECT_EQ(stored.business_time_us, 42);
  EXPECT_EQ(stored.recorded_time_us, 1'767'225'601'000'000);  // the store's clock, not the caller's
  EXPECT_EQ(stored.stream_id, "s");
}

TEST_P(Conformance, L4_WrongExpectedVersionAppendsNothing) {
  (void)ok_or_throw(store->append(request("c1", "a", 0, {event("T", "1")})));
  for (const std::int64_t wrong : {0, 2, 5}) {
    const auto refused = store->append(request("c-" + std::to_string(wrong), "a", wrong, {event("T", "x")}));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, StoreError::Kind::conflict);
    EXPECT_NE(refused.error().message.find("stream a is at version 1"), std::string::npos);
  }
  EXPECT_EQ(head_position(), 1);
  EXPECT_EQ(stream("a").size(), 1u);
}

TEST_P(Conformance, L4_MultiStreamAppendIsAllOrNothing) {
  (void)ok_or_throw(store->append(request("c1", "b", 0, {event("T", "b1")})));
  AppendRequest both{"c2", {StreamWrite{"a", 0, {event("T", "a1")}}, StreamWrite{"b", 0, {event("T", "b2")}}}};
  const auto refused = store->append(both);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, StoreError::Kind::conflict);
  EXPECT_TRUE(stream("a").empty());
  EXPECT_EQ(stream("b").size(), 1u);
  both.writes[1].expected_version = 1;
  const auto accepted = ok_or_throw(store->append(both));
  EXPECT_EQ(accepted.positions, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(stream("a").at(0).command_id, "c2");
  EXPECT_EQ(stream("b").at(1).command_id, "c2");
}

TEST_P(Conformance, L3_ASeenCommandIdReturnsItsFirstPositionsAndAppendsNothing) {
  (void)ok_or_throw(store->append(request("c0", "z", 0, {event("T", "0")})));
  const auto first = ok_or_throw(store->append(request("same", "a", 0, {event("T", "1"), event("T", "2")})));
  const auto again = ok_or_throw(store->append(request("same", "a", 0, {event("T", "other")})));
  EXPECT_TRUE(again.is_replay);
  EXPECT_EQ(again.positions, first.positions);
  EXPECT_EQ(head_position(), 3);
  const auto record = ok_or_throw(store->find_command("same"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->first_position, 2);
  EXPECT_EQ(record->event_count, 2);
  EXPECT_FALSE(ok_or_throw(store->find_command("never")).has_value());
}

AppendRequest with_digest(AppendRequest request, std::uint8_t digest_byte) {
  Hash digest{};
  digest.fill(digest_byte);
  request.command_digest = digest;
  return request;
}

TEST_P(Conformance, L3_ASeenCommandIdWithAnotherDigestIsRefusedAndAppendsNothing) {
  const auto first = ok_or_throw(store->append(with_digest(request("same", "a", 0, {event("T", "1")}), 1)));
  const auto refused = store->append(with_digest(request("same", "b", 0, {event("T", "2")}), 2));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, StoreError::Kind::command_differs);
  EXPECT_NE(refused.error().message.find("'same'"), std::string::npos) << refused.error().message;
  EXPECT_EQ(head_position(), 1);
  const auto again = ok_or_throw(store->append(with_digest(request("same", "b", 0, {event("T", "2")}), 1)));
  EXPECT_TRUE(again.is_replay);
  EXPECT_EQ(again.positions, first.positions);
  const auto record = ok_or_throw(second_handle()->find_command("same"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->digest, with_digest(request("x", "a", 0, {}), 1).command_digest);
}

TEST_P(Conformance, L3_WithinOneBatchASeenIdWithAnotherDigestIsRefused) {
  auto batch = ok_or_throw(store->begin_batch());
  (void)ok_or_throw(batch->append(with_digest(request("same", "a", 0, {event("T", "1")}), 1)));
  EXPECT_EQ(ok_or_throw(batch->find_command("same"))->digest, with_digest(request("x", "a", 0, {}), 1).command_digest);
  EXPECT_EQ(batch->append(with_digest(request("same", "b", 0, {event("T", "2")}), 2)).error().kind,
            StoreError::Kind::command_differs);
  EXPECT_TRUE(ok_or_throw(batch->append(with_digest(request("same", "b", 0, {event("T", "2")}), 1))).is_replay);
  ASSERT_TRUE(batch->commit().ok());
  EXPECT_EQ(head_position(), 1);
}

TEST_P(Conformance, L3_AnIdRecordedWithoutADigestReplaysAsBefore) {
  const auto first = ok_or_throw(store->append(request("old", "a", 0, {event("T", "1")})));
  EXPECT_FALSE(ok_or_throw(store->find_command("old"))->digest.has_value());
  const auto again = ok_or_throw(store->append(with_digest(request("old", "a", 1, {event("T", "2")}), 7)));
  EXPECT_TRUE(again.is_replay);
  EXPECT_EQ(again.positions, first.positions);
  (void)ok_or_throw(store->append(with_digest(request("kept", "c", 0, {event("T", "4")}), 3)));
  EXPECT_TRUE(ok_or_throw(store->append(request("kept", "c", 1, {event("T", "5")}))).is_replay);
}

TEST_P(Conformance, L3_DigestsReadAheadAreTheStoredOnes) {
  (void)ok_or_throw(store->append(with_digest(request("c1", "a", 0, {event("T", "1")}), 4)));
  (void)ok_or_throw(store->append(request("c2", "a", 1, {event("T", "2")})));
  auto batch = ok_or_throw(store->begin_batch());
  WriteBatch::ReadAhead lookups;
  lookups.command_ids = {"c1", "c2"};
  ASSERT_TRUE(batch->read_ahead(lookups).ok());
  EXPECT_EQ(ok_or_throw(batch->find_command("c1"))->digest, with_digest(request("x", "a", 0, {}), 4).command_digest);
  EXPECT_FALSE(ok_or_throw(batch->find_command("c2"))->digest.has_value());
  EXPECT_EQ(batch->append(with_digest(request("c1", "b", 0, {event("T", "3")}), 5)).error().kind,
            StoreError::Kind::command_differs);
}

// A ledger made before digests were kept has no table for them: opening
// it adds one, and its old commands replay as before.
TEST_P(Conformance, L3_ALedgerWithoutDigestsOpensAndKeepsThemFromThenOn) {
  (void)ok_or_throw(store->append(request("old", "a", 0, {event("T", "1")})));
  ASSERT_TRUE(sql::session_of(*store)->exec("DROP TABLE command_digests", "making an older ledger").ok());
  store.reset();
  store = second_handle();
  EXPECT_FALSE(ok_or_throw(store->find_command("old"))->digest.has_value());
  EXPECT_TRUE(ok_or_throw(store->append(with_digest(request("old", "b", 0, {event("T", "2")}), 1))).is_replay);
  (void)ok_or_throw(store->append(with_digest(request("new", "b", 0, {event("T", "3")}), 1)));
  EXPECT_EQ(store->append(with_digest(request("new", "c", 0, {event("T", "4")}), 2)).error().kind,
            StoreError::Kind::command_differs);
  EXPECT_EQ(head_position(), 2);
  EXPECT_FALSE(ok_or_throw(verify_chain(*store)).first_break.has_value());
}

TEST_P(Conformance, L3_AnImportKeepsDigestsOnTheCommandsTheyStart) {
  (void)ok_or_throw(store->append(with_digest(request("c1", "a", 0, {event("T", "1"), event("T", "2")}), 9)));
  (void)ok_or_throw(store->append(request("", "a", 2, {event("T", "3")})));
  const auto original = ok_or_throw(store->read_all(1, 100));
  const std::optional<Hash> digest = ok_or_throw(store->find_command("c1"))->digest;
  auto copy = GetParam().create(places, clock, "copy.db");
  auto batch = ok_or_throw(copy->begin_batch());
  ASSERT_TRUE(batch->import_event(original[0], {}, digest).ok());
  EXPECT_EQ(batch->import_event(original[1], {}, digest).error().kind, StoreError::Kind::invalid_argument);
  ASSERT_TRUE(batch->import_event(original[1], {}, std::nullopt).ok());
  EXPECT_EQ(batch->import_event(original[2], {}, digest).error().kind, StoreError::Kind::invalid_argument);
  ASSERT_TRUE(batch->import_event(original[2], {}, std::nullopt).ok());
  ASSERT_TRUE(batch->commit().ok());
  EXPECT_EQ(ok_or_throw(copy->find_command("c1"))->digest, digest);
  EXPECT_EQ(copy->append(with_digest(request("c1", "b", 0, {event("T", "4")}), 8)).error().kind,
            StoreError::Kind::command_differs);
}

TEST_P(Conformance, L3_DigestsAreReadByRangeOfFirstPositionsWithBothEndsIncluded) {
  EXPECT_TRUE(ok_or_throw(store->command_digests_between(1, 1000)).empty()) << "an empty log";
  (void)ok_or_throw(store->append(with_digest(request("c1", "a", 0, {event("T", "1"), event("T", "2")}), 1)));
  (void)ok_or_throw(store->append(request("c2", "a", 2, {event("T", "3")})));
  (void)ok_or_throw(store->append(with_digest(request("", "a", 3, {event("T", "4")}), 2)));
  (void)ok_or_throw(store->append(with_digest(request("c3", "a", 4, {event("T", "5")}), 3)));
  auto reader = second_handle();
  const auto positions = [&](std::int64_t first, std::int64_t last) {
    std::vector<std::int64_t> found;
    for (const auto& digest : ok_or_throw(reader->command_digests_between(first, last))) found.push_back(digest.position);
    return found;
  };
  EXPECT_EQ(positions(1, 5), (std::vector<std::int64_t>{1, 5}));
  EXPECT_EQ(positions(1, 1), std::vector<std::int64_t>{1});
  EXPECT_EQ(positions(5, 5), std::vector<std::int64_t>{5});
  EXPECT_EQ(positions(0, 4), std::vector<std::int64_t>{1});
  EXPECT_EQ(positions(2, 4), std::vector<std::int64_t>{})
      << "a command's later event, one recorded without a digest, one without an id";
  EXPECT_EQ(positions(6, 1000), std::vector<std::int64_t>{}) << "past the head";
  EXPECT_EQ(positions(5, 1), std::vector<std::int64_t>{}) << "a range that ends before it starts";
  const auto read = ok_or_throw(reader->command_digests_between(1, 5));
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].digest, with_digest(request("x", "a", 0, {}), 1).command_digest);
  EXPECT_EQ(read[1].digest, with_digest(request("x", "a", 0, {}), 3).command_digest);
}

TEST_P(Conformance, WithoutACallerIdTheCommandIsNamedByItsFirstPosition) {
  (void)ok_or_throw(store->append(request("c1", "a", 0, {event("T", "1")})));
  const auto outcome = ok_or_throw(store->append(request("", "a", 1, {event("T", "2"), event("T", "3")})));
  EXPECT_EQ(outcome.positions, (std::vector<std::int64_t>{2, 3}));
  const auto events = stream("a");
  EXPECT_EQ(events[1].command_id, "@2");
  EXPECT_EQ(events[2].command_id, "@2");
  const auto again = ok_or_throw(store->append(request("", "a", 3, {event("T", "4")})));
  EXPECT_FALSE(again.is_replay);
  EXPECT_EQ(again.positions, std::vector<std::int64_t>{4});
}

TEST_P(Conformance, MalformedRequestsAreRefused) {
  for (const AppendRequest& bad :
       {request("@7", "a", 0, {event("T", "1")}), request("c", "a", 0, {}), request("c", "", 0, {event("T", "1")}),
        request("c", "a", -1, {event("T", "1")}), request("c", "a", 0, {event("", "1")}),
        AppendRequest{"c", {}},
        AppendRequest{"c", {StreamWrite{"a", 0, {event("T", "1")}}, StreamWrite{"a", 0, {event("T", "2")}}}}}) {
    const auto refused = store->append(bad);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, StoreError::Kind::invalid_argument) << refused.error().message;
  }
  std::vector<NewEvent> too_many(events_per_request_max + 1, event("T", "x"));
  EXPECT_EQ(store->append(request("c", "a", 0, too_many)).error().kind, StoreError::Kind::invalid_argument);
  EXPECT_EQ(head_position(), 0);
}

TEST_P(Conformance, AMultiEventCommandKeepsItsIdOnEveryEvent) {
  (void)ok_or_throw(store->append(request("first", "a", 0, {event("T", "1")})));
  AppendRequest cancel{"cancel-9", {StreamWrite{"a", 1, {event("T", "2"), event("T", "3")}}, StreamWrite{"b", 0, {event("T", "4")}}}};
  (void)ok_or_throw(store->append(cancel));
  for (const auto& stored : ok_or_throw(store->read_all(2, 10))) EXPECT_EQ(stored.command_id, "cancel-9");
  EXPECT_EQ(stream("b").at(0).command_id, "cancel-9");
  const auto record = ok_or_throw(store->find_command("cancel-9"));
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->first_position, 2);
  EXPECT_EQ(record->event_count, 3);
  const auto replay = ok_or_throw(store->append(cancel));
  EXPECT_TRUE(replay.is_replay);
  EXPECT_EQ(replay.positions, (std::vector<std::int64_t>{2, 3, 4}));
}

TEST_P(Conformance, ReadAllStreamsTheLogInBatches) {
  for (int index = 0; index < 25; ++index) {
    (void)ok_or_throw(store->append(
        request("c" + std::to_string(index), "s" + std::to_string(index % 4), index / 4, {event("T", std::to_string(index))})));
  }
  std::int64_t from = 1;
  std::vector<std::string> payloads;
  while (true) {
    const auto batch = ok_or_throw(store->read_all(from, 10));
    if (batch.empty()) break;
    EXPECT_LE(batch.size(), 10u);
    for (const auto& stored : batch) {
      EXPECT_EQ(stored.position, from++);
      payloads.push_back(stored.payload);
    }
  }
  ASSERT_EQ(payloads.size(), 25u);
  EXPECT_EQ(payloads[24], "24");
  int visited = 0;
  EXPECT_TRUE(store->for_each(20, [&](const StoredEvent& stored) {
    EXPECT_EQ(stored.position, 20 + visited);
    return ++visited < 3;
  }).ok());
  EXPECT_EQ(visited, 3);
}

TEST_P(Conformance, ABatchCommitsManyCommandsAndSeesItsOwnAppends) {
  auto batch = ok_or_throw(store->begin_batch());
  (void)ok_or_throw(batch->append(request("c1", "a", 0, {event("T", "1")})));
  EXPECT_EQ(ok_or_throw(batch->read_stream("a")).size(), 1u);
  const auto conflict = batch->append(request("c2", "a", 0, {event("T", "stale")}));
  ASSERT_FALSE(conflict.ok());
  EXPECT_EQ(conflict.error().kind, StoreError::Kind::conflict);
  (void)ok_or_throw(batch->append(request("c3", "a", 1, {event("T", "2")})));
  (void)ok_or_throw(batch->append(request("c4", "b", 0, {event("T", "3")})));
  ASSERT_TRUE(batch->commit().ok());
  auto other = second_handle();
  const auto a = ok_or_throw(other->read_stream("a"));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].payload, "2");
  EXPECT_EQ(a[1].position, 2);
  EXPECT_EQ(ok_or_throw(other->head()).position, 3);
  EXPECT_FALSE(ok_or_throw(other->find_command("c2")).has_value());
}

// Past the bound on what a store caches of its streams (100,000) a batch
// starts the cache over: versions read again must still refuse a stale
// expected version and take the right one.
TEST_P(Conformance, L4_ExpectedVersionsHoldAfterTheStreamCachesStartOver) {
  constexpr int streams = 100'500;
  constexpr int streams_per_batch = 20'000;
  for (int first = 0; first < streams; first += streams_per_batch) {
    auto batch = ok_or_throw(store->begin_batch());
    for (int stream = first; stream < std::min(streams, first + streams_per_batch); ++stream) {
      (void)ok_or_throw(batch->append(request("", "s" + std::to_string(stream), 0, {event("T", "1")})));
    }
    ASSERT_TRUE(batch->commit().ok());
  }
  auto batch = ok_or_throw(store->begin_batch());
  for (const std::string stream : {"s0", "s50000", "s100499"}) {
    const auto stale = batch->append(request("", stream, 0, {event("T", "again")}));
    ASSERT_FALSE(stale.ok()) << stream;
    EXPECT_EQ(stale.error().kind, StoreError::Kind::conflict);
    (void)ok_or_throw(batch->append(request("", stream, 1, {event("T", "2")})));
  }
  ASSERT_TRUE(batch->commit().ok());
  EXPECT_EQ(head_position(), streams + 3);
  EXPECT_EQ(stream("s50000").size(), 2u);
}

TEST_P(Conformance, AnUncommittedBatchLeavesNothing) {
  (void)ok_or_throw(store->append(request("c0", "a", 0, {event("T", "0")})));
  {
    auto batch = ok_or_throw(store->begin_batch());
    (void)ok_or_throw(batch->append(request("c1", "a", 1, {event("T", "1")})));
    (void)ok_or_throw(batch->append(request("c2", "new-stream", 0, {event("New", "2", "new actor", "new-role")})));
  }
  EXPECT_EQ(head_position(), 1);
  EXPECT_TRUE(stream("new-stream").empty());
  EXPECT_FALSE(ok_or_throw(store->find_command("c1")).has_value());
  const auto after = ok_or_throw(store->append(request("c3", "new-stream", 0, {event("New", "3", "new actor")})));
  EXPECT_EQ(after.positions, std::vector<std::int64_t>{2});
  EXPECT_EQ(stream("new-stream").at(0).actor, "new actor");
  EXPECT_TRUE(ok_or_throw(verify_chain(*store)).first_break == std::nullopt);
}

TEST_P(Conformance, TheChainIsIntactAndItsHeadIsTheLastHash) {
  for (int index = 0; index < 50; ++index) {
    (void)ok_or_throw(store->append(request("c" + std::to_string(index), "s", index, {event("T", std::to_string(index))})));
  }
  const auto report = ok_or_throw(verify_chain(*store));
  EXPECT_FALSE(report.first_break.has_value());
  EXPECT_EQ(report.events_checked, 50);
  EXPECT_EQ(report.head_hash, ok_or_throw(store->head()).hash);
  EXPECT_EQ(report.head_hash, stream("s").back().hash);
}

TEST_P(Conformance, WaitForEventsReturnsAtOnceTimesOutAndWakesOnAppend) {
  (void)ok_or_throw(store->append(request("c1", "a", 0, {event("T", "1")})));
  EXPECT_EQ(ok_or_throw(store->wait_for_events(0, std::chrono::milliseconds(0))), 1);
  EXPECT_EQ(ok_or_throw(store->wait_for_events(1, std::chrono::milliseconds(30))), 1);
  auto writer_store = second_handle();
  std::thread writer([&] { (void)writer_store->append(request("c2", "a", 1, {event("T", "2")})); });
  EXPECT_EQ(ok_or_throw(store->wait_for_events(1, std::chrono::seconds(30))), 2);
  writer.join();
}

TEST_P(Conformance, UpcastersApplyOnReadAndNeverToStoredBytes) {
  NewEvent old = event("Greeting", "hi");
  old.schema_version = 1;
  (void)ok_or_throw(store->append(request("c1", "a", 0, {old})));
  UpcasterRegistry upcasters;
  upcasters.add("Greeting", 1, [](std::string_view payload) { return domain::Result<std::string>(std::string(payload) + "!"); });
  upcasters.add("Greeting", 2, [](std::string_view payload) { return domain::Result<std::string>("<" + std::string(payload) + ">"); });
  store->set_upcasters(&upcasters);
  const auto current = stream("a").at(0);
  EXPECT_EQ(current.schema_version, 3u);
  EXPECT_EQ(current.payload, "<hi!>");
  EXPECT_EQ(ok_or_throw(store->read_all(1, 10)).at(0).payload, "<hi!>");
  ASSERT_TRUE(store->for_each_stored(1, [](const StoredEvent& stored) {
    EXPECT_EQ(stored.payload, "hi");
    EXPECT_EQ(stored.schema_version, 1u);
    return true;
  }).ok());
  EXPECT_FALSE(ok_or_throw(verify_chain(*store)).first_break.has_value());
}

TEST_P(Conformance, AFailingUpcasterIsReportedAsCorruption) {
  (void)ok_or_throw(store->append(request("c1", "a", 0, {event("Greeting", "hi")})));
  UpcasterRegistry upcasters;
  upcasters.add("Greeting", 1, [](std::string_view) { return domain::Result<std::string>(domain::invalid_input("bad")); });
  store->set_upcasters(&upcasters);
  const auto refused = store->read_stream("a");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, StoreError::Kind::corrupt);
  EXPECT_NE(refused.error().message.find("position 1"), std::string::npos);
}

TEST_P(Conformance, EveryAliasIsListedWithItsStreamInAliasOrder) {
  AppendRequest first = request("c1", "subscription-1", 0, {event("T", "1")});
  first.writes[0].aliases = {"order:7", "link:8"};
  (void)ok_or_throw(store->append(first));
  AppendRequest second = request("c2", "customer-1", 0, {event("T", "2")});
  second.writes[0].aliases = {"domain:a.example"};
  (void)ok_or_throw(store->append(second));
  std::vector<std::pair<std::string, std::string>> listed;
  ASSERT_TRUE(store->for_each_alias([&](std::string_view alias, std::string_view stream_id) {
    listed.emplace_back(alias, stream_id);
    return true;
  }));
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"domain:a.example", "customer-1"}, {"link:8", "subscription-1"}, {"order:7", "subscription-1"}};
  EXPECT_EQ(listed, expected);
}

TEST_P(Conformance, AliasesResolveToTheirStreamAndAreTakenOnce) {
  AppendRequest purchase = request("c1", "subscription-1", 0, {event("T", "1")});
  purchase.writes[0].aliases = {"order:7", "link:8"};
  (void)ok_or_throw(store->append(purchase));
  EXPECT_EQ(ok_or_throw(store->resolve_alias("order:7")), std::optional<std::string>("subscription-1"));
  EXPECT_EQ(ok_or_throw(store->resolve_alias("link:8")), std::optional<std::string>("subscription-1"));
  EXPECT_FALSE(ok_or_throw(store->resolve_alias("order:9")).has_value());

  AppendRequest reuse = request("c2", "subscription-2", 0, {event("T", "2")});
  reuse.writes[0].aliases = {"order:9", "order:7"};
  const auto refused = store->append(reuse);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, StoreError::Kind::alias_taken);
  EXPECT_NE(refused.error().message.find("order:7 already names subscription-1"), std::string::npos);
  EXPECT_FALSE(ok_or_throw(store->resolve_alias("order:9")).has_value());
  EXPECT_TRUE(stream("subscription-2").empty());
  EXPECT_EQ(head_position(), 1);

  AppendRequest twice = request("c3", "subscription-3", 0, {event("T", "3")});
  twice.writes[0].aliases = {"order:10", "order:10"};
  EXPECT_EQ(store->append(twice).error().kind, StoreError::Kind::alias_taken);
}

TEST_P(Conformance, AliasesOfAnUncommittedBatchVanish) {
  {
    auto batch = ok_or_throw(store->begin_batch());
    AppendRequest purchase = request("c1", "subscription-1", 0, {event("T", "1")});
    purchase.writes[0].aliases = {"order:7"};
    (void)ok_or_throw(batch->append(purchase));
    EXPECT_EQ(ok_or_throw(batch->resolve_alias("order:7")), std::optional<std::string>("subscription-1"));
  }
  EXPECT_FALSE(ok_or_throw(store->resolve_alias("order:7")).has_value());
}

TEST_P(Conformance, ABatchReadsPositionsItHasJustWritten) {
  (void)ok_or_throw(store->append(request("c0", "z", 0, {event("T", "0")})));
  auto batch = ok_or_throw(store->begin_batch());
  (void)ok_or_throw(batch->append(request("c1", "a", 0, {event("T", "1"), event("T", "2")})));
  const auto events = ok_or_throw(batch->read_positions(2, 2));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].payload, "1");
  EXPECT_EQ(events[1].payload, "2");
  EXPECT_EQ(events[1].command_id, "c1");
  EXPECT_TRUE(ok_or_throw(batch->read_positions(4, 5)).empty());
}

TEST_P(Conformance, ABatchKnowsWhetherOthersWroteSinceThisHandlesLastOne) {
  {
    auto first = ok_or_throw(store->begin_batch());
    (void)ok_or_throw(first->append(request("c1", "a", 0, {event("T", "1")})));
    ASSERT_TRUE(first->commit().ok());
  }
  {
    auto quiet = ok_or_throw(store->begin_batch());
    EXPECT_TRUE(quiet->is_log_unchanged_by_others());
  }
  auto other = second_handle();
  (void)ok_or_throw(other->append(request("c2", "a", 1, {event("T", "2")})));
  auto after_other = ok_or_throw(store->begin_batch());
  EXPECT_FALSE(after_other->is_log_unchanged_by_others());
  EXPECT_EQ(ok_or_throw(after_other->read_stream("a")).size(), 2u);
}

// Reading ahead is only a hint: every lookup answers as it would without
// it, in the same batch after appends, and after another handle wrote.
TEST_P(Conformance, L3_L4_LookupsReadAheadAnswerAsWithoutReadingAhead) {
  AppendRequest purchase = request("c1", "subscription-1", 0, {event("T", "1"), event("T", "2")});
  purchase.writes[0].aliases = {"order:7"};
  (void)ok_or_throw(store->append(purchase));
  auto other = second_handle();
  (void)ok_or_throw(other->append(request("c2", "subscription-1", 2, {event("T", "3")})));

  auto batch = ok_or_throw(store->begin_batch());
  WriteBatch::ReadAhead lookups;
  lookups.command_ids = {"c1", "c2", "c-new"};
  lookups.aliases = {"order:7", "order:8"};
  lookups.streams = {{"subscription-1", 2}, {"subscription-2", 1}};
  ASSERT_TRUE(batch->read_ahead(lookups).ok());
  EXPECT_EQ(ok_or_throw(batch->find_command("c1"))->first_position, 1);
  EXPECT_EQ(ok_or_throw(batch->find_command("c1"))->event_count, 2);
  EXPECT_EQ(ok_or_throw(batch->find_command("c2"))->first_position, 3);
  EXPECT_FALSE(ok_or_throw(batch->find_command("c-new")).has_value());
  EXPECT_EQ(ok_or_throw(batch->resolve_alias("order:7")), std::optional<std::string>("subscription-1"));
  EXPECT_FALSE(ok_or_throw(batch->resolve_alias("order:8")).has_value());
  const auto tail = ok_or_throw(batch->read_stream("subscription-1", 3));
  ASSERT_EQ(tail.size(), 1u);
  EXPECT_EQ(tail[0].payload, "3");
  EXPECT_TRUE(ok_or_throw(batch->read_stream("subscription-2")).empty());

  // L4: the versions read ahead are the streams' own.
  EXPECT_EQ(batch->append(request("c3", "subscription-1", 2, {event("T", "x")})).error().kind, StoreError::Kind::conflict);
  AppendRequest next = request("c-new", "subscription-1", 3, {event("T", "4")});
  next.writes[0].aliases = {"order:8"};
  (void)ok_or_throw(batch->append(next));
  (void)ok_or_throw(batch->append(request("c4", "subscription-2", 0, {event("T", "5")})));
  // What the batch itself added answers now, not what was read ahead.
  EXPECT_EQ(ok_or_throw(batch->find_command("c-new"))->first_position, 4);
  EXPECT_EQ(ok_or_throw(batch->resolve_alias("order:8")), std::optional<std::string>("subscription-1"));
  EXPECT_EQ(ok_or_throw(batch->read_stream("subscription-1")).size(), 4u);
  EXPECT_EQ(ok_or_throw(batch->read_stream("subscription-2")).size(), 1u);
  // L3: a command id seen in this batch appends nothing again.
  EXPECT_TRUE(ok_or_throw(batch->append(request("c-new", "subscription-1", 4, {event("T", "y")}))).is_replay);
  ASSERT_TRUE(batch->commit().ok());
  EXPECT_EQ(head_position(), 5);
  EXPECT_EQ(stream("subscription-1").back().payload, "4");
}

TEST_P(Conformance, LookupsReadAheadInADroppedBatchLeaveNothingBehind) {
  (void)ok_or_throw(store->append(request("c1", "a", 0, {event("T", "1")})));
  {
    auto batch = ok_or_throw(store->begin_batch());
    WriteBatch::ReadAhead lookups;
    lookups.command_ids = {"c2"};
    lookups.streams = {{"a", 1}};
    ASSERT_TRUE(batch->read_ahead(lookups).ok());
  }
  auto other = second_handle();
  (void)ok_or_throw(other->append(request("c2", "a", 1, {event("T", "2")})));
  auto batch = ok_or_throw(store->begin_batch());
  EXPECT_TRUE(ok_or_throw(batch->find_command("c2")).has_value());
  EXPECT_EQ(ok_or_throw(batch->read_stream("a")).size(), 2u);
  EXPECT_EQ(batch->append(request("c3", "a", 1, {event("T", "3")})).error().kind, StoreError::Kind::conflict);
}

TEST_P(Conformance, ReadingLeavesNoSnapshotThatBlocksTheNextWrite) {
  (void)ok_or_throw(store->append(request("c1", "a", 0, {event("T", "1")})));
  auto reader = second_handle();
  ASSERT_EQ(ok_or_throw(reader->read_stream("a")).size(), 1u);  // reads interned names
  (void)ok_or_throw(store->append(request("c2", "a", 1, {event("T", "2")})));
  const auto appended = reader->append(request("c3", "a", 2, {event("T", "3")}));
  ASSERT_TRUE(appended.ok()) << appended.error().message;
}

TEST_P(Conformance, AnImportReproducesTheLogExactly) {
  (void)ok_or_throw(store->append(request("c1", "a", 0, {event("T", "1")})));
  (void)ok_or_throw(store->append(request("", "b", 0, {event("T", "2"), event("U", "3", "bob", "")})));
  AppendRequest two_streams{"c3", {StreamWrite{"a", 1, {event("T", "4")}, {"order:1"}}, StreamWrite{"c", 0, {event("T", "5")}}}};
  (void)ok_or_throw(store->append(two_streams));
  const auto original = ok_or_throw(store->read_all(1, 100));
  auto copy = GetParam().create(places, clock, "copy.db");
  {
    auto batch = ok_or_throw(copy->begin_batch());
    for (const auto& stored : original) {
      const std::vector<std::string> aliases = stored.position == 4 ? std::vector<std::string>{"order:1"}
                                                                    : std::vector<std::string>{};
      ASSERT_TRUE(batch->import_event(stored, aliases, std::nullopt).ok()) << stored.position;
    }
    ASSERT_TRUE(batch->commit().ok());
  }
  EXPECT_EQ(ok_or_throw(copy->read_all(1, 100)), original);
  EXPECT_EQ(ok_or_throw(copy->head()).hash, ok_or_throw(store->head()).hash);
  EXPECT_FALSE(ok_or_throw(verify_chain(*copy)).first_break.has_value());
  EXPECT_EQ(ok_or_throw(copy->resolve_alias("order:1")), std::optional<std::string>("a"));
  EXPECT_EQ(ok_or_throw(copy->find_command("c3"))->event_count, 2);
}

TEST_P(Conformance, AnImportRefusesWhatDoesNotChain) {
  (void)ok_or_throw(store->append(request("c1", "a", 0, {event("T", "1")})));
  (void)ok_or_throw(store->append(request("c2", "a", 1, {event("T", "2")})));
  const auto original = ok_or_throw(store->read_all(1, 100));
  auto copy = GetParam().create(places, clock, "copy.db");
  auto batch = ok_or_throw(copy->begin_batch());
  StoredEvent changed = original[0];
  changed.payload = "9";
  EXPECT_EQ(batch->import_event(changed, {}, std::nullopt).error().kind, StoreError::Kind::corrupt);
  EXPECT_EQ(batch->import_event(original[1], {}, std::nullopt).error().kind, StoreError::Kind::invalid_argument);  // not next
  ASSERT_TRUE(batch->import_event(original[0], {}, std::nullopt).ok());
  StoredEvent skipped_version = original[1];
  skipped_version.stream_version = 3;
  EXPECT_EQ(batch->import_event(skipped_version, {}, std::nullopt).error().kind, StoreError::Kind::invalid_argument);
  StoredEvent reused_id = original[1];
  reused_id.command_id = "c0";
  EXPECT_FALSE(batch->import_event(reused_id, {}, std::nullopt).ok());  // its hash covers the id
}

INSTANTIATE_TEST_SUITE_P(Backends, Conformance, ::testing::ValuesIn(backends()),
                         [](const auto& backend) { return backend.param.name; });

}  // namespace
}  // namespace csp::eventstore
