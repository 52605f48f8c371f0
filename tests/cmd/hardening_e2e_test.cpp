// What a hostile caller or an intruder with the file may try on the real
// csp-ledger: keys given twice, bytes that are not UTF-8, a permissive
// umask.

#include <sqlite3.h>
#include <sys/stat.h>

#include <stdexcept>

#include "cli_fixture.h"
#include "eventstore/chain.h"
#include "eventstore/sqlite/store.h"

namespace csp::cmd {
namespace {

// Valid UTF-8 throughout: every message and result a person or a program
// reads.
bool is_valid_utf8(const std::string& text) {
  for (std::size_t at = 0; at < text.size();) {
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = lead < 0x80 ? 1 : (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 0;
    if (length == 0 || at + length > text.size()) return false;
    for (std::size_t i = 1; i < length; ++i) {
      if ((static_cast<unsigned char>(text[at + i]) & 0xC0) != 0x80) return false;
    }
    at += length;
  }
  return true;
}

unsigned mode_of(const std::string& path) {
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) throw std::runtime_error("no file " + path);
  return static_cast<unsigned>(status.st_mode & 07777);
}

class Hardening : public Cli {
 protected:
  // Changes one event's payload and forges the chain from there on, the
  // recorded head included, so the hash chain itself still verifies: the
  // payload is then only caught when it is decoded.
  void forge_payload(std::int64_t position, const std::string& from, const std::string& to) {
    const std::string path = workspace.path("ledger.db").string();
    std::vector<eventstore::StoredEvent> events;
    {
      auto store = eventstore::open_sqlite_store(path, eventstore::SqliteOptions{[] { return std::int64_t{0}; }});
      ASSERT_TRUE(store) << store.error().message;
      ASSERT_TRUE((*store)->for_each_stored(1, [&](const eventstore::StoredEvent& event) {
        events.push_back(event);
        return true;
      }));
    }
    auto& changed = events.at(static_cast<std::size_t>(position - 1));
    const std::size_t at = changed.payload.find(from);
    ASSERT_NE(at, std::string::npos) << "no " << from << " in the payload at " << position;
    changed.payload.replace(at, from.size(), to);
    eventstore::ChainHasher hasher;
    eventstore::Hash previous = eventstore::genesis_hash;
    for (auto& event : events) {
      event.hash = hasher.next(previous, eventstore::chain_fields(event));
      previous = event.hash;
    }
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TRIGGER events_are_immutable", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_stmt* update = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "UPDATE events SET payload = ?1, hash = ?2 WHERE position = ?3", -1, &update, nullptr),
              SQLITE_OK);
    for (const auto& event : events) {
      sqlite3_bind_blob(update, 1, event.payload.data(), static_cast<int>(event.payload.size()), SQLITE_TRANSIENT);
      sqlite3_bind_blob(update, 2, event.hash.data(), static_cast<int>(event.hash.size()), SQLITE_TRANSIENT);
      sqlite3_bind_int64(update, 3, event.position);
      EXPECT_EQ(sqlite3_step(update), SQLITE_DONE) << sqlite3_errmsg(db);
      sqlite3_reset(update);
    }
    sqlite3_finalize(update);
    const std::string head = "UPDATE ledger_meta SET value = '" + std::to_string(events.back().position) + " " +
                             eventstore::hash_hex(previous) + "' WHERE key = 'head'";
    EXPECT_EQ(sqlite3_exec(db, head.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
};

TEST_F(Hardening, RunRefusesALineThatGivesAKeyTwiceNamingTheKey) {
  set_up_partner();
  const std::string twice =
      R"({"command":"PurchaseSoftware","actor":"sam@partner.example","customer":"contoso.onmicrosoft.com",)"
      R"("product":"sql-server-2022-standard","quantity":1,"quantity":1000,"unit_price":"1","currency":"USD"})";
  const std::string nested = R"({"command":"GrantRole","actor":"alice@partner.example","agent":"bob@partner.example",)"
                             R"("role":"sales-agent","note":{"a":1,"b":{"a":2},"b":3}})";
  const std::string once = R"({"command":"GrantRole","actor":"alice@partner.example","agent":"bob@partner.example",)"
                           R"("role":"sales-agent"})";
  const Outcome run = ledger({"run", "-"}, twice + "\n" + nested + "\n" + once + "\n");
  EXPECT_EQ(run.status, 2) << run.err;
  const auto results = run.json_lines();
  ASSERT_EQ(results.size(), 3u) << run.out;
  EXPECT_EQ(results[0]["error"]["code"], "invalid_input");
  EXPECT_EQ(results[0]["error"]["message"], "line 1: field \"quantity\" is given twice: give each field once");
  EXPECT_EQ(results[1]["error"]["message"], "line 2: field \"b\" is given twice: give each field once");
  EXPECT_EQ(results[2]["ok"], true) << "the same key in different objects is no repeat";
  EXPECT_EQ(run.err.find("field \"quantity\" is given twice"), std::string::npos) << "printed once, on stdout: " << run.err;
  EXPECT_EQ(query("SELECT count(*) FROM rm_subscriptions"), "0\n") << "nothing was bought";
}

TEST_F(Hardening, RunRefusesALineOfInvalidUtf8WithoutEchoingIt) {
  set_up_partner();
  const std::string line = "{\"command\":\"GrantRole\",\"actor\":\"alice@partner.example\",\"agent\":\"b\xff\xfe@x.example\"}";
  const Outcome run = ledger({"run", "-"}, line + "\n");
  EXPECT_EQ(run.status, 2) << run.err;
  ASSERT_EQ(run.json_lines().size(), 1u) << run.out;
  EXPECT_EQ(run.json_lines()[0]["error"]["message"], "line 1: not valid UTF-8 (bad byte at offset 65): send JSON in UTF-8");
  EXPECT_TRUE(is_valid_utf8(run.out)) << run.out;
  EXPECT_TRUE(is_valid_utf8(run.err)) << run.err;
}

TEST_F(Hardening, MessagesEscapeInvalidUtf8FromFlags) {
  set_up_partner();
  const Outcome run = ledger({"customer", "add", "--tenant", "0b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081", "--domain",
                              "new.onmicrosoft.com", "--market", "\xff\xfe", "--actor", sales});
  EXPECT_EQ(run.status, 2) << run.err;
  EXPECT_NE(run.err.find(R"(market "\xff\xfe" is not)"), std::string::npos) << run.err;
  EXPECT_EQ(run.json()["error"]["message"],
            R"(field "market": market "\xff\xfe" is not an ISO 3166-1 alpha-2 country code (example: JP))");
  EXPECT_TRUE(is_valid_utf8(run.out) && is_valid_utf8(run.err));
}

TEST_F(Hardening, AuditVerifyEscapesInvalidUtf8FromATamperedPayload) {
  set_up_partner();
  EXPECT_EQ(ok({"audit", "verify"}).json()["ok"], true);
  // Position 4 registers the customer in market JP.
  forge_payload(4, "JP", "\xff\xfe");
  const Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "does_not_replay") << audit.out;
  EXPECT_NE(audit.err.find(R"(market "\xff\xfe")"), std::string::npos) << audit.err;
  EXPECT_NE(audit.out.find(R"(market \"\\xff\\xfe\")"), std::string::npos) << audit.out;
  EXPECT_TRUE(is_valid_utf8(audit.out)) << audit.out;
  EXPECT_TRUE(is_valid_utf8(audit.err)) << audit.err;
}

TEST_F(Hardening, AuditVerifyEscapesInvalidUtf8FromATamperedRowOrAlias) {
  set_up_partner();
  sql("UPDATE rm_customers SET name = CAST(X'436f6e746f736fff0a' AS TEXT) WHERE name = 'Contoso KK';");
  Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "read_model_differs") << audit.out;
  EXPECT_NE(audit.json()["error"]["stored"].get<std::string>().find("Contoso\\xff\\x0a"), std::string::npos) << audit.out;
  EXPECT_NE(audit.err.find("Contoso\\xff\\x0a"), std::string::npos) << audit.err;
  EXPECT_TRUE(is_valid_utf8(audit.out) && is_valid_utf8(audit.err)) << audit.err;
  ok({"audit", "replay"});

