// The stored read models end to end: reports read them, commands keep them
// current in their own transaction, `audit verify` compares them with a
// replay and `audit replay` rebuilds them.

#include "cli_fixture.h"

namespace csp::cmd {
namespace {

class ReadModels : public Cli {
 protected:
  void SetUp() override {
    set_up_partner();
    ok(purchase_args());
    ok(link_args());
    ok(download_args("2026-01-04T00:00:00Z"));
    ok(download_args("2026-01-05T00:00:00Z"));
  }

  nlohmann::json link_row() { return ok({"report", "links", "--format", "json"}).json().at(0); }
};

TEST_F(ReadModels, ReportsAnswerFromTheStoredRows) {
  EXPECT_EQ(link_row()["downloads_used"], 2);
  // A stored row changed behind the ledger's back shows in the report: it
  // is read, not replayed. The audit catches it (below).
  sql("UPDATE rm_links SET downloads_used = 7;");
  EXPECT_EQ(link_row()["downloads_used"], 7);
}

TEST_F(ReadModels, CommandsUpdateThemInTheSameTransaction) {
  ok(download_args("2026-01-06T00:00:00Z"));
  EXPECT_EQ(link_row()["downloads_used"], 3);
  ok(cancel_args("2469.00", "2026-01-10T00:00:00Z"));  // while the link is live
  EXPECT_EQ(link_row()["status"], "revoked");
  EXPECT_EQ(ok({"report", "refunds", "--format", "json"}).json().at(0)["status"], "open");
  EXPECT_EQ(ok({"report", "revocations", "--format", "json"}).json().size(), 1u);
  EXPECT_EQ(ok({"audit", "verify"}).status, 0);
}

TEST_F(ReadModels, AuditVerifyNamesAChangedRowItsModelAndPosition) {
  sql("UPDATE rm_links SET downloads_used = 7;");
  const Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  const auto error = audit.json()["error"];
  EXPECT_EQ(error["fault"], "read_model_differs");
  EXPECT_EQ(error["model"], "links");
  EXPECT_EQ(error["row"], link);
  EXPECT_EQ(error["column"], "downloads_used");
  EXPECT_EQ(error["stored"], "7");
  EXPECT_EQ(error["replayed"], "2");
  EXPECT_EQ(error["position"], 8) << "the link was issued by the events at positions 7 and 8";
  EXPECT_NE(audit.err.find("read model links, row " + link), std::string::npos) << audit.err;
}

TEST_F(ReadModels, AuditVerifyFindsMissingAndExtraRows) {
  sql("DELETE FROM rm_subscriptions;");
  Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4);
  EXPECT_EQ(audit.json()["error"]["model"], "subscriptions");
  EXPECT_EQ(audit.json()["error"]["stored"], "no row");
  ok({"audit", "replay"});
  sql("INSERT INTO rm_refunds SELECT '" + ticket + "', subscription_id, order_id, tenant_id, 'made up', 100, 'USD', "
      "'open', NULL, 0, NULL, 'JP', 99, 99 FROM rm_subscriptions;");
  audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4);
  EXPECT_EQ(audit.json()["error"]["model"], "refunds");
  EXPECT_EQ(audit.json()["error"]["replayed"], "no row");
  EXPECT_EQ(audit.json()["error"]["position"], 99);
}

TEST_F(ReadModels, AuditReplayRebuildsWhatWasDamaged) {
  sql("UPDATE rm_links SET downloads_used = 7; DELETE FROM rm_customers;");
  ASSERT_EQ(ledger({"audit", "verify"}).status, 4);
  const auto replayed = ok({"audit", "replay"}).json();
  EXPECT_EQ(replayed["result"]["position"], 10);
  EXPECT_EQ(ok({"audit", "verify"}).json()["ok"], true);
  EXPECT_EQ(link_row()["downloads_used"], 2);
  EXPECT_EQ(ok({"report", "customers", "--format", "json"}).json().size(), 2u);
}

TEST_F(ReadModels, AuditReplayUntilAPositionShowsTheLedgerThenUntilTheNextCommand) {
  ok({"audit", "replay", "--until", "9", "--yes"});  // the first download, not the second
  const Outcome report = ledger({"report", "links", "--format", "json"});
  EXPECT_EQ(report.json().at(0)["downloads_used"], 1);
  EXPECT_NE(report.err.find("as of position 9 of 10"), std::string::npos) << report.err;
  EXPECT_EQ(ok({"audit", "verify"}).status, 0) << "rows up to the checkpoint equal a replay up to it";
  ok(download_args("2026-01-06T00:00:00Z"));
  const Outcome caught_up = ledger({"report", "links", "--format", "json"});
  EXPECT_EQ(caught_up.json().at(0)["downloads_used"], 3);
  EXPECT_TRUE(caught_up.err.empty()) << caught_up.err;
}

TEST_F(ReadModels, AuditReplayUntilATimeKeepsWhatHadHappenedByThen) {
  ok({"audit", "replay", "--until", "2026-01-04T12:00:00Z", "--yes"});
  EXPECT_EQ(link_row()["downloads_used"], 1);
  EXPECT_EQ(ok({"audit", "verify"}).status, 0);
  ok({"audit", "replay", "--until", "2026-01-02T12:00:00Z", "--yes"});
  EXPECT_TRUE(ok({"report", "links", "--format", "json"}).json().empty());
  EXPECT_EQ(ok({"report", "subscriptions", "--format", "json"}).json().size(), 1u);
  ok({"audit", "replay"});
  EXPECT_EQ(link_row()["downloads_used"], 2);
}

TEST_F(ReadModels, AuditReplayRefusesABadLimit) {
  refused({"audit", "replay", "--until", "yesterday"}, "invalid_input", 2);
  refused({"audit", "replay", "--until", "99999999999999999999999"}, "invalid_input", 2);
}

