// What a person meets first: messages that name what was typed wrong and
// point to commands that exist, output that scripts can read, listings of
// what exists, and paging through long answers.

#include "cli_fixture.h"

namespace csp::cmd {
namespace {

bool holds(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++count;
  return count;
}

class Conventions : public Cli {};

TEST_F(Conventions, AnUnknownCommandIsNamedWithTheNearestOne) {
  const Outcome top = workspace.run({"--db", "ledger.db", "purchse"});
  EXPECT_EQ(top.status, 2);
  EXPECT_TRUE(holds(top.err, "unknown command \"purchse\"")) << top.err;
  EXPECT_TRUE(holds(top.err, "nearest: purchase")) << top.err;
  EXPECT_FALSE(holds(top.err, "A subcommand is required")) << top.err;

  const Outcome nested = workspace.run({"--db", "ledger.db", "agent", "gant", "sam@partner.example"});
  EXPECT_EQ(nested.status, 2);
  EXPECT_TRUE(holds(nested.err, "unknown command \"gant\" for `csp-ledger agent`")) << nested.err;
  EXPECT_TRUE(holds(nested.err, "nearest: grant")) << nested.err;
  EXPECT_TRUE(holds(nested.err, "see `csp-ledger agent --help`")) << nested.err;

  const Outcome none = workspace.run({"--db", "ledger.db", "audit"});
  EXPECT_EQ(none.status, 2);
  EXPECT_TRUE(holds(none.err, "`csp-ledger audit` needs a command: verify, replay")) << none.err;
}

TEST_F(Conventions, AnUnknownFlagIsNamedWithTheNearestOne) {
  const Outcome bogus = workspace.run({"--db", "ledger.db", "report", "links", "--bogus"});
  EXPECT_EQ(bogus.status, 2);
  EXPECT_TRUE(holds(bogus.err, "unknown flag --bogus for `csp-ledger report`")) << bogus.err;
  EXPECT_TRUE(holds(bogus.err, "see `csp-ledger report --help`")) << bogus.err;

  const Outcome typo = workspace.run({"--db", "ledger.db", "report", "links", "--stauts", "live"});
  EXPECT_TRUE(holds(typo.err, "unknown flag --stauts")) << typo.err;
  EXPECT_TRUE(holds(typo.err, "nearest: --status")) << typo.err;

  const Outcome kind = workspace.run({"--db", "ledger.db", "report", "lnks"});
  EXPECT_EQ(kind.status, 2);
  EXPECT_TRUE(holds(kind.err, "nearest: links")) << kind.err;
}

TEST_F(Conventions, AMissingActorPointsToThatCommandsHelpOnce) {
  const Outcome missing = workspace.run({"--db", "ledger.db", "purchase", "--customer", tenant_jp, "--product",
                                         "sql-server-2022-standard", "--quantity", "1", "--unit-price", "1",
                                         "--currency", "USD"});
  EXPECT_EQ(missing.status, 2);
  EXPECT_TRUE(holds(missing.err, "--actor is required")) << missing.err;
  EXPECT_TRUE(holds(missing.err, "see `csp-ledger purchase --help`")) << missing.err;
  EXPECT_EQ(occurrences(missing.err, "--help"), 1u) << missing.err;
}

TEST_F(Conventions, RefusalsPointToCommandsThatExistEachHintOnce) {
  set_up_partner();
  const Outcome product = ledger({"purchase", "--customer", tenant_jp, "--product", "office-2024", "--quantity", "1",
                                  "--unit-price", "1", "--currency", "USD", "--actor", sales});
  EXPECT_EQ(product.status, 3);
  EXPECT_TRUE(holds(product.err, "`csp-ledger catalogue list`")) << product.err;
  EXPECT_FALSE(holds(product.err, "with `report`")) << product.err;
  ok({"catalogue", "list"});

  const Outcome customer = ledger({"purchase", "--customer", "nobody.onmicrosoft.com", "--product",
                                   "sql-server-2022-standard", "--quantity", "1", "--unit-price", "1", "--currency",
                                   "USD", "--actor", sales});
  EXPECT_TRUE(holds(customer.err, "`csp-ledger customer add`")) << customer.err;
  EXPECT_EQ(occurrences(customer.err, "csp-ledger customer add"), 1u) << customer.err;
  EXPECT_EQ(occurrences(customer.json()["error"]["message"].get<std::string>(), "csp-ledger customer add"), 1u);

  const Outcome role = ledger({"purchase", "--customer", tenant_jp, "--product", "sql-server-2022-standard",
                               "--quantity", "1", "--unit-price", "1", "--currency", "USD", "--actor", helpdesk});
  EXPECT_TRUE(holds(role.err, "`csp-ledger agent grant " + helpdesk + " --role ROLE`")) << role.err;
  EXPECT_EQ(occurrences(role.err, "agent grant"), 1u) << role.err;
}

TEST_F(Conventions, CsvHasItsHeaderEvenWithoutRows) {
  set_up_partner();
  const Outcome links = workspace.run({"--db", "ledger.db", "report", "links", "--format", "csv"});
  EXPECT_EQ(links.status, 0) << links.err;
  EXPECT_EQ(links.out, "link_id,subscription_id,status,downloads_used,expires_at\r\n");
  const Outcome refunds = workspace.run({"--db", "ledger.db", "report", "open-refunds", "--format", "csv"});
  EXPECT_EQ(refunds.out, "currency,open_tickets,requested_total\r\n");
}

TEST_F(Conventions, JsonWithACsvFormatIsAUsageError) {
  set_up_partner();
  const Outcome both = workspace.run({"--db", "ledger.db", "--json", "report", "links", "--format", "csv"});
  EXPECT_EQ(both.status, 2);
  EXPECT_TRUE(holds(both.err, "--json")) << both.err;
  EXPECT_EQ(both.json()["error"]["code"], "invalid_input");
  EXPECT_EQ(workspace.run({"--db", "ledger.db", "--json", "report", "links", "--format", "json"}).status, 0);
}

TEST_F(Conventions, TheRowCountIsForATerminalOnly) {
  set_up_partner();
  const Outcome table = workspace.run({"--db", "ledger.db", "report", "customers"});
  EXPECT_EQ(table.status, 0);
  EXPECT_TRUE(holds(table.out, "contoso.onmicrosoft.com")) << table.out;
  EXPECT_FALSE(holds(table.out, " rows")) << "stdout is a file here, not a terminal:\n" << table.out;
}

TEST_F(Conventions, OnATerminalTheTableEndsWithItsRowCount) {
  set_up_partner();
  // script(1) gives the command a terminal for its stdout.
  const std::string report = testing::quoted(CSP_LEDGER_BIN) + " --db " + testing::quoted(workspace.ledger("ledger.db")) +
                             " report customers";
  const std::string command = "cd " + testing::quoted(workspace.path(".").string()) + " && script -qec " +
                              testing::quoted(report) + " /dev/null";
  std::string printed;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) printed.append(buffer, got);
    EXPECT_EQ(pclose(pipe), 0) << printed;
  }
  EXPECT_TRUE(holds(printed, "2 rows")) << printed;
  const Outcome page = workspace.run({"--db", "ledger.db", "report", "customers", "--limit", "1"});
  EXPECT_FALSE(holds(page.out, "rows")) << page.out;
}