  sql("INSERT INTO aliases SELECT CAST(X'6f726465723aff' AS TEXT), stream_key FROM streams LIMIT 1;");
  audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_NE(audit.err.find("alias order:\\xff names"), std::string::npos) << audit.err;
  EXPECT_TRUE(is_valid_utf8(audit.out) && is_valid_utf8(audit.err)) << audit.err;
}

TEST_F(Hardening, InitCreatesTheLedgerOwnerOnlyWhateverTheUmask) {
  for (const char* umask : {"0002", "0022", "0000"}) {
    const std::string name = std::string("ledger-") + umask + ".db";
    const Outcome init = workspace.run({"--db", name, "init", "--admin", admin}, "", std::string("umask ") + umask + ";");
    ASSERT_EQ(init.status, 0) << init.err;
    EXPECT_EQ(mode_of(workspace.path(name).string()), 0600u) << "umask " << umask;
    EXPECT_EQ(mode_of(workspace.path(name + ".key").string()), 0600u) << "the key file, umask " << umask;
  }
}

TEST_F(Hardening, InitRefusesAPathThatExistsAndLeavesItAlone) {
  workspace.write("taken.db", "someone else's file");
  const Outcome init = workspace.run({"--db", "taken.db", "init", "--admin", admin});
  EXPECT_EQ(init.status, 2) << init.err;
  EXPECT_NE(init.err.find("already exists"), std::string::npos) << init.err;
  EXPECT_EQ(testing::slurp(workspace.path("taken.db")), "someone else's file");
}

}  // namespace
}  // namespace csp::cmd
