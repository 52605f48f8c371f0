// What only a PostgreSQL ledger can show through the real executable: its
// tables tampered with by psql, a SQLite ledger moved there by export and
// import, and databases that cannot be used. CTest runs these in the
// PostgreSQL round only.

#include <stdlib.h>

#include "cli_fixture.h"

namespace csp::cmd {
namespace {

class CliOnPostgres : public Cli {
 protected:
  void SetUp() override { ASSERT_TRUE(csp::testing::tests_run_on_postgres()) << "run with CSP_TEST_BACKEND=postgres"; }
};

TEST_F(CliOnPostgres, AuditVerifyFindsEventsChangedBehindTheTriggersAndExitsFour) {
  set_up_partner();
  ok(purchase_args());
  ok(link_args());
  EXPECT_EQ(ok({"audit", "verify"}).json()["result"]["events_checked"], 8);
  sql("ALTER TABLE events DISABLE TRIGGER events_are_immutable; UPDATE events SET payload = payload || '\\x00'::bytea "
      "WHERE position = 6;");
  const Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["code"], "audit_fault");
  EXPECT_EQ(audit.json()["error"]["position"], 6);
  EXPECT_EQ(audit.json()["error"]["fault"], "changed");
}

TEST_F(CliOnPostgres, AuditVerifyFindsARemovedEventAndAMovedAlias) {
  set_up_partner();
  ok(purchase_args());
  ok(link_args());
  ok(download_args("2026-01-04T00:00:00Z"));
  sql("ALTER TABLE aliases DISABLE TRIGGER aliases_are_immutable; UPDATE aliases SET stream_id = 'agents' "
      "WHERE alias = 'link:" + link + "';");
  Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "alias_differs") << audit.out;
  sql("UPDATE aliases SET stream_id = 'subscription-" + subscription + "' WHERE alias = 'link:" + link +
      "'; ALTER TABLE events DISABLE TRIGGER events_are_immutable; DELETE FROM events WHERE position = 9;");
  audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["position"], 9) << audit.out;
}

TEST_F(CliOnPostgres, L1_AuditVerifyFindsAnAppendOnlyGuardDisabled) {
  set_up_partner();
  EXPECT_EQ(ok({"audit", "verify"}).json()["ok"], true);
  sql("ALTER TABLE aliases DISABLE TRIGGER aliases_are_immutable;");
  Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "guard_missing") << audit.out;
  EXPECT_EQ(audit.json()["error"]["triggers"], nlohmann::json::array({"aliases_are_immutable"})) << audit.out;
  sql("ALTER TABLE aliases ENABLE TRIGGER aliases_are_immutable; DROP TRIGGER events_are_immutable ON events;");
  audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["triggers"], nlohmann::json::array({"events_are_immutable"})) << audit.out;
}

