// `import` refuses exports that were tampered with in ways the hash chain
// alone does not show: rewritten with a fresh chain, edited in their
// readable fields, or with a lying end line.

#include "cli_harness.h"
#include "eventstore/chain.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;
using testing::Outcome;
using testing::Workspace;

class Import : public ::testing::Test {
 protected:
  Workspace workspace;
  std::vector<json> lines;

  void SetUp() override {
    ASSERT_EQ(workspace.run({"--db", "a.db", "init", "--admin", "alice@partner.example", "--at", "2026-01-05T09:00:00Z"}).status, 0);
    (void)workspace.run({"--db", "a.db", "run", std::string(CSP_SOURCE_DIR) + "/demo/scenario.jsonl"});
    std::istringstream input(workspace.run({"--db", "a.db", "export"}).out);
    for (std::string line; std::getline(input, line);) lines.push_back(json::parse(line));
  }

  Outcome import(const std::vector<json>& export_lines) {
    std::string text;
    for (const auto& line : export_lines) text += line.dump() + "\n";
    workspace.write("in.jsonl", text);
    return workspace.run({"--db", "b.db", "import", "in.jsonl"});
  }

  // What a forger would do: renumber and rehash everything after an edit.
  static std::vector<json> rechained(std::vector<json> events) {
    eventstore::ChainHasher hasher;
    eventstore::Hash previous{};
    std::map<std::string, std::int64_t> versions;
    std::map<std::string, std::string> renamed_commands;
    std::int64_t position = 0;
    for (auto& line : events) {
      const std::int64_t old_position = line["position"];
      line["position"] = ++position;
      line["version"] = ++versions[line["stream"]];
      const std::string command = line["command_id"];
      if (command == "@" + std::to_string(old_position)) renamed_commands[command] = "@" + std::to_string(position);
      if (renamed_commands.contains(command)) line["command_id"] = renamed_commands[command];
      const std::string payload = *eventstore::bytes_from_hex(line["payload_hex"].get<std::string>());
      const std::string stream = line["stream"], type = line["type"], command_id = line["command_id"];
      const std::string actor = line["actor"], role = line["role"];
      const eventstore::ChainFields fields{position,
                                           stream,
                                           line["version"].get<std::int64_t>(),
                                           type,
                                           line["schema_version"].get<std::uint32_t>(),
                                           command_id,
                                           actor,
                                           role,
                                           line["business_time_us"].get<std::int64_t>(),
                                           line["recorded_time_us"].get<std::int64_t>(),
                                           payload};
      previous = hasher.next(previous, fields);
      line["hash"] = eventstore::hash_hex(previous);
    }
    events.push_back(json{{"end_of_export", {{"events", events.size()}, {"head_hash", eventstore::hash_hex(previous)}}}});
    return events;
  }

  std::vector<json> events_only() const { return {lines.begin(), lines.end() - 1}; }
};

TEST_F(Import, TheUntouchedExportImports) {
  EXPECT_EQ(import(lines).status, 0);
  EXPECT_EQ(import(rechained(events_only())).status, 2) << "b.db is no longer empty";
}

TEST_F(Import, AFreshChainOverALogThatDoesNotReplayIsRefused) {
  std::vector<json> events = events_only();
  const auto link = std::find_if(events.begin(), events.end(), [](const json& l) { return l["type"] == "DownloadLinkIssued"; });
  ASSERT_NE(link, events.end());
  events.erase(link);
  const Outcome run = import(rechained(events));
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("does not replay"), std::string::npos) << run.err;
  EXPECT_FALSE(workspace.holds_ledger("b.db"));
}

TEST_F(Import, AnEditedReadableFieldIsRefused) {
  std::vector<json> edited = lines;
  for (auto& line : edited) {
    if (line.contains("type") && line["type"] == "SoftwarePurchased") {
      line["event"]["total_price"]["amount"] = "1.00";
      break;
    }
  }
  const Outcome run = import(edited);
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("readable fields differ"), std::string::npos) << run.err;
}

TEST_F(Import, ALyingOrMalformedEndLineIsRefusedAndLeavesNothing) {
  for (const json& trailer : {json{{"end_of_export", {{"events", "72"}, {"head_hash", "x"}}}},
                              json{{"end_of_export", {{"events", 71}, {"head_hash", lines.back()["end_of_export"]["head_hash"]}}}},
                              json{{"end_of_export", {{"events", 72}, {"head_hash", std::string(64, '0')}}}},
                              json{{"end_of_export", 5}}}) {
    std::vector<json> changed = events_only();
    changed.push_back(trailer);
    const Outcome run = import(changed);
    EXPECT_EQ(run.status, 2) << trailer.dump() << run.err;
    EXPECT_FALSE(workspace.holds_ledger("b.db")) << trailer.dump();
  }
}

TEST_F(Import, AnExportWithNoEventsIsRefused) {
  const Outcome empty = workspace.run({"--db", "a.db", "export", "--from", "1000"});
  workspace.write("empty.jsonl", empty.out);
  const Outcome run = workspace.run({"--db", "b.db", "import", "empty.jsonl"});
  EXPECT_EQ(run.status, 2);
  EXPECT_NE(run.err.find("no events"), std::string::npos) << run.err;
  EXPECT_FALSE(workspace.holds_ledger("b.db"));
}

TEST_F(Import, AuditVerifyCallsUnreadableRowsAFault) {
  const std::string sql = "DELETE FROM names WHERE name = 'DownloadDenied';";
  ASSERT_EQ(std::system(("sqlite3 " + testing::quoted(workspace.path("a.db").string()) + " " + testing::quoted(sql)).c_str()), 0);
  const Outcome audit = workspace.run({"--db", "a.db", "audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_NE(audit.err.find("position 63"), std::string::npos) << audit.err;
}

TEST_F(Import, ReportCustomerFilterIsCheckedAgainstTheWholeLog) {
  EXPECT_EQ(workspace.run({"--db", "a.db", "report", "subscriptions", "--customer",
                           "99999999-0000-4000-8000-000000000000"}).status, 5);
  EXPECT_EQ(workspace.run({"--db", "a.db", "report", "subscriptions", "--customer", "not a customer"}).status, 2);
  const Outcome by_domain = workspace.run({"--db", "a.db", "--json", "report", "subscriptions", "--customer",
                                           "contoso.onmicrosoft.com", "--as-of", "2026-01-01T00:00:00Z"});
  EXPECT_EQ(by_domain.status, 0) << by_domain.err;  // registered later, yet a known customer
  EXPECT_TRUE(by_domain.json().empty());
}

}  // namespace
}  // namespace csp::cmd