TEST_F(ReadModels, ARebuildThatFailsAfterTheSwapLeavesTheReadModelsAsTheyWere) {
  sql("UPDATE rm_links SET downloads_used = 7;"
      "CREATE TRIGGER refuse_checkpoint BEFORE INSERT ON read_model_checkpoint BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
  const Outcome replay = ledger({"audit", "replay"});
  EXPECT_EQ(replay.status, 1) << replay.err;
  EXPECT_NE(replay.err.find("disk full"), std::string::npos) << replay.err;
  EXPECT_EQ(link_row()["downloads_used"], 7) << "the old rows, not the rebuilt ones";
  EXPECT_EQ(query("SELECT count(*) FROM sqlite_master WHERE name LIKE 'rm_next_%';"), "0\n")
      << "no half-built tables are left";
}

TEST_F(ReadModels, ARebuildStoppedByAnUnreadableEventNamesIt) {
  sql("DROP TRIGGER events_are_immutable; UPDATE events SET payload = x'00' WHERE position = 9;");
  const Outcome replay = ledger({"audit", "replay"});
  EXPECT_EQ(replay.status, 1) << replay.err;
  EXPECT_NE(replay.err.find("position 9"), std::string::npos) << replay.err;
  EXPECT_EQ(link_row()["downloads_used"], 2);
}

TEST_F(ReadModels, ACommandWhoseRowsCannotBeWrittenWritesNoEvents) {
  const std::string before = exported();
  sql("CREATE TRIGGER refuse_links BEFORE UPDATE ON rm_links BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
  const Outcome download = ledger(download_args("2026-01-06T00:00:00Z"));
  EXPECT_EQ(download.status, 1) << download.err;
  EXPECT_EQ(download.json()["error"]["code"], "store_failure");
  EXPECT_EQ(exported(), before) << "the events and the rows commit together or not at all";
}

TEST_F(ReadModels, AReportFoldsInEventsTheStoredRowsLack) {
  // Rows as a writer that did not project would leave them: two downloads
  // behind the log.
  sql("UPDATE rm_links SET downloads_used = 0, last_position = 8; UPDATE read_model_checkpoint SET position = 8;");
  const Outcome report = ledger({"report", "links", "--format", "json"});
  EXPECT_EQ(report.json().at(0)["downloads_used"], 2);
  EXPECT_TRUE(report.err.empty()) << report.err;
}

TEST_F(ReadModels, L6_APurchaseDatedBeforeItsCustomerReplaysAtEveryTime) {
  ok({"customer", "add", "--tenant", "99999999-9999-4999-8999-999999999999", "--domain", "late.onmicrosoft.com",
      "--market", "JP", "--actor", sales, "--at", "2026-03-01T00:00:00Z"});
  ok({"purchase", "--customer", "late.onmicrosoft.com", "--product", "sql-server-2022-standard", "--quantity", "1",
      "--unit-price", "10.00", "--currency", "USD", "--actor", sales, "--at", "2026-02-01T00:00:00Z"});
  EXPECT_EQ(ok({"report", "subscriptions", "--as-of", "2026-02-15T00:00:00Z", "--format", "json"}).json().size(), 2u);
  ok({"audit", "replay", "--until", "2026-02-15T00:00:00Z", "--yes"});
  EXPECT_EQ(ok({"audit", "verify"}).status, 0);
  ok({"audit", "replay"});
  const auto customers = ok({"report", "customers", "--customer", "late.onmicrosoft.com", "--format", "json"}).json();
  EXPECT_EQ(customers.at(0)["subscriptions"], 1);
}

TEST_F(ReadModels, RowsOfAnotherLayoutAreNeitherTrustedNorVerified) {
  sql("UPDATE rm_links SET downloads_used = 7; UPDATE read_model_checkpoint SET layout = 99;");
  const Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4);
  EXPECT_EQ(audit.json()["error"]["fault"], "read_model_layout");
  const Outcome report = ledger({"report", "links", "--format", "json"});
  EXPECT_EQ(report.json().at(0)["downloads_used"], 2) << "replayed, not read";
  EXPECT_NE(report.err.find("replayed the log"), std::string::npos) << report.err;
}

TEST_F(ReadModels, LinkStatusesFollowTheTimeTheReadModelsWereRebuiltTo) {
  ok({"audit", "replay", "--until", "2026-01-04T12:00:00Z", "--yes"});
  EXPECT_EQ(link_row()["status"], "live") << "live then, though expired now";
}

TEST_F(ReadModels, ALedgerWithoutThemGetsThemBackFromTheNextCommand) {
  sql("DROP TABLE rm_links; DROP TABLE rm_customers;");
  const Outcome report = ledger({"report", "links", "--format", "json"});
  EXPECT_EQ(report.status, 0);
  EXPECT_EQ(report.json().at(0)["downloads_used"], 2);
  EXPECT_NE(report.err.find("replayed the log"), std::string::npos) << report.err;
  const Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 0);
  EXPECT_NE(audit.out.find("no stored read models"), std::string::npos) << audit.out;
  ok(download_args("2026-01-06T00:00:00Z"));
  EXPECT_EQ(link_row()["downloads_used"], 3);
  EXPECT_EQ(ok({"audit", "verify"}).status, 0);
}

TEST_F(ReadModels, AsOfReportsLeaveTheStoredRowsAlone) {
  sql("UPDATE rm_links SET downloads_used = 7;");
  EXPECT_EQ(ok({"report", "links", "--as-of", "2026-01-04T12:00:00Z", "--format", "json"}).json().at(0)["downloads_used"], 1);
  EXPECT_EQ(link_row()["downloads_used"], 7);
}

}  // namespace
}  // namespace csp::cmd
