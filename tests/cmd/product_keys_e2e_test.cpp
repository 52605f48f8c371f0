// Product keys at rest: sealed with the ledger's key file before they reach
// the log, so neither the database nor anything but `key show` holds or
// prints one in clear; without the key file everything but the keys works.

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "cli_fixture.h"

namespace csp::cmd {
namespace {

using json = nlohmann::json;

bool holds(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string hex_of(const std::string& text) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  for (const unsigned char c : text) {
    hex.push_back(digits[c >> 4]);
    hex.push_back(digits[c & 0x0F]);
  }
  return hex;
}

class ProductKeysAtRest : public Cli {
 protected:
  std::string product_key;

  void SetUp() override {
    set_up_partner();
    ok(purchase_args());
    product_key = ok(link_args()).json()["result"]["product_key"];
    ASSERT_EQ(product_key.size(), 29u);
  }

  // The key file the ledger was made with: beside a SQLite file, or the
  // one every process of a PostgreSQL suite shares.
  std::string key_file() const {
    if (csp::testing::tests_run_on_postgres()) return std::getenv("CSP_LEDGER_KEY_FILE");
    return workspace.path("ledger.db.key").string();
  }

  Outcome with_key_file(const std::string& path, std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", "ledger.db", "--json", "--key-file", path});
    return workspace.run(args);
  }

  // The same command with no key file to be found.
  Outcome without_key_file(std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", "ledger.db", "--json"});
    if (csp::testing::tests_run_on_postgres()) return workspace.run(args, "", "CSP_LEDGER_KEY_FILE=");
    const std::filesystem::path aside = workspace.path("aside.key");
    std::filesystem::rename(key_file(), aside);
    Outcome run = workspace.run(args);
    std::filesystem::rename(aside, key_file());
    return run;
  }

  std::string event_count() { return query("SELECT count(*) FROM events"); }