TEST_F(Conventions, HistoryQuotesTextsWithSpacesAndHasNoTrailingSpaces) {
  set_up_partner();
  ok(purchase_args());
  ok(cancel_args());
  const Outcome text = workspace.run({"--db", "ledger.db", "history", "--order", order});
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_TRUE(holds(text.out, "reason=\"ordered the wrong edition\"")) << text.out;
  EXPECT_TRUE(holds(text.out, "total_price=\"2469.00 USD\"")) << text.out;
  EXPECT_FALSE(holds(text.out, " \n")) << text.out;
  const Outcome customer = workspace.run({"--db", "ledger.db", "history", "--customer", tenant_jp});
  EXPECT_TRUE(holds(customer.out, "name=\"Contoso KK\"")) << customer.out;
}

TEST_F(Conventions, RunPrintsARefusalOnceAsItsResult) {
  set_up_partner();
  const std::string line = R"({"command":"PurchaseSoftware","actor":")" + sales + R"(","customer":")" + tenant_br +
                           R"(","product":"azure-ri-vm-d2s-v5-1y","quantity":1,"unit_price":"1","currency":"USD"})";
  const Outcome run = workspace.run({"--db", "ledger.db", "run", "-"}, line + "\n");
  EXPECT_EQ(run.status, 3);
  ASSERT_EQ(run.json_lines().size(), 1u);
  EXPECT_EQ(run.json_lines()[0]["error"]["code"], "market_not_available");
  EXPECT_FALSE(holds(run.err, "market_not_available")) << "the refusal is printed once, on stdout:\n" << run.err;
  EXPECT_TRUE(holds(run.err, "some lines were refused")) << run.err;
}

TEST_F(Conventions, LookupsOfUnknownThingsExitFiveNotThree) {
  set_up_partner();
  refused({"history", "--subscription", subscription}, "unknown_subscription", 5);
  refused({"history", "--link", link}, "unknown_link", 5);
  refused({"report", "subscriptions", "--customer", "nobody.onmicrosoft.com"}, "unknown_customer", 5);
  // A command that would append is still refused by a rule.
  refused(link_args(), "unknown_subscription", 3);
}

