// Digests and inclusion proofs through the real csp-ledger (L1): a digest
// kept elsewhere tells a log rewritten and re-chained, or cut with its head
// record rewritten, from the log it was taken of, where the chain alone
// cannot; a proof checks offline against a digest.

#include <sqlite3.h>

#include <cstdlib>

#include "cli_fixture.h"
#include "eventstore/chain.h"
#include "eventstore/sqlite/store.h"

namespace csp::cmd {
namespace {

class Digests : public Cli {
 protected:
  // The partner's ledger, then agent grants: events that make no read-model
  // row and no alias, so cutting them leaves the rest consistent.
  void set_up_log() {
    set_up_partner();
    for (const char* agent : {"a@partner.example", "b@partner.example", "c@partner.example"}) {
      ok({"agent", "grant", agent, "--role", "sales-agent", "--actor", admin, "--at", "2026-01-01T00:00:00Z"});
    }
    // Not a power of two, so the tree has more than one complete subtree.
    const std::int64_t events = ok({"audit", "verify"}).json()["result"]["events_checked"];
    if ((events & (events - 1)) == 0) {
      ok({"agent", "grant", "e@partner.example", "--role", "sales-agent", "--actor", admin, "--at", "2026-01-01T00:00:00Z"});
    }
  }

  nlohmann::json digest_to(const std::string& file, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"--db", "ledger.db", "digest"};
    args.insert(args.end(), extra.begin(), extra.end());
    const Outcome digest = workspace.run(args);
    EXPECT_EQ(digest.status, 0) << digest.err;
    workspace.write(file, digest.out);
    return nlohmann::json::parse(digest.out);
  }

  void make_key(const std::string& name) {
    const std::string dir = testing::quoted(workspace.path("").string());
    const std::string command = "cd " + dir + " && openssl genpkey -algorithm ed25519 -out " + name +
                                ".pem 2>/dev/null && openssl pkey -in " + name + ".pem -pubout -out " + name +
                                "-public.pem 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  std::vector<eventstore::StoredEvent> stored_events() {
    std::vector<eventstore::StoredEvent> events;
    auto store = eventstore::open_sqlite_store(workspace.path("ledger.db").string(),
                                               eventstore::SqliteOptions{[] { return std::int64_t{0}; }});
    EXPECT_TRUE(store) << store.error().message;
    if (!store) return events;
    EXPECT_TRUE((*store)->for_each_stored(1, [&](const eventstore::StoredEvent& event) {
      events.push_back(event);
      return true;
    }));
    return events;
  }

  // What an intruder with the file does to rewrite history unseen by the
  // chain: changes the event at `position` (its recorded time, which no
  // read model holds), computes every hash from there on again and
  // rewrites the recorded head.
  void rewrite_and_rechain(std::int64_t position) {
    std::vector<eventstore::StoredEvent> events = stored_events();
    ASSERT_GE(static_cast<std::int64_t>(events.size()), position);
    events[static_cast<std::size_t>(position - 1)].recorded_time_us += 1;
    eventstore::ChainHasher hasher;
    eventstore::Hash previous = eventstore::genesis_hash;
    std::string statements = "DROP TRIGGER events_are_immutable;";
    for (auto& event : events) {
      event.hash = hasher.next(previous, eventstore::chain_fields(event));
      previous = event.hash;
      statements += "UPDATE events SET recorded_time = " + std::to_string(event.recorded_time_us) + ", hash = X'" +
                    eventstore::hash_hex(event.hash) + "' WHERE position = " + std::to_string(event.position) + ";";
    }
    statements += "UPDATE ledger_meta SET value = '" + std::to_string(events.back().position) + " " +
                  eventstore::hash_hex(previous) + "' WHERE key = 'head';";
    // Put back as it was, or audit verify would name the missing guard.
    statements += "CREATE TRIGGER events_are_immutable BEFORE UPDATE ON events "
                  "BEGIN SELECT RAISE(ABORT, 'events are immutable (L1): the log is append-only'); END;";
    sql(statements);
  }

