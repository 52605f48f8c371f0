// Property: for thousands of random commands, valid and invalid, the read
// models kept inline equal a rebuild from the log, and `export` then
// `import` gives a ledger with the same chain head and the same reports;
// the audit passes on both. The seed is printed on failure;
// set CSP_PROPERTY_SEED to replay one.

#include <sqlite3.h>

#include <random>

#include "cli_harness.h"

namespace csp::cmd {
namespace {

using testing::Outcome;
using testing::Workspace;

std::string uuid_of(int kind, int serial) {
  char text[64];
  std::snprintf(text, sizeof text, "%08x-0000-4000-8000-%012x", kind, serial);
  return text;
}

// Random but plausible commands: most succeed, many are refused by a rule,
// some are malformed.
class Generator {
 public:
  explicit Generator(unsigned seed) : random_(seed) {}

  std::string next() {
    minutes_ += pick(0, 100) == 0 ? pick(0, 60 * 24 * 3) : pick(0, 20);
    if (pick(0, 50) == 0) minutes_ -= pick(1, 600);  // now and then, back in time (L6)
    const std::string at = time_text();
    const int choice = pick(0, 99);
    nlohmann::ordered_json line;
    if (choice < 5 || customers_ == 0) {
      const int serial = customers_++;
      const char* markets[] = {"JP", "US", "DE", "BR", "IN", "XX"};
      line = {{"command", "RegisterCustomer"}, {"actor", agent()}, {"tenant", uuid_of(1, serial)},
              {"domain", "c" + std::to_string(serial) + ".onmicrosoft.com"}, {"market", markets[pick(0, 5)]}};
    } else if (choice < 20 || subscriptions_ == 0) {
      const char* products[] = {"windows-server-2022-datacenter", "sql-server-2022-standard", "azure-ri-vm-d2s-v5-1y",
                                "office-2024"};
      line = {{"command", "PurchaseSoftware"}, {"actor", agent()}, {"customer", uuid_of(1, pick(0, customers_))},
              {"product", products[pick(0, 9) < 8 ? pick(0, 1) : pick(2, 3)]}, {"quantity", pick(0, 20) == 0 ? 0 : pick(1, 5)},
              {"unit_price", "10.00"},
              {"currency", "USD"}, {"subscription_id", uuid_of(2, subscriptions_++)}};
    } else if (choice < 30 || links_ == 0) {
      const char* versions[] = {"2022", "2022", "2022", "2019"};
      line = {{"command", "IssueDownloadLink"}, {"actor", admin_mostly()},
              {"subscription", uuid_of(2, pick(std::max(0, subscriptions_ - 10), subscriptions_))},
              {"version", versions[pick(0, 3)]}, {"language", "en-us"}, {"file_type", "iso"},
              {"link_id", uuid_of(3, links_++)}};
    } else if (choice < 85) {
      line = {{"command", "RecordDownload"}, {"link", uuid_of(3, pick(std::max(0, links_ - 30), links_))}};
    } else if (choice < 92) {
      line = {{"command", "CancelPurchase"}, {"actor", admin_mostly()}, {"subscription", uuid_of(2, pick(0, subscriptions_ - 1))},
              {"customer", uuid_of(1, pick(0, customers_ - 1))}, {"reason", "random"},
              {"amount", std::to_string(pick(1, 60)) + ".00"}, {"contact_name", "K"}, {"contact_email", "k@c.example"},
              {"contact_phone", "12345"}, {"ticket_id", uuid_of(4, tickets_++)}};
    } else if (choice < 97) {
      line = {{"command", "ResolveRefundTicket"}, {"actor", admin_mostly()}, {"ticket", uuid_of(4, pick(0, tickets_))}};
      if (pick(0, 1) == 0) {
        line["refunded"] = std::to_string(pick(0, 60)) + ".00";
      } else {
        line["rejected"] = "not eligible";
      }
    } else {
      return pick(0, 1) == 0 ? "{not json" : R"({"command":"PurchaseSoftware","actor":"alice@partner.example"})";
    }
    line["at"] = at;
    return line.dump();
  }

 private:
  int pick(int low, int high) { return std::uniform_int_distribution<int>(low, high)(random_); }
  std::string agent() {
    const char* agents[] = {"alice@partner.example", "alice@partner.example", "sam@partner.example",
                            "hal@partner.example"};
    return agents[pick(0, 3)];
  }
  // Keys, cancellations and refunds need admin-agent: mostly give it.
  std::string admin_mostly() { return pick(0, 9) == 0 ? agent() : "alice@partner.example"; }
  std::string time_text() const {
    const long minutes = std::max(0L, minutes_);
    char text[64];
    // Months of 28 days keep every date valid.
    constexpr long minutes_per_day = 60 * 24;
    const long days = minutes / minutes_per_day;
    std::snprintf(text, sizeof text, "%04ld-%02ld-%02ldT%02ld:%02ld:00Z", 2026 + days / (28 * 12), 1 + days / 28 % 12,
                  1 + days % 28, minutes / 60 % 24, minutes % 60);
    return text;
  }

