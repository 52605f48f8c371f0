// L3 through the real executable: an id binds the whole command, whichever
// way it comes (flags, `run` lines), and an export carries what binds it.

#include <functional>
#include <sstream>

#include "cli_fixture.h"

namespace csp::cmd {
namespace {

// A purchase as a `run` line, with what may change between tries.
std::string purchase_line(const std::string& id, const std::string& quantity, const std::string& at) {
  return R"({"id":")" + id + R"(","command":"PurchaseSoftware","actor":"sam@partner.example","at":")" + at +
         R"(","customer":"contoso.onmicrosoft.com","product":"windows-server-2022-datacenter","quantity":)" + quantity +
         R"(,"unit_price":"1234.50","currency":"USD","order_id":")" + order + R"(","subscription_id":")" +
         subscription + R"("})";
}

class CommandDigest : public Cli {
 protected:
  std::vector<std::string> purchase_with_id(const std::string& id) {
    auto args = purchase_args();
    args.insert(args.end(), {"--id", id});
    return args;
  }

  // The export's lines with their keys in the order written: an import
  // compares the readable fields in that order.
  std::vector<nlohmann::ordered_json> export_lines() {
    std::vector<nlohmann::ordered_json> lines;
    std::istringstream text(ledger({"export"}).out);
    for (std::string line; std::getline(text, line);) lines.push_back(nlohmann::ordered_json::parse(line));
    return lines;
  }
};

TEST_F(CommandDigest, L3_AnIdReusedForAChangedCommandIsRefusedNamingTheId) {
  set_up_partner();
  const std::string file = purchase_line("p-1", "2", "2026-01-02T00:00:00Z") + "\n" +
                           purchase_line("p-1", "3", "2026-01-02T00:00:00Z") + "\n" +
                           purchase_line("p-1", "2", "2026-01-05T00:00:00Z") + "\n";
  workspace.write("commands.jsonl", file);
  const Outcome run = ledger({"run", "commands.jsonl"});
  EXPECT_EQ(run.status, 2) << run.err;
  const auto results = run.json_lines();
  ASSERT_EQ(results.size(), 3u) << run.out;
  EXPECT_EQ(results[0]["ok"], true);
  EXPECT_EQ(results[1]["error"]["code"], "invalid_input");
  EXPECT_NE(results[1]["error"]["message"].get<std::string>().find("command id 'p-1' was already used for a different command"),
            std::string::npos) << results[1].dump();
  EXPECT_EQ(results[2]["ok"], true) << "another time is the same command (L3)";
  EXPECT_EQ(results[2]["positions"], results[0]["positions"]);
  EXPECT_EQ(results[2]["result"], results[0]["result"]);
  const auto exported_lines = ledger({"export"}).json_lines();
  EXPECT_EQ(exported_lines.size(), 5u + 1u + 1u) << "the purchase once, nothing of the refused line";
}

TEST_F(CommandDigest, L3_FlagsAndRunLinesGiveTheSameCommandTheSameDigest) {
  set_up_partner();
  workspace.write("first.jsonl", purchase_line("p-2", "2", "2026-01-02T00:00:00Z") + "\n");
  const auto first = ledger({"run", "first.jsonl"}).json_lines();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_EQ(first[0]["ok"], true) << first[0].dump();
  const auto again = ok(purchase_with_id("p-2")).json();
  EXPECT_EQ(again["positions"], first[0]["positions"]);
  auto changed = purchase_with_id("p-2");
  changed[8] = "1234.60";  // --unit-price
  refused(changed, "invalid_input", 2);
}

TEST_F(CommandDigest, L3_IdsTheRunnerMakesUpDoNotChangeTheCommand) {
  set_up_partner();
  const std::vector<std::string> args = {"purchase", "--customer", tenant_jp, "--product", "sql-server-2022-standard",
                                         "--quantity", "1", "--unit-price", "10", "--currency", "USD", "--actor", sales,
                                         "--id", "p-3"};
  const auto first = ok(args).json();
  const auto again = ok(args).json();
  EXPECT_EQ(again["positions"], first["positions"]);
  EXPECT_EQ(again["result"]["order_id"], first["result"]["order_id"]);
}