TEST_F(CliOnPostgres, L1_ACutTailWithItsHeadRewrittenPassesPlainVerifyButIsDigestAhead) {
  set_up_partner();
  for (const char* agent : {"a@partner.example", "b@partner.example"}) {
    ok({"agent", "grant", agent, "--role", "sales-agent", "--actor", admin, "--at", "2026-01-01T00:00:00Z"});
  }
  const Outcome digest = ok({"digest"});
  workspace.write("digest.json", digest.out);
  const std::int64_t size = digest.json()["result"]["tree_size"];
  const std::string kept = std::to_string(size - 2);
  sql("ALTER TABLE events DISABLE TRIGGER events_are_immutable; DELETE FROM events WHERE position > " + kept +
      "; UPDATE ledger_head SET position = " + kept + ", hash = (SELECT hash FROM events WHERE position = " + kept +
      "); ALTER TABLE events ENABLE TRIGGER events_are_immutable;");
  const Outcome plain = ledger({"audit", "verify"});
  EXPECT_EQ(plain.json()["error"]["fault"], "missing") << "the read models still hold the cut events: " << plain.out;
  EXPECT_EQ(plain.json()["error"]["position"], size - 1) << plain.out;
  ok({"audit", "replay"});
  ok({"audit", "verify"});
  const Outcome audit = ledger({"audit", "verify", "--digest", "digest.json"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "digest_ahead") << audit.out;
  EXPECT_EQ(audit.json()["error"]["position"], size - 1) << audit.out;
}

TEST_F(CliOnPostgres, L1_PlainSqlCannotChangeOrDeleteAnEvent) {
  set_up_partner();
  for (const std::string statement : {"UPDATE events SET actor = 'mallory'", "DELETE FROM events WHERE position = 1",
                                      "TRUNCATE events"}) {
    const std::string command = tool() + " " + testing::quoted(statement) + " > /dev/null 2>&1";
    EXPECT_NE(std::system(command.c_str()), 0) << statement;
  }
  EXPECT_EQ(query("SELECT count(*) FROM events WHERE actor = 'mallory'"), "0\n");
  EXPECT_EQ(ok({"audit", "verify"}).json()["ok"], true);
}

TEST_F(CliOnPostgres, ASqliteLedgerMovesToPostgresByExportAndImport) {
  const auto on_file = [&](std::vector<std::string> args) {
    // A file path, not a name the suite would locate in PostgreSQL.
    args.insert(args.begin(), {"--db", workspace.path("file.db").string()});
    return workspace.run(args);
  };
  ASSERT_EQ(on_file({"init", "--admin", admin, "--at", "2026-01-05T09:00:00Z"}).status, 0);
  ASSERT_EQ(on_file({"run", std::string(CSP_SOURCE_DIR) + "/demo/scenario.jsonl"}).status, 3);
  workspace.write("ledger.jsonl", on_file({"export"}).out);
  // The ledger's key goes with it: the import, and every command after it,
  // are given the file's key file.
  const std::string key_file = workspace.path("file.db.key").string();
  ASSERT_EQ(::setenv("CSP_LEDGER_KEY_FILE", key_file.c_str(), 1), 0);
  const Outcome imported = ledger({"import", "ledger.jsonl"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_EQ(ledger({"export"}).out, on_file({"export"}).out);
  const auto head = [](const Outcome& audit) { return audit.json()["result"]["head_hash"]; };
  EXPECT_EQ(head(ok({"audit", "verify"})), head(on_file({"--json", "audit", "verify"})));
  for (const std::string report : {"subscriptions", "links", "refunds", "customers"}) {
    EXPECT_EQ(workspace.run({"--db", "ledger.db", "report", report, "--format", "csv"}).out,
              on_file({"report", report, "--format", "csv"}).out)
        << report;
  }
  const Outcome keys = ok({"key", "show", "--subscription", "a1000000-0000-4000-8000-000000000001", "--actor",
                           "alice@partner.example"});
  EXPECT_EQ(keys.json()["result"]["keys"].size(), 1u) << "the keys open on PostgreSQL with the same key file";
}

TEST_F(CliOnPostgres, UnreachableForeignAndNewerDatabasesAreClearErrorsThatChangeNothing) {
  const Outcome unreachable =
      workspace.run({"--json", "--db", "postgresql:///nowhere?host=/nonexistent-socket-folder", "report", "links"});
  EXPECT_EQ(unreachable.status, 1) << unreachable.err;
  EXPECT_EQ(unreachable.json()["error"]["code"], "store_failure");
  EXPECT_NE(unreachable.err.find("cannot connect to PostgreSQL database nowhere"), std::string::npos) << unreachable.err;

  const Outcome empty = ledger({"report", "links"});
  EXPECT_EQ(empty.status, 2) << empty.err;
  EXPECT_NE(empty.err.find("csp-ledger init"), std::string::npos) << empty.err;

  sql("CREATE TABLE invoices(id integer)");
  const Outcome foreign = ledger({"init", "--admin", admin});
  EXPECT_EQ(foreign.status, 2) << foreign.err;
  EXPECT_NE(foreign.err.find("another application"), std::string::npos) << foreign.err;
  EXPECT_EQ(query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "1\n");

  sql("DROP TABLE invoices");
  set_up_partner();
  sql("UPDATE ledger_meta SET value = '2' WHERE key = 'format_version'");
  const Outcome newer = ledger({"report", "links"});
  EXPECT_EQ(newer.status, 2) << newer.err;
  EXPECT_NE(newer.err.find("use a newer csp-ledger"), std::string::npos) << newer.err;
  EXPECT_EQ(query("SELECT count(*) FROM events"), "5\n");
}

}  // namespace
}  // namespace csp::cmd