  // Every byte the database keeps: the SQLite file and its WAL, or a dump
  // of the PostgreSQL database (where bytea comes out as hex).
  std::string stored_bytes() {
    if (csp::testing::tests_run_on_postgres()) {
      const std::string command = "pg_dump --data-only " + testing::quoted(workspace.ledger("ledger.db"));
      std::string dumped;
      if (FILE* pipe = popen(command.c_str(), "r")) {
        char buffer[4096];
        for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) dumped.append(buffer, got);
        EXPECT_EQ(pclose(pipe), 0);
      }
      EXPECT_TRUE(holds(dumped, "ProductKeyIssued")) << "the dump holds the log";
      return dumped;
    }
    std::string bytes = testing::slurp(workspace.path("ledger.db"));
    if (std::filesystem::exists(workspace.path("ledger.db-wal"))) bytes += testing::slurp(workspace.path("ledger.db-wal"));
    return bytes;
  }
};

TEST_F(ProductKeysAtRest, R4_NoKeyInClearInTheDatabaseNorInAnythingButKeyShow) {
  // A second link reuses the key, a cancellation revokes it: both events
  // carry it too.
  const Outcome second = ok(link_args("2026-01-04T00:00:00Z", "22222222-2222-4222-8222-222222222223"));
  EXPECT_EQ(second.json()["result"]["product_key"], product_key) << "each link's result shows the subscription's key";
  ok(cancel_args("2469.00", "2026-01-05T00:00:00Z"));

  const std::string bytes = stored_bytes();
  EXPECT_FALSE(holds(bytes, product_key));
  EXPECT_FALSE(holds(bytes, hex_of(product_key)));
  EXPECT_FALSE(holds(bytes, product_key.substr(0, 11))) << "not even its first groups";

  EXPECT_FALSE(holds(ok({"history", "--subscription", subscription, "--actor", admin}).out, product_key));
  EXPECT_FALSE(holds(ok({"export"}).out, product_key));
  for (const std::string report : {"subscriptions", "links", "revocations", "refunds"}) {
    EXPECT_FALSE(holds(ok({"report", report, "--format", "json"}).out, product_key)) << report;
  }

  const Outcome shown = ok({"key", "show", "--subscription", subscription, "--actor", admin});
  const json keys = shown.json()["result"]["keys"];
  ASSERT_EQ(keys.size(), 1u) << shown.out;
  EXPECT_EQ(keys[0]["product_key"], product_key);
  EXPECT_EQ(keys[0]["version"], "2022");
  EXPECT_EQ(shown.json()["result"]["revoked"], true);
}

TEST_F(ProductKeysAtRest, L3_ALinkIssueSentAgainAnswersWithTheSameKey) {
  std::vector<std::string> args = link_args("2026-01-04T00:00:00Z", "22222222-2222-4222-8222-222222222224");
  args.insert(args.end(), {"--id", "cmd-second-link"});
  const Outcome first = ok(args);
  const std::string count = event_count();
  const Outcome again = ok(args);
  EXPECT_EQ(again.json()["result"]["product_key"], product_key) << again.out;
  EXPECT_EQ(again.json()["result"], first.json()["result"]);
  EXPECT_EQ(event_count(), count);
}

TEST_F(ProductKeysAtRest, InitCreatesTheKeyFileForItsOwnerAlone) {
  struct stat status {};
  ASSERT_EQ(::stat(key_file().c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  const std::string line = testing::slurp(key_file());
  EXPECT_EQ(line.size(), 65u) << "64 hex digits and a newline";
  EXPECT_NE(query("SELECT value FROM ledger_meta WHERE key = 'ledger_key_id'"), "") << "the ledger names its key";
}

TEST_F(ProductKeysAtRest, AWrongKeyFileIsRefusedByNameAndChangesNothing) {
  const Outcome other = workspace.run({"--db", "other.db", "--key-file", workspace.path("other.key").string(), "init",
                                       "--admin", admin});
  ASSERT_EQ(other.status, 0) << other.err;
  const std::string count = event_count();
  const Outcome refused = with_key_file(workspace.path("other.key").string(),
                                        link_args("2026-01-04T00:00:00Z", "22222222-2222-4222-8222-222222222225"));
  EXPECT_EQ(refused.status, 2) << refused.err;
  EXPECT_TRUE(holds(refused.err, "other.key")) << refused.err;
  EXPECT_TRUE(holds(refused.err, "give the ledger's own key file")) << refused.err;
  EXPECT_EQ(event_count(), count);
  EXPECT_EQ(with_key_file(workspace.path("other.key").string(), {"key", "show", "--subscription", subscription, "--actor", admin}).status, 2);

  const Outcome missing = with_key_file(workspace.path("no-such.key").string(), {"report", "subscriptions"});
  EXPECT_EQ(missing.status, 2) << "a key file named but not there is an error";
  EXPECT_TRUE(holds(missing.err, "no-such.key")) << missing.err;

  workspace.write("garbled.key", "not a key\n");
  ::chmod(workspace.path("garbled.key").c_str(), 0600);
  const Outcome garbled = with_key_file(workspace.path("garbled.key").string(), link_args("2026-01-04T00:00:00Z", "22222222-2222-4222-8222-222222222226"));
  EXPECT_EQ(garbled.status, 2);
  EXPECT_TRUE(holds(garbled.err, "64 hex digits")) << garbled.err;
  EXPECT_EQ(event_count(), count);
}

TEST_F(ProductKeysAtRest, WithoutTheKeyFileEverythingButTheKeysWorks) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"report", "subscriptions"},
           {"history", "--subscription", subscription, "--actor", admin},
           {"audit", "verify"},
           {"audit", "replay"},
           {"export"}}) {
    const Outcome run = without_key_file(args);
    EXPECT_EQ(run.status, 0) << args[0] << ": " << run.err;
  }
  // A new subscription's first link seals its key: refused. A second link
  // on a subscription that has its key seals nothing, and says why its
  // result lacks the key.
  const std::string second = "11111111-1111-4111-8111-111111111112";
  std::vector<std::string> purchase = purchase_args();
  purchase.at(purchase.size() - 3) = "aaaaaaaa-1111-4111-8111-111111111112";
  purchase.back() = second;
  EXPECT_EQ(without_key_file(purchase).status, 0);
  std::vector<std::string> first_link = link_args("2026-01-04T00:00:00Z", "22222222-2222-4222-8222-222222222227");
  first_link.at(3) = second;
  const std::string count = event_count();
  const Outcome link = without_key_file(first_link);
  EXPECT_EQ(link.status, 2) << link.err;
  EXPECT_TRUE(holds(link.err, "key file")) << link.err;
  EXPECT_TRUE(holds(link.err, "nothing was written")) << link.err;
  EXPECT_EQ(event_count(), count);
  const Outcome another = without_key_file(link_args("2026-01-04T00:00:00Z", "22222222-2222-4222-8222-222222222228"));
  ASSERT_EQ(another.status, 0) << another.err;
  EXPECT_FALSE(another.json()["result"].contains("product_key"));
  EXPECT_TRUE(holds(another.json()["result"]["product_key_withheld"].get<std::string>(), "key file"));

  const Outcome show = without_key_file({"key", "show", "--subscription", subscription, "--actor", admin});
  EXPECT_EQ(show.status, 2);
  EXPECT_TRUE(holds(show.err, "key file")) << show.err;
  EXPECT_FALSE(holds(show.out, product_key));

  const Outcome download = without_key_file(download_args("2026-01-04T00:00:00Z"));
  EXPECT_EQ(download.status, 0) << "a download needs no key: " << download.err;
}