  std::mt19937 random_;
  long minutes_ = 0;
  int customers_ = 0, subscriptions_ = 0, links_ = 0, tickets_ = 0;
};

constexpr const char* read_model_tables[] = {"customers", "subscriptions", "links", "revocations", "refunds"};

// Every stored read-model row, table by table in key order, as text.
std::string sqlite_read_model_rows(const std::string& db_path) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  std::string rows;
  for (const char* table : read_model_tables) {
    const std::string sql = std::string("SELECT * FROM rm_") + table + " ORDER BY 1";
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    while (sqlite3_step(statement) == SQLITE_ROW) {
      rows += std::string(table) + ":";
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const unsigned char* text = sqlite3_column_text(statement, column);
        rows += text == nullptr ? std::string("NULL") : reinterpret_cast<const char*>(text);
        rows += "|";
      }
      rows += "\n";
    }
    sqlite3_finalize(statement);
  }
  sqlite3_close(db);
  return rows;
}

std::string postgres_read_model_rows(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  std::string rows;
  for (const char* table : read_model_tables) {
    PGresult* result = PQexec(conn, (std::string("SELECT * FROM rm_") + table + " ORDER BY 1").c_str());
    EXPECT_EQ(PQresultStatus(result), PGRES_TUPLES_OK) << PQresultErrorMessage(result);
    for (int row = 0; row < PQntuples(result); ++row) {
      rows += std::string(table) + ":";
      for (int column = 0; column < PQnfields(result); ++column) {
        rows += PQgetisnull(result, row, column) ? std::string("NULL") : std::string(PQgetvalue(result, row, column));
        rows += "|";
      }
      rows += "\n";
    }
    PQclear(result);
  }
  PQfinish(conn);
  return rows;
}

std::string read_model_rows(const Workspace& workspace, const std::string& name) {
  if (csp::testing::tests_run_on_postgres()) return postgres_read_model_rows(workspace.ledger(name));
  return sqlite_read_model_rows(workspace.path(name).string());
}

unsigned chosen_seed() {
  const char* given = std::getenv("CSP_PROPERTY_SEED");
  return given != nullptr ? static_cast<unsigned>(std::stoul(given)) : 20261127u;
}

TEST(Property, InlineReadModelsEqualARebuildAndExportThenImportKeepsEverything) {
  const unsigned seed = chosen_seed();
  SCOPED_TRACE("CSP_PROPERTY_SEED=" + std::to_string(seed));
  Workspace workspace;
  const auto ledger = [&](const std::string& db, std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--db", db});
    return workspace.run(args, input);
  };
  ASSERT_EQ(ledger("a.db", {"init", "--admin", "alice@partner.example", "--at", "2026-01-01T00:00:00Z"}).status, 0);
  ASSERT_EQ(ledger("a.db", {"run", "-"},
                   R"({"command":"GrantRole","actor":"alice@partner.example","agent":"sam@partner.example","role":"sales-agent","at":"2026-01-01T00:00:00Z"})" "\n")
                .status,
            0);
  Generator generator(seed);
  // Two runs of two batches each (1,000 lines a batch): the read models'
  // cached rows carry over from batch to batch, and the file's from one
  // process to the next.
  std::vector<nlohmann::json> results;
  for (int part = 0; part < 2; ++part) {
    std::string commands;
    for (int line = 0; line < 1500; ++line) commands += generator.next() + "\n";
    const Outcome run = ledger("a.db", {"run", "-"}, commands);
    ASSERT_NE(run.status, 1) << run.err;
    for (auto& result : run.json_lines()) results.push_back(std::move(result));
  }
  ASSERT_EQ(results.size(), 3000u);
  int succeeded = 0;
  for (const auto& result : results) succeeded += result["ok"] == true ? 1 : 0;
  EXPECT_GT(succeeded, 250) << "the generator must make many commands that succeed";
  EXPECT_LT(succeeded, 3000) << "and some that are refused";

  // The read models the commands kept up to date inline are exactly those
  // a rebuild from the log gives.
  const std::string inline_rows = read_model_rows(workspace, "a.db");
  EXPECT_NE(inline_rows.find("links:"), std::string::npos);
  const Outcome verified = ledger("a.db", {"--json", "audit", "verify"});
  EXPECT_EQ(verified.status, 0) << verified.out << verified.err;
  ASSERT_EQ(ledger("a.db", {"audit", "replay"}).status, 0);
  EXPECT_EQ(read_model_rows(workspace, "a.db"), inline_rows);

  const Outcome exported = ledger("a.db", {"export"});
  workspace.write("a.jsonl", exported.out);
  ASSERT_EQ(ledger("b.db", {"import", "a.jsonl"}).status, 0);
  EXPECT_EQ(ledger("b.db", {"export"}).out, exported.out);
  const auto head = [&](const std::string& db) { return ledger(db, {"--json", "audit", "verify"}).json()["result"]["head_hash"]; };
  EXPECT_EQ(head("a.db"), head("b.db"));
  for (const char* kind : {"subscriptions", "links", "revocations", "refunds", "customers", "open-refunds", "sales",
                           "hybrid-benefit"}) {
    EXPECT_EQ(ledger("b.db", {"report", kind, "--format", "csv"}).out, ledger("a.db", {"report", kind, "--format", "csv"}).out)
        << kind;
  }
}

}  // namespace
}  // namespace csp::cmd