TEST_F(CommandDigest, L3_AnExportCarriesTheDigestAndAnImportKeepsRefusingAChangedReuse) {
  set_up_partner();
  ok(purchase_with_id("p-4"));
  const auto lines = ledger({"export"}).json_lines();
  std::size_t with_digest = 0;
  for (const auto& line : lines) {
    if (!line.contains("command_digest")) continue;
    ++with_digest;
    EXPECT_EQ(line["command_id"], "p-4");
    EXPECT_EQ(line["command_digest"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(with_digest, 1u) << "only commands with a caller's id, on their first event";
  workspace.write("export.jsonl", ledger({"export"}).out);
  const Outcome imported = workspace.run({"--db", "copy.db", "--json", "import", "export.jsonl"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_EQ(workspace.run({"--db", "copy.db", "--json", "export"}).out, ledger({"export"}).out);
  auto changed = purchase_with_id("p-4");
  changed[6] = "5";  // --quantity
  changed.insert(changed.begin(), {"--db", "copy.db", "--json"});
  const Outcome refusal = workspace.run(changed);
  EXPECT_EQ(refusal.status, 2) << refusal.out;
  EXPECT_NE(refusal.err.find("'p-4'"), std::string::npos) << refusal.err;
  auto same = purchase_with_id("p-4");
  same.insert(same.begin(), {"--db", "copy.db", "--json"});
  EXPECT_EQ(workspace.run(same).status, 0);
}

TEST_F(CommandDigest, AnExportWithoutDigestsStillImports) {
  set_up_partner();
  ok(purchase_with_id("p-5"));
  std::string without;
  for (auto line : export_lines()) {
    line.erase("command_digest");
    without += line.dump() + "\n";
  }
  workspace.write("older.jsonl", without);
  const Outcome imported = workspace.run({"--db", "copy.db", "--json", "import", "older.jsonl"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  const Outcome listed = workspace.run({"--db", "copy.db", "--json", "export"});
  EXPECT_EQ(listed.out.find("command_digest"), std::string::npos);
}

TEST_F(CommandDigest, BadDigestsInAnImportAreRefusedAndChangeNothing) {
  set_up_partner();
  ok(purchase_with_id("p-6"));
  const auto lines = export_lines();
  const auto import_with = [&](const std::function<void(std::vector<nlohmann::ordered_json>&)>& change) {
    auto edited = lines;
    change(edited);
    std::string text;
    for (const auto& line : edited) text += line.dump() + "\n";
    workspace.write("bad.jsonl", text);
    return workspace.run({"--db", "copy.db", "--json", "import", "bad.jsonl"});
  };
  const auto first_with_digest = [&](std::vector<nlohmann::ordered_json>& edited) -> nlohmann::ordered_json& {
    for (auto& line : edited) {
      if (line.contains("command_digest")) return line;
    }
    throw std::logic_error("no line with a digest");
  };
  for (const nlohmann::ordered_json& bad :
       {nlohmann::ordered_json("zz"), nlohmann::ordered_json(42), nlohmann::ordered_json(std::string(64, 'A'))}) {
    const Outcome refusal = import_with([&](auto& edited) { first_with_digest(edited)["command_digest"] = bad; });
    EXPECT_EQ(refusal.status, 2) << refusal.err;
    EXPECT_NE(refusal.err.find("\"command_digest\" is not 64 lowercase hex digits"), std::string::npos) << refusal.err;
  }
  // A digest on an event that starts no command with a caller's id.
  const Outcome misplaced = import_with([&](auto& edited) {
    edited[1]["command_digest"] = first_with_digest(edited)["command_digest"];
  });
  EXPECT_EQ(misplaced.status, 2) << misplaced.err;
  EXPECT_NE(misplaced.err.find("starts no command with a caller's id"), std::string::npos) << misplaced.err;
  EXPECT_FALSE(workspace.holds_ledger("copy.db")) << "a failed import leaves no ledger behind";
}

TEST_F(CommandDigest, L3_ALedgerMadeBeforeDigestsOpensAndItsIdsReplayAsBefore) {
  set_up_partner();
  const auto first = ok(purchase_with_id("p-7")).json();
  sql("DROP TABLE command_digests");
  auto changed = purchase_with_id("p-7");
  changed[6] = "9";  // --quantity: no digest to tell, so the first result comes back as before
  EXPECT_EQ(ok(changed).json()["positions"], first["positions"]);
  ok({"agent", "grant", "kim@partner.example", "--role", "sales-agent", "--actor", admin, "--id", "g-1"});
  refused({"agent", "grant", "kim@partner.example", "--role", "admin-agent", "--actor", admin, "--id", "g-1"},
          "invalid_input", 2);
  EXPECT_EQ(ledger({"audit", "verify"}).status, 0);
}

}  // namespace
}  // namespace csp::cmd