TEST_F(Conventions, ListsOfAgentsCustomersAndTheCatalogue) {
  set_up_partner();
  const auto agents = ok({"agent", "list"}).json();
  ASSERT_EQ(agents.size(), 3u);
  EXPECT_EQ(agents[0]["agent"], admin);
  EXPECT_EQ(agents[0]["roles"], "admin-agent");
  EXPECT_EQ(agents[1]["agent"], helpdesk);
  EXPECT_EQ(agents[1]["roles"], "helpdesk-agent");
  ok({"agent", "revoke", helpdesk, "--role", "helpdesk-agent", "--actor", admin});
  EXPECT_EQ(ok({"agent", "list"}).json().size(), 2u);

  const auto customers = ok({"customer", "list"}).json();
  ASSERT_EQ(customers.size(), 2u);
  EXPECT_EQ(customers[0]["domain"], "fabrikam.onmicrosoft.com");

  const auto catalogue = ok({"catalogue", "list"}).json();
  ASSERT_EQ(catalogue.size(), 8u);
  EXPECT_EQ(catalogue[0]["sku"], "azure-ri-vm-d2s-v5-1y");
  const Outcome csv = workspace.run({"--db", "ledger.db", "catalogue", "list", "--format", "csv"});
  EXPECT_EQ(csv.out.rfind("sku,display_name,family,edition,kind,versions,languages,file_types,hybrid_benefit_eligible\r\n", 0), 0u)
      << csv.out;
}

TEST_F(Conventions, HistoryOfALinkShowsTheEventsThatNameIt) {
  set_up_partner();
  ok(purchase_args());
  ok(link_args());
  ok(download_args("2026-01-04T00:00:00Z"));
  ok(link_args("2026-01-05T00:00:00Z", "44444444-4444-4444-8444-444444444444"));
  ok(cancel_args("2469.00", "2026-01-10T00:00:00Z"));  // both links still live: both revoked
  refused(download_args("2026-01-11T00:00:00Z"), "subscription_cancelled");
  const auto history = ok({"history", "--link", link}).json();
  std::vector<std::string> types;
  for (const auto& event : history["result"]["events"]) types.push_back(event["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"DownloadLinkIssued", "DownloadRecorded", "ProductKeysRevoked", "DownloadDenied"}));
}

TEST_F(Conventions, HistoryAndReportsPage) {
  set_up_partner();
  const auto all = ok({"history", "--customer", tenant_jp}).json()["result"]["events"];
  ASSERT_EQ(all.size(), 1u);
  ok(purchase_args());
  ok(link_args());
  for (const auto& at : {"2026-01-04T00:00:00Z", "2026-01-04T00:00:01Z", "2026-01-04T00:00:02Z"}) ok(download_args(at));
  const auto events = ok({"history", "--subscription", subscription}).json()["result"]["events"];
  ASSERT_EQ(events.size(), 6u);
  const std::int64_t third = events[2]["position"];
  const auto page = ok({"history", "--subscription", subscription, "--from", std::to_string(third), "--limit", "2"})
                        .json()["result"]["events"];
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]["position"], third);
  EXPECT_EQ(page[1]["position"], events[3]["position"]);

  const auto customers = ok({"report", "customers", "--from", "2", "--limit", "1"}).json();
  ASSERT_EQ(customers.size(), 1u);
  EXPECT_EQ(customers[0]["domain"], "contoso.onmicrosoft.com");
  EXPECT_EQ(ok({"customer", "list", "--from", "3"}).json().size(), 0u);
  refused({"report", "customers", "--limit", "0"}, "invalid_input", 2);
}

TEST_F(Conventions, ReplayUntilBeforeTheFirstEventSaysSoAndAsksForYes) {
  set_up_partner();
  const Outcome unconfirmed = ledger({"audit", "replay", "--until", "2025-01-01T00:00:00Z"});
  EXPECT_EQ(unconfirmed.status, 2);
  EXPECT_TRUE(holds(unconfirmed.err, "--yes")) << unconfirmed.err;
  EXPECT_EQ(ok({"audit", "replay", "--until", "0", "--yes"}).json()["result"]["before_first_event"], true);
  const Outcome before = workspace.run({"--db", "ledger.db", "audit", "replay", "--until", "2025-01-01T00:00:00Z", "--yes"});
  EXPECT_EQ(before.status, 0) << before.err;
  EXPECT_TRUE(holds(before.out, "before the first event")) << before.out;
  EXPECT_TRUE(holds(before.out, "as of position 0")) << before.out;
  const Outcome report = workspace.run({"--db", "ledger.db", "report", "customers"});
  EXPECT_TRUE(holds(report.err, "as of position 0 of 5, before the first event")) << report.err;
  // Up to the head changes what nobody sees: no --yes needed.
  EXPECT_EQ(ledger({"audit", "replay", "--until", "5"}).status, 0);
}

}  // namespace
}  // namespace csp::cmd