TEST_F(ProductKeysAtRest, R4_KeyShowIsForAnAdminAgentOnly) {
  const Outcome sales_reads = ledger({"key", "show", "--subscription", subscription, "--actor", sales});
  EXPECT_EQ(sales_reads.status, 3);
  EXPECT_TRUE(holds(sales_reads.err, "not_authorized")) << sales_reads.err;
  EXPECT_FALSE(holds(sales_reads.out, product_key));
  const Outcome unknown = ledger({"key", "show", "--subscription", "99999999-9999-4999-8999-999999999999", "--actor", admin});
  EXPECT_EQ(unknown.status, 5) << unknown.err;
}

TEST_F(ProductKeysAtRest, AnImportedLedgerOpensItsKeysWithTheSameKeyFile) {
  workspace.write("export.jsonl", ok({"export"}).out);
  const Outcome imported = workspace.run({"--db", "copy.db", "--key-file", key_file(), "import", "export.jsonl"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  const Outcome shown = workspace.run({"--db", "copy.db", "--json", "--key-file", key_file(), "key", "show",
                                       "--subscription", subscription, "--actor", admin});
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_EQ(shown.json()["result"]["keys"][0]["product_key"], product_key);
}

TEST_F(ProductKeysAtRest, AnImportWithAnotherLedgersKeyFileIsRefusedAndLeavesNoLedger) {
  workspace.write("export.jsonl", ok({"export"}).out);
  const std::string other_key = workspace.path("other.key").string();
  ASSERT_EQ(workspace.run({"--db", "other.db", "--key-file", other_key, "init", "--admin", admin}).status, 0);
  const Outcome refused = workspace.run({"--db", "copy.db", "--key-file", other_key, "import", "export.jsonl"});
  EXPECT_EQ(refused.status, 2) << refused.err;
  EXPECT_TRUE(holds(refused.err, "sealed with ledger key")) << refused.err;
  EXPECT_FALSE(workspace.holds_ledger("copy.db"));

  // Imported without a key file, the ledger records the key its keys were
  // sealed with, and refuses any other key file from then on.
  const Outcome keyless = workspace.run({"--db", "bare.db", "import", "export.jsonl"}, "", "CSP_LEDGER_KEY_FILE=");
  ASSERT_EQ(keyless.status, 0) << keyless.err;
  const Outcome wrong = workspace.run({"--db", "bare.db", "--key-file", other_key, "key", "show", "--subscription",
                                       subscription, "--actor", admin});
  EXPECT_EQ(wrong.status, 2) << wrong.err;
  EXPECT_TRUE(holds(wrong.err, "give the ledger's own key file")) << wrong.err;
  const Outcome right = workspace.run({"--db", "bare.db", "--json", "--key-file", key_file(), "key", "show", "--subscription",
                                       subscription, "--actor", admin});
  ASSERT_EQ(right.status, 0) << right.err;
  EXPECT_EQ(right.json()["result"]["keys"][0]["product_key"], product_key);
}

}  // namespace
}  // namespace csp::cmd