  // Removes the events after `head` and rewrites the recorded head to it.
  void cut_after(std::int64_t head) {
    const std::vector<eventstore::StoredEvent> events = stored_events();
    sql("DROP TRIGGER events_are_never_deleted; DELETE FROM events WHERE position > " + std::to_string(head) +
        "; UPDATE ledger_meta SET value = '" + std::to_string(head) + " " +
        eventstore::hash_hex(events.at(static_cast<std::size_t>(head - 1)).hash) + "' WHERE key = 'head';" +
        "CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events "
        "BEGIN SELECT RAISE(ABORT, 'events are never deleted (L1): the log is append-only'); END;");
  }
};

TEST_F(Digests, L1_AnUntouchedLogExtendsItsDigestAndAuditVerifySaysSo) {
  set_up_log();
  const nlohmann::json digest = digest_to("digest.json");
  EXPECT_EQ(digest["format"], "csp-ledger-digest");
  EXPECT_EQ(digest["tree_size"], digest["position"]);
  EXPECT_EQ(digest["hash_algorithm"], "sha-256");
  EXPECT_EQ(digest["tree_algorithm"], "rfc6962");
  EXPECT_EQ(digest["head_hash"], ok({"audit", "verify"}).json()["result"]["head_hash"]);
  ok({"agent", "grant", "d@partner.example", "--role", "sales-agent", "--actor", admin, "--at", "2026-01-01T00:00:00Z"});
  const Outcome audit = ok({"audit", "verify", "--digest", "digest.json"});
  const auto proven = audit.json()["result"]["digest"];
  EXPECT_EQ(proven["position"], digest["position"]);
  EXPECT_EQ(proven["root"], digest["root"]);
  EXPECT_GT(proven["tree_size"].get<std::int64_t>(), digest["tree_size"].get<std::int64_t>());
  EXPECT_EQ(proven["signature"], "unsigned");
  // Its --json answer serves as a digest file too.
  workspace.write("answer.json", ok({"digest"}).out);
  ok({"audit", "verify", "--digest", "answer.json"});
}

TEST_F(Digests, L1_ACutTailWithItsHeadRewrittenIsDigestAheadAtTheFirstMissingPosition) {
  set_up_log();
  const std::int64_t size = digest_to("digest.json")["tree_size"];
  cut_after(size - 2);
  // The read models still hold the cut events, and say so; rebuilt, they
  // agree with what is left, and the file alone shows nothing.
  const Outcome plain = ledger({"audit", "verify"});
  EXPECT_EQ(plain.status, 4) << plain.err;
  EXPECT_EQ(plain.json()["error"]["fault"], "missing") << plain.out;
  EXPECT_EQ(plain.json()["error"]["position"], size - 1) << plain.out;
  ok({"audit", "replay"});
  ok({"audit", "verify"});
  const Outcome audit = ledger({"audit", "verify", "--digest", "digest.json"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["code"], "audit_fault");
  EXPECT_EQ(audit.json()["error"]["fault"], "digest_ahead") << audit.out;
  EXPECT_EQ(audit.json()["error"]["position"], size - 1) << audit.out;
  EXPECT_NE(audit.err.find("missing"), std::string::npos) << audit.err;
}

TEST_F(Digests, L1_ALogRewrittenAndRechainedPassesPlainVerifyButDiffersFromTheDigest) {
  set_up_log();
  const nlohmann::json digest = digest_to("digest.json");
  // The rewrite starts where a subtree of the digest starts, so the digest
  // names it exactly: it holds one root per subtree.
  ASSERT_GE(digest["subtrees"].size(), 2u) << digest.dump();
  const std::int64_t rewritten = digest["subtrees"][1]["first_position"];
  rewrite_and_rechain(rewritten);
  ok({"audit", "verify"});
  const Outcome audit = ledger({"audit", "verify", "--digest", "digest.json"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "digest_differs") << audit.out;
  EXPECT_EQ(audit.json()["error"]["position"], rewritten) << audit.out;
  EXPECT_EQ(audit.json()["error"]["last_position"], digest["subtrees"][1]["last_position"]) << audit.out;
}

TEST_F(Digests, L1_ARewriteInsideASubtreeIsNamedByTheSubtreeThatHoldsIt) {
  set_up_log();
  const nlohmann::json digest = digest_to("digest.json");
  const std::int64_t first = digest["subtrees"][0]["first_position"];
  const std::int64_t last = digest["subtrees"][0]["last_position"];
  rewrite_and_rechain(last);
  const Outcome audit = ledger({"audit", "verify", "--digest", "digest.json"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "digest_differs") << audit.out;
  EXPECT_EQ(audit.json()["error"]["position"], first) << audit.out;
  EXPECT_EQ(audit.json()["error"]["last_position"], last) << audit.out;
}

TEST_F(Digests, ASignedDigestVerifiesWithItsKeyAndIsDigestSignatureWithAnother) {
  set_up_log();
  make_key("signer");
  make_key("other");
  const nlohmann::json digest = digest_to("digest.json", {"--sign", "signer.pem"});
  EXPECT_EQ(digest["signature"]["algorithm"], "ed25519");
  EXPECT_EQ(digest["signature"]["public_key"], testing::slurp(workspace.path("signer-public.pem")));
  const Outcome trusted = ok({"audit", "verify", "--digest", "digest.json", "--public-key", "signer-public.pem"});
  EXPECT_EQ(trusted.json()["result"]["digest"]["signature"], "verified with the given public key");

  Outcome audit = ledger({"audit", "verify", "--digest", "digest.json", "--public-key", "other-public.pem"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "digest_signature") << audit.out;

  // A changed field breaks the signature even when it still parses.
  nlohmann::json changed = digest;
  changed["signature"]["value"] = std::string(128, '0');
  workspace.write("changed.json", changed.dump());
  audit = ledger({"audit", "verify", "--digest", "changed.json"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "digest_signature") << audit.out;

  // An unsigned digest does not stand for a signer.
  digest_to("unsigned.json");
  audit = ledger({"audit", "verify", "--digest", "unsigned.json", "--public-key", "signer-public.pem"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "digest_signature") << audit.out;
}

TEST_F(Digests, ADigestFileThatWasEditedIsBadInput) {
  set_up_log();
  nlohmann::json digest = digest_to("digest.json");
  std::string root = digest["root"];
  root[0] = root[0] == '0' ? '1' : '0';
  digest["root"] = root;
  workspace.write("edited.json", digest.dump());
  const Outcome audit = ledger({"audit", "verify", "--digest", "edited.json"});
  EXPECT_EQ(audit.status, 2) << audit.err;
  EXPECT_NE(audit.err.find("do not fold into the digest's root"), std::string::npos) << audit.err;
  refused({"audit", "verify", "--digest", "no-such-file.json"}, "invalid_input", 2);
}

TEST_F(Digests, L1_AProofRoundTripsOfflineAndAnyChangedByteFails) {
  set_up_log();
  make_key("signer");
  const std::int64_t size = digest_to("digest.json", {"--sign", "signer.pem"})["tree_size"];
  ok({"agent", "grant", "d@partner.example", "--role", "sales-agent", "--actor", admin, "--at", "2026-01-01T00:00:00Z"});
  for (std::int64_t position = 1; position <= size; ++position) {
    const Outcome proved = workspace.run({"--db", "ledger.db", "prove", "--position", std::to_string(position),
                                          "--tree-size", std::to_string(size)});
    ASSERT_EQ(proved.status, 0) << proved.err;
    workspace.write("proof.json", proved.out);
    // No ledger: the check needs the two files only.
    const Outcome checked = workspace.run({"--db", "absent.db", "verify-proof", "--proof", "proof.json", "--digest",
                                           "digest.json", "--public-key", "signer-public.pem"});
    EXPECT_EQ(checked.status, 0) << checked.err << checked.out;
    EXPECT_NE(checked.out.find("is in the log"), std::string::npos) << checked.out;
  }
  const nlohmann::json proof = nlohmann::json::parse(
      workspace.run({"--db", "ledger.db", "prove", "--position", "2", "--tree-size", std::to_string(size)}).out);
  for (const char* field : {"event_hash", "leaf_hash", "root"}) {
    nlohmann::json changed = proof;
    std::string hex = changed[field];
    hex[10] = hex[10] == 'a' ? 'b' : 'a';
    changed[field] = hex;
    workspace.write("changed.json", changed.dump());
    const Outcome checked = workspace.run({"--json", "verify-proof", "--proof", "changed.json", "--digest", "digest.json"});
    EXPECT_EQ(checked.status, 4) << field << checked.err;
    EXPECT_EQ(checked.json()["error"]["fault"], "proof_invalid") << checked.out;
  }
  nlohmann::json changed = proof;
  std::string hex = changed["audit_path"][0];
  hex[63] = hex[63] == 'a' ? 'b' : 'a';
  changed["audit_path"][0] = hex;
  workspace.write("changed.json", changed.dump());
  Outcome checked = workspace.run({"verify-proof", "--proof", "changed.json", "--digest", "digest.json"});
  EXPECT_EQ(checked.status, 4) << checked.err;
  EXPECT_NE(checked.err.find("audit path does not lead"), std::string::npos) << checked.err;

  changed = proof;
  changed["position"] = 3;
  workspace.write("changed.json", changed.dump());
  checked = workspace.run({"verify-proof", "--proof", "changed.json", "--digest", "digest.json"});
  EXPECT_EQ(checked.status, 4) << checked.err;

  // A proof of the current tree is not one of the digest's.
  workspace.write("current.json", workspace.run({"--db", "ledger.db", "prove", "--position", "2"}).out);
  checked = workspace.run({"verify-proof", "--proof", "current.json", "--digest", "digest.json"});
  EXPECT_EQ(checked.status, 4) << checked.err;
  EXPECT_NE(checked.err.find("--tree-size " + std::to_string(size)), std::string::npos) << checked.err;
}

TEST_F(Digests, ProveRefusesAPositionOutsideTheTree) {
  set_up_log();
  const std::int64_t head = digest_to("digest.json")["tree_size"];
  refused({"prove", "--position", std::to_string(head + 1)}, "invalid_input", 2);
  refused({"prove", "--position", "1", "--tree-size", std::to_string(head + 1)}, "invalid_input", 2);
  refused({"prove", "--position", "3", "--tree-size", "2"}, "invalid_input", 2);
  const auto proof = ok({"prove", "--position", "1"}).json();
  EXPECT_EQ(proof["command"], "prove");
  EXPECT_EQ(proof["result"]["tree_size"], head);
}

}  // namespace
}  // namespace csp::cmd
