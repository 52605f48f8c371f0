// The csp-ledger executable, end to end: every contract command, every error
// code a command can meet, and the exit statuses of DESIGN.md.

#include <algorithm>

#include "cli_fixture.h"

namespace csp::cmd {
namespace {

TEST_F(Cli, TheWholeStoryOfASubscription) {
  set_up_partner();
  const auto purchased = ok(purchase_args()).json();
  EXPECT_EQ(purchased["command"], "PurchaseSoftware");
  EXPECT_EQ(purchased["result"]["order_id"], order);
  EXPECT_EQ(purchased["result"]["amount"], "2469.00");
  EXPECT_EQ(purchased["result"]["hybrid_benefit_eligible"], true);
  const auto issued = ok(link_args()).json()["result"];
  EXPECT_EQ(issued["link_id"], link);
  EXPECT_EQ(issued["expires_at"], "2026-01-17T00:00:00Z");
  EXPECT_EQ(issued["max_downloads"], 50);
  EXPECT_EQ(issued["product_key"].get<std::string>().size(), 29u);
  const auto downloaded = ok(download_args("2026-01-04T00:00:00Z")).json()["result"];
  EXPECT_EQ(downloaded["downloads_used"], 1);
  EXPECT_EQ(downloaded["downloads_left"], 49);
  workspace.write("invoice.pdf", "not really a pdf");
  auto with_attachment = cancel_args("2469.00", "2026-01-10T00:00:00Z");
  with_attachment.insert(with_attachment.end(), {"--attach", "invoice.pdf", "--impact", "important"});
  const auto cancelled = ok(with_attachment).json()["result"];
  EXPECT_EQ(cancelled["ticket_id"], ticket);
  EXPECT_EQ(cancelled["keys_revoked"], 1);
  EXPECT_EQ(cancelled["links_revoked"], 1);
  refused(download_args("2026-01-11T00:00:00Z"), "subscription_cancelled");
  const auto resolved = ok({"refund", "resolve", "--ticket", ticket, "--refunded", "2469.00", "--actor", admin, "--at",
                            "2026-01-12T00:00:00Z"}).json()["result"];
  EXPECT_EQ(resolved["status"], "refunded");
  refused({"refund", "resolve", "--ticket", ticket, "--rejected", "again", "--actor", admin, "--at",
           "2026-01-23T00:00:00Z"}, "ticket_already_resolved");

  const auto history = ok({"history", "--subscription", subscription}).json()["result"]["events"];
  std::vector<std::string> types;
  for (const auto& event : history) types.push_back(event["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"SoftwarePurchased", "ProductKeyIssued", "DownloadLinkIssued",
                                              "DownloadRecorded", "PurchaseCancelled", "ProductKeysRevoked",
                                              "DownloadDenied"}));
  const auto by_order = ok({"history", "--order", order}).json()["result"]["events"];
  EXPECT_EQ(by_order.size(), history.size());
  const auto by_ticket = ok({"history", "--ticket", ticket, "--actor", admin}).json()["result"]["events"];
  ASSERT_EQ(by_ticket.size(), 2u);
  EXPECT_EQ(by_ticket[0]["event"]["attachments"][0]["name"], "invoice.pdf");
  EXPECT_EQ(by_ticket[0]["event"]["attachments"][0]["sha256"].get<std::string>().size(), 64u);
  const auto by_customer = ok({"history", "--customer", "contoso.onmicrosoft.com"}).json()["result"]["events"];
  EXPECT_EQ(by_customer.size(), 1 + history.size() + by_ticket.size());

  const Outcome text = workspace.run({"--db", "ledger.db", "history", "--subscription", subscription});
  EXPECT_EQ(text.status, 0);
  EXPECT_NE(text.out.find("SoftwarePurchased  by sam@partner.example (sales-agent)"), std::string::npos) << text.out;

  const auto lines = ledger({"export"}).json_lines();
  ASSERT_EQ(lines.size(), 5u + 9u + 1u);
  EXPECT_EQ(lines.back()["end_of_export"]["events"], 14);
  EXPECT_EQ(lines[0]["position"], 1);
  EXPECT_EQ(lines[0]["type"], "AgentRoleGranted");
  EXPECT_EQ(lines[0]["hash"].get<std::string>().size(), 64u);
  EXPECT_FALSE(lines[0]["payload_hex"].get<std::string>().empty());
  EXPECT_EQ(ledger({"export", "--from", "13"}).json_lines().size(), 2u + 1u);
}

TEST_F(Cli, EveryRuleRefusalHasItsCodeAndExitStatusThree) {
  set_up_partner();
  refused({"purchase", "--customer", "nobody.onmicrosoft.com", "--product", "sql-server-2022-standard", "--quantity",
           "1", "--unit-price", "1", "--currency", "USD", "--actor", sales}, "unknown_customer");
  refused({"purchase", "--customer", tenant_jp, "--product", "office-2024", "--quantity", "1", "--unit-price", "1",
           "--currency", "USD", "--actor", sales}, "unknown_product");
  refused({"purchase", "--customer", tenant_jp, "--product", "sql-server-2022-standard", "--quantity", "1",
           "--unit-price", "1", "--currency", "USD", "--actor", helpdesk}, "not_authorized");
  refused({"purchase", "--customer", tenant_br, "--product", "azure-ri-vm-d2s-v5-1y", "--quantity", "1",
           "--unit-price", "1", "--currency", "USD", "--actor", sales}, "market_not_available");
  const auto ri = ok({"purchase", "--customer", tenant_jp, "--product", "azure-ri-vm-d2s-v5-3y", "--quantity", "1",
                      "--unit-price", "1", "--currency", "USD", "--actor", sales, "--at", "2026-01-02T00:00:00Z"}).json();
  refused({"link", "issue", "--subscription", ri["result"]["subscription_id"], "--version", "2022", "--language",
           "en-us", "--file-type", "iso", "--actor", admin, "--at", "2026-01-02T00:00:00Z"}, "nothing_to_download");
  refused(link_args(), "unknown_subscription");
  refused(download_args("2026-01-05T00:00:00Z"), "unknown_link");
  refused({"refund", "resolve", "--ticket", ticket, "--refunded", "1", "--actor", admin}, "unknown_ticket");

  ok(purchase_args());
  ok(link_args());
  refused(download_args("2026-01-17T00:00:00Z"), "link_expired");
  refused(download_args("2026-01-01T00:00:00Z"), "time_went_backwards");
  refused(cancel_args("2469.01"), "amount_exceeds_paid");
  auto wrong_customer = cancel_args();
  wrong_customer[4] = tenant_br;
  refused(wrong_customer, "customer_mismatch");
  refused(cancel_args("1.00", "2026-03-03T00:00:01Z"), "cancel_window_closed");
  ok(cancel_args("1.00", "2026-03-03T00:00:00Z"));
  refused({"cancel", "--subscription", subscription, "--customer", tenant_jp, "--reason", "again", "--amount", "1",
           "--contact-name", "K", "--contact-email", "k@contoso.example", "--contact-phone", "12345", "--actor", admin,
           "--at", "2026-03-03T00:00:00Z"}, "subscription_cancelled");
}

TEST_F(Cli, R5_TheFiftyFirstDownloadIsRefusedAndRecorded) {
  set_up_partner();
  ok(purchase_args());
  ok(link_args());
  std::string lines;
  for (int count = 0; count < 50; ++count) {
    lines += R"({"command":"RecordDownload","link":")" + link + R"(","actor":"it@contoso.example","at":"2026-01-04T00:00:00Z"})" "\n";
  }
  const Outcome fifty = ledger({"run", "-"}, lines);
  ASSERT_EQ(fifty.status, 0) << fifty.err;
  const auto results = fifty.json_lines();
  ASSERT_EQ(results.size(), 50u);
  EXPECT_EQ(results[49]["result"]["downloads_used"], 50);
  EXPECT_EQ(results[49]["result"]["downloads_left"], 0);
  const std::string before = exported();
  refused(download_args("2026-01-04T00:00:00Z"), "download_limit_reached");
  const auto after = ledger({"export"}).json_lines();
  const auto& denied = after[after.size() - 2];  // the last event, before the end-of-export line
  EXPECT_EQ(denied["type"], "DownloadDenied");  // L5: the attempt is on record
  EXPECT_EQ(denied["event"]["reason"], "download_limit_reached");
  EXPECT_EQ(exported().substr(0, before.size()), before);
}

TEST_F(Cli, BadInputIsExitStatusTwoAndNamesTheProblem) {
  set_up_partner();
  const auto bad_market = ledger({"customer", "add", "--tenant", "2b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081", "--domain",
                                  "x.onmicrosoft.com", "--market", "XX", "--actor", sales});
  EXPECT_EQ(bad_market.status, 2);
  EXPECT_NE(bad_market.err.find("market \"XX\" is not an ISO 3166-1 alpha-2 country code"), std::string::npos);
  refused({"purchase", "--customer", tenant_jp, "--product", "sql-server-2022-standard", "--quantity", "1",
           "--unit-price", "12.345", "--currency", "USD", "--actor", sales}, "invalid_input", 2);
  refused({"purchase", "--customer", tenant_jp, "--product", "sql-server-2022-standard", "--quantity", "-1",
           "--unit-price", "12.34", "--currency", "USD", "--actor", sales}, "invalid_input", 2);
  refused({"customer", "add", "--tenant", "not-a-guid", "--domain", "y.onmicrosoft.com", "--market", "JP", "--actor",
           sales}, "invalid_input", 2);
  refused({"purchase", "--no-such-flag"}, "invalid_input", 2);
  refused({"purchase", "--customer", tenant_jp}, "invalid_input", 2);
  refused({"agent", "grant", sales, "--role", "root", "--actor", admin}, "invalid_input", 2);
  refused({"init", "--admin", admin}, "invalid_input", 2);  // the file exists
  const Outcome missing = workspace.run({"--db", "none.db", "history", "--subscription", subscription});
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("no ledger at none.db"), std::string::npos);
  EXPECT_FALSE(workspace.holds_ledger("none.db"));
  workspace.write("notes.db", "just some notes");
  const Outcome foreign = workspace.run({"--db", "notes.db", "export"});
  EXPECT_EQ(foreign.status, 2);
  EXPECT_NE(foreign.err.find("not a csp-ledger file"), std::string::npos);
  EXPECT_EQ(testing::slurp(workspace.path("notes.db")), "just some notes");
}

TEST_F(Cli, ADamagedLedgerIsAStoreFailureWithExitStatusOne) {
  set_up_partner();
  for (int index = 0; index < 300; ++index) {
    ok({"customer", "add", "--tenant", "00000000-0000-4000-8000-" + std::string(8, '0') + std::to_string(1000 + index),
        "--domain", "c" + std::to_string(index) + ".onmicrosoft.com", "--market", "JP", "--actor", sales});
  }
  std::string bytes = testing::slurp(workspace.path("ledger.db"));
  ASSERT_GT(bytes.size(), 40'000u);
  for (std::size_t at = 8192; at < bytes.size(); at += 4096) bytes.replace(at, 64, std::string(64, 'Z'));
  workspace.write("ledger.db", bytes);
  const Outcome run = ledger({"export"});
  EXPECT_EQ(run.status, 1) << run.err;
  EXPECT_NE(run.err.find("store_failure"), std::string::npos) << run.err;
}

TEST_F(Cli, RefusedAndInvalidCommandsLeaveTheEventsUnchanged) {
  set_up_partner();
  ok(purchase_args());
  ok(link_args());
  const std::string before = exported();
  const std::vector<std::vector<std::string>> attempts = {
      {"purchase", "--customer", tenant_br, "--product", "azure-ri-vm-d2s-v5-1y", "--quantity", "1", "--unit-price",
       "1", "--currency", "USD", "--actor", sales},
      {"purchase", "--customer", tenant_jp, "--product", "sql-server-2022-standard", "--quantity", "0", "--unit-price",
       "1", "--currency", "USD", "--actor", sales},
      purchase_args(),  // reuses the subscription id
      link_args("2026-01-03T00:00:00Z"),  // reuses the link id
      cancel_args("9999.00"),
      cancel_args("1.00", "2026-06-01T00:00:00Z"),
      {"agent", "revoke", admin, "--role", "admin-agent", "--actor", admin},
      {"agent", "grant", "eve@partner.example", "--role", "admin-agent", "--actor", sales},
      {"customer", "add", "--tenant", tenant_jp, "--domain", "contoso.onmicrosoft.com", "--market", "JP", "--actor", sales},
      {"customer", "add", "--tenant", "3b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081", "--domain", "contoso.onmicrosoft.com",
       "--market", "JP", "--actor", sales},
      {"refund", "resolve", "--ticket", ticket, "--refunded", "1", "--actor", admin},
      {"download", "--link", "44444444-4444-4444-8444-444444444444"},
  };
  for (const auto& args : attempts) {
    const Outcome run = ledger(args);
    EXPECT_NE(run.status, 0) << args[0];
    EXPECT_EQ(exported(), before) << "refused " << args[0] << " changed the log";
  }
}

TEST_F(Cli, L3_TheSameCommandIdReturnsTheFirstResultAndAppendsNothing) {
  set_up_partner();
  auto args = purchase_args();
  args.insert(args.end(), {"--id", "order-2026-001"});
  const auto first = ok(args).json();
  const std::string before = exported();
  auto again = args;
  again[14] = "2026-01-05T00:00:00Z";  // even with another time, nothing new happens
  const auto second = ok(again).json();
  EXPECT_EQ(second["result"], first["result"]);
  EXPECT_EQ(second["positions"], first["positions"]);
  EXPECT_EQ(exported(), before);
  const Outcome text = workspace.run({"--db", "ledger.db", "purchase", "--customer", tenant_jp, "--product",
                                  "sql-server-2022-standard", "--quantity", "1", "--unit-price", "1", "--currency",
                                  "USD", "--actor", sales, "--id", "order-2026-001"});
  EXPECT_EQ(text.status, 2) << "another purchase under the same id is no retry";
  EXPECT_NE(text.err.find("command id 'order-2026-001' was already used for a different command"), std::string::npos)
      << text.err;
  EXPECT_EQ(exported(), before);
  const Outcome retried = workspace.run({"--db", "ledger.db", "purchase", "--customer", "contoso.onmicrosoft.com",
                                         "--product", "windows-server-2022-datacenter", "--quantity", "2",
                                         "--unit-price", "1234.50", "--currency", "USD", "--actor", sales, "--order-id",
                                         order, "--subscription-id", subscription, "--id", "order-2026-001"});
  EXPECT_NE(retried.out.find("same command id"), std::string::npos) << retried.out;
}

TEST_F(Cli, L3_AnIdIsNoKeyToAnotherCommandsResult) {
  set_up_partner();
  ok(purchase_args());
  auto issue = link_args();
  issue.insert(issue.end(), {"--id", "l1"});
  const auto issued = ok(issue).json();
  ASSERT_TRUE(issued["result"].contains("product_key"));
  const Outcome as_download = ledger({"download", "--link", link, "--id", "l1"});
  EXPECT_EQ(as_download.status, 2);
  EXPECT_EQ(as_download.out.find("product_key"), std::string::npos) << as_download.out;
  EXPECT_NE(as_download.err.find("was used for IssueDownloadLink"), std::string::npos) << as_download.err;
  auto by_someone_else = issue;
  by_someone_else[11] = sales;  // --actor
  const Outcome other_actor = ledger(by_someone_else);
  EXPECT_EQ(other_actor.status, 2);
  EXPECT_EQ(other_actor.out.find("product_key"), std::string::npos);
}

TEST_F(Cli, InvalidUtf8InInputIsRefusedNotACrash) {
  set_up_partner();
  refused({"purchase", "--customer", tenant_jp, "--product", "\xff\xfe", "--quantity", "1", "--unit-price", "1",
           "--currency", "USD", "--actor", sales}, "invalid_input", 2);
  const std::string long_name(60, 'a');
  const std::string line1 = R"({"command":"GrantRole","actor":"alice@partner.example","agent":"bob@partner.example","role":"sales-agent"})";
  std::string line2 = R"({"command":"PurchaseSoftware","actor":"sam@partner.example","customer":")" + long_name;
  for (int index = 0; index < 40; ++index) line2 += "\u00e9";
  line2 += R"(","product":"sql-server-2022-standard","quantity":1,"unit_price":"1","currency":"USD"})";
  const Outcome run = ledger({"run", "-"}, line1 + "\n" + line2 + "\n");
  EXPECT_EQ(run.status, 2) << run.err;
  const auto results = run.json_lines();
  ASSERT_EQ(results.size(), 2u) << run.out;
  EXPECT_EQ(results[0]["ok"], true);
  EXPECT_EQ(results[1]["error"]["code"], "invalid_input");
}

TEST_F(Cli, AttachmentsMustBeRegularFilesOfBoundedSize) {
  set_up_partner();
  ok(purchase_args());
  for (const char* path : {"/dev/zero", "/tmp", "missing.pdf"}) {
    auto args = cancel_args("1.00", "2026-01-10T00:00:00Z");
    args.insert(args.end(), {"--attach", path});
    refused(args, "invalid_input", 2);
  }
}

TEST_F(Cli, AnOversizedQuantityIsNamedAsGiven) {
  set_up_partner();
  const Outcome run = ledger({"run", "-"}, R"({"command":"PurchaseSoftware","actor":"sam@partner.example","customer":")" +
                                               tenant_jp + R"(","product":"sql-server-2022-standard","quantity":18446744073709551615,"unit_price":"1","currency":"USD"})" "\n");
  const auto results = run.json_lines();
  ASSERT_EQ(results.size(), 1u);
  EXPECT_NE(results[0]["error"]["message"].get<std::string>().find("18446744073709551615"), std::string::npos);
}

TEST_F(Cli, RunKeepsGoingPastBadLinesAndNamesThem) {
  set_up_partner();
  const std::string file =
      R"({"command":"PurchaseSoftware","actor":"sam@partner.example","customer":"contoso.onmicrosoft.com","product":"sql-server-2022-standard","quantity":1,"unit_price":"100.00","currency":"USD","subscription_id":")" + subscription + R"(","at":"2026-01-02T00:00:00Z"})" "\n"
      "this is not json\n"
      R"({"command":"PurchaseSoftware","actor":"sam@partner.example","customer":"contoso.onmicrosoft.com","quantity":1,"unit_price":"100.00","currency":"USD"})" "\n"
      R"({"command":"PurchaseSoftware","actor":"sam@partner.example","customer":"contoso.onmicrosoft.com","product":"sql-server-2022-standard","quantity":1,"unit_price":"100.00","currency":"USD","colour":"blue"})" "\n"
      "\n"
      R"({"command":"IssueDownloadLink","actor":"alice@partner.example","subscription":")" + subscription + R"(","version":"2022","language":"en-us","file_type":"iso","link_id":")" + link + R"(","at":"2026-01-02T00:00:00Z"})" "\n"
      R"({"command":"RecordDownload","link":")" + link + R"(","at":"2026-01-02T00:00:00Z"})" "\n"
      R"({"command":"Teleport","actor":"alice@partner.example"})" "\n";
  workspace.write("commands.jsonl", file);
  const Outcome run = ledger({"run", "commands.jsonl"});
  EXPECT_EQ(run.status, 2) << run.err;
  const auto results = run.json_lines();
  ASSERT_EQ(results.size(), 7u) << run.out;
  EXPECT_EQ(results[0]["ok"], true);
  EXPECT_EQ(results[1]["error"]["code"], "invalid_input");
  EXPECT_NE(results[1]["error"]["message"].get<std::string>().find("line 2"), std::string::npos);
  EXPECT_NE(results[2]["error"]["message"].get<std::string>().find("line 3: field \"product\" is missing"),
            std::string::npos) << results[2].dump();
  EXPECT_NE(results[3]["error"]["message"].get<std::string>().find("field \"colour\" is not known"), std::string::npos);
  EXPECT_EQ(results[4]["ok"], true);
  EXPECT_EQ(results[5]["result"]["downloads_used"], 1);
  EXPECT_EQ(results[6]["error"]["code"], "invalid_input");
}

TEST_F(Cli, RunRefusesALineOverOneMebibyteAndGoesOn) {
  set_up_partner();
  const std::string grant =
      R"({"command":"GrantRole","actor":"alice@partner.example","agent":"kim@partner.example","role":"sales-agent"})";
  const std::string huge = R"({"command":"GrantRole","note":")" + std::string(2 << 20, 'x') + R"("})";
  const std::string at_the_limit(1 << 20, ' ');  // blank: skipped, not refused
  // The last line has no line break.
  const std::string revoke =
      R"({"command":"RevokeRole","actor":"alice@partner.example","agent":"kim@partner.example","role":"sales-agent"})";
  workspace.write("commands.jsonl", grant + "\n" + huge + "\n" + at_the_limit + "\n" + revoke);
  const Outcome run = ledger({"run", "commands.jsonl"});
  EXPECT_EQ(run.status, 2) << run.err;
  const auto results = run.json_lines();
  ASSERT_EQ(results.size(), 3u) << run.err;
  EXPECT_EQ(results[0]["ok"], true);
  EXPECT_EQ(results[1]["error"]["code"], "invalid_input");
  EXPECT_NE(results[1]["error"]["message"].get<std::string>().find("line 2 is longer than 1 MiB"), std::string::npos)
      << results[1].dump();
  EXPECT_EQ(results[2]["ok"], true) << "line 4 still runs: " << results[2].dump();
}

TEST_F(Cli, RunGivesEachLineTheResultItWouldHaveAlone) {
  set_up_partner();
  Workspace alone;
  const auto copy_setup = [&](Workspace& target) {
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"init", "--admin", admin, "--at", "2026-01-01T00:00:00Z"},
             {"agent", "grant", sales, "--role", "sales-agent", "--actor", admin, "--at", "2026-01-01T00:00:00Z"},
             {"customer", "add", "--tenant", tenant_jp, "--domain", "contoso.onmicrosoft.com", "--market", "JP",
              "--actor", sales, "--at", "2026-01-01T00:00:00Z"}}) {
      std::vector<std::string> full = {"--db", "ledger.db"};
      full.insert(full.end(), args.begin(), args.end());
      ASSERT_EQ(target.run(full).status, 0);
    }
  };
  Workspace batched;
  copy_setup(alone);
  copy_setup(batched);
  std::vector<std::string> lines;
  lines.push_back(R"({"command":"PurchaseSoftware","actor":"sam@partner.example","customer":")" + tenant_jp +
                  R"(","product":"windows-server-2019-standard","quantity":3,"unit_price":"10.00","currency":"EUR","order_id":")" +
                  order + R"(","subscription_id":")" + subscription + R"(","at":"2026-01-02T00:00:00Z"})");
  lines.push_back(R"({"command":"IssueDownloadLink","actor":"alice@partner.example","subscription":")" + subscription +
                  R"(","version":"2019","language":"en-us","file_type":"vhdx","link_id":")" + link + R"(","at":"2026-01-03T00:00:00Z"})");
  for (int count = 0; count < 52; ++count) {
    lines.push_back(R"({"command":"RecordDownload","link":")" + link + R"(","at":"2026-01-04T00:00:00Z"})");
  }
  lines.push_back(R"({"command":"CancelPurchase","actor":"alice@partner.example","order":")" + order +
                  R"(","customer":"contoso.onmicrosoft.com","reason":"duplicate","amount":"30","contact_name":"K","contact_email":"k@contoso.example","contact_phone":"12345","ticket_id":")" +
                  ticket + R"(","at":"2026-01-05T00:00:00Z"})");
  std::string file;
  std::vector<nlohmann::json> one_by_one;
  for (const auto& line : lines) {
    file += line + "\n";
    const Outcome run = alone.run({"--db", "ledger.db", "run", "-"}, line + "\n");
    one_by_one.push_back(run.json_lines().at(0));
  }
  const Outcome all = batched.run({"--db", "ledger.db", "run", "-"}, file);
  const auto together = all.json_lines();
  ASSERT_EQ(together.size(), one_by_one.size());
  for (std::size_t index = 0; index < together.size(); ++index) {
    nlohmann::json expected = one_by_one[index];
    nlohmann::json actual = together[index];
    if (expected.contains("error")) {  // "line N: " differs: N counts lines of its own file
      for (auto* body : {&expected, &actual}) {
        std::string message = (*body)["error"]["message"];
        (*body)["error"]["message"] = message.substr(message.find(": ") + 2);
      }
    }
    if (expected.contains("result") && expected["result"].contains("product_key")) {
      expected["result"].erase("product_key");  // keys are minted fresh in each ledger
      actual["result"].erase("product_key");
    }
    EXPECT_EQ(actual, expected) << "line " << index + 1;
  }
  EXPECT_EQ(all.status, 3);  // the 51st and 52nd downloads were refused
}

TEST_F(Cli, ReportsAnswerAsOfAnyTime) {
  set_up_partner();
  ok(purchase_args());
  ok(link_args());  // issued 2026-01-03, expires 2026-01-17
  ok(cancel_args("1.00", "2026-01-20T00:00:00Z"));
  const auto link_at = [&](const std::string& at) {
    return ok({"report", "links", "--as-of", at, "--format", "json"}).json().at(0)["status"].get<std::string>();
  };
  EXPECT_EQ(link_at("2026-01-16T23:59:59Z"), "live");
  EXPECT_EQ(link_at("2026-01-17T00:00:00Z"), "expired");
  const auto subscription_at = [&](const std::string& at) {
    return ok({"report", "subscriptions", "--as-of", at, "--format", "json"}).json().at(0)["status"].get<std::string>();
  };
  EXPECT_EQ(subscription_at("2026-01-19T23:59:59Z"), "active");
  EXPECT_EQ(subscription_at("2026-01-20T00:00:00Z"), "cancelled");
  EXPECT_TRUE(ok({"report", "subscriptions", "--as-of", "2026-01-01T12:00:00Z", "--format", "json"}).json().empty());
}

TEST_F(Cli, ReportsFilterAndFormat) {
  set_up_partner();
  ok(purchase_args());
  ok({"purchase", "--customer", tenant_br, "--product", "sql-server-2022-standard", "--quantity", "1", "--unit-price",
      "9.99", "--currency", "BRL", "--actor", sales, "--at", "2026-01-02T00:00:00Z"});
  EXPECT_EQ(ok({"report", "subscriptions", "--format", "json"}).json().size(), 2u);
  const auto contoso = ok({"report", "subscriptions", "--customer", "contoso.onmicrosoft.com", "--format", "json"}).json();
  ASSERT_EQ(contoso.size(), 1u);
  EXPECT_EQ(contoso[0]["subscription_id"], subscription);
  EXPECT_EQ(contoso[0]["amount"], "2469.00");
  EXPECT_EQ(contoso[0]["hybrid_benefit_eligible"], true);
  EXPECT_TRUE(ok({"report", "subscriptions", "--status", "cancelled", "--format", "json"}).json().empty());
  const Outcome csv = workspace.run({"--db", "ledger.db", "report", "customers", "--format", "csv"});
  EXPECT_EQ(csv.status, 0);
  EXPECT_EQ(csv.out.substr(0, csv.out.find("\r\n")), "tenant_id,domain,market,name,registered_at,subscriptions");
  EXPECT_NE(csv.out.find("Contoso KK"), std::string::npos);
  const Outcome table = workspace.run({"--db", "ledger.db", "report", "subscriptions"});
  EXPECT_EQ(std::count(table.out.begin(), table.out.end(), '\n'), 3) << "a header and two rows:\n" << table.out;
  refused({"report", "invoices"}, "invalid_input", 2);
  refused({"report", "links", "--status", "cancelled"}, "invalid_input", 2);
  refused({"report", "links", "--format", "xml"}, "invalid_input", 2);
  refused({"report", "links", "--as-of", "yesterday"}, "invalid_input", 2);
  refused({"report", "subscriptions", "--customer", "nobody.onmicrosoft.com"}, "unknown_customer", 5);
}

TEST_F(Cli, AuditVerifyFindsTamperingAndExitsFour) {
  set_up_partner();
  ok(purchase_args());
  ok(link_args());
  const auto intact = ok({"audit", "verify"}).json();
  EXPECT_EQ(intact["result"]["events_checked"], 8);
  const std::string sql = "DROP TRIGGER events_are_immutable; UPDATE events SET payload = payload || x'00' WHERE position = 6;";
  ASSERT_EQ(std::system(("sqlite3 " + testing::quoted(workspace.path("ledger.db").string()) + " " + testing::quoted(sql)).c_str()), 0);
  const Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  const auto body = audit.json();
  EXPECT_EQ(body["error"]["code"], "audit_fault");
  EXPECT_EQ(body["error"]["position"], 6);
  EXPECT_EQ(body["error"]["fault"], "changed");
  EXPECT_NE(audit.err.find("position 6"), std::string::npos);
}

// L1: rows put back exactly as they were still leave the way to rewrite
// them open; that is a fault of its own.
TEST_F(Cli, L1_AuditVerifyFindsTheAppendOnlyGuardsDroppedOrEmptied) {
  set_up_partner();
  ok(purchase_args());
  EXPECT_EQ(ok({"audit", "verify"}).json()["ok"], true);
  sql("DROP TRIGGER events_are_never_deleted;");
  Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "guard_missing") << audit.out;
  EXPECT_FALSE(audit.json()["error"].contains("position")) << audit.out;
  EXPECT_EQ(audit.json()["error"]["triggers"], nlohmann::json::array({"events_are_never_deleted"})) << audit.out;
  EXPECT_NE(audit.err.find("events_are_never_deleted on events"), std::string::npos) << audit.err;

  // A trigger of the right name that refuses nothing is no guard either.
  sql("CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events BEGIN SELECT 1; END;");
  audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "guard_missing") << audit.out;

  sql("DROP TRIGGER events_are_never_deleted; CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events "
      "BEGIN SELECT RAISE(ABORT, 'events are never deleted (L1): the log is append-only'); END;");
  EXPECT_EQ(ok({"audit", "verify"}).json()["ok"], true);
}

TEST_F(Cli, AuditVerifyFindsAliasesChangedBehindTheLedgersBack) {
  set_up_partner();
  ok(purchase_args());
  ok(link_args());
  ok({"purchase", "--customer", tenant_br, "--product", "sql-server-2022-standard", "--quantity", "1", "--unit-price",
      "9.99", "--currency", "BRL", "--actor", sales, "--at", "2026-01-02T00:00:00Z"});
  EXPECT_EQ(ok({"audit", "verify"}).json()["ok"], true);
  // The link now leads to the other subscription's stream.
  sql("DROP TRIGGER aliases_are_immutable; UPDATE aliases SET stream_key = (SELECT max(stream_key) FROM streams) "
      "WHERE alias = 'link:" + link + "';");
  Outcome audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4) << audit.err;
  EXPECT_EQ(audit.json()["error"]["fault"], "alias_differs");
  EXPECT_EQ(audit.json()["error"]["position"], 8) << audit.out;
  EXPECT_NE(audit.err.find("alias link:" + link), std::string::npos) << audit.err;

  sql("DROP TRIGGER aliases_are_never_deleted; DELETE FROM aliases WHERE alias = 'link:" + link + "';");
  audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4);
  EXPECT_NE(audit.err.find("is missing"), std::string::npos) << audit.err;

  sql("INSERT INTO aliases SELECT 'link:" + link + "', stream_key FROM streams WHERE stream_id = 'subscription-" +
      subscription + "'; INSERT INTO aliases SELECT 'order:made-up', stream_key FROM streams LIMIT 1;");
  audit = ledger({"audit", "verify"});
  EXPECT_EQ(audit.status, 4);
  EXPECT_NE(audit.err.find("alias order:made-up names"), std::string::npos) << audit.err;
  EXPECT_NE(audit.err.find("no event introduced it"), std::string::npos) << audit.err;
}

TEST_F(Cli, BackOfficeReportsOnTheDemo) {
  ok({"init", "--admin", admin, "--at", "2026-01-05T09:00:00Z"});
  (void)ledger({"run", std::string(CSP_SOURCE_DIR) + "/demo/scenario.jsonl"});
  const auto expiring = ok({"report", "expiring-links", "--as-of", "2026-02-02T00:00:00Z", "--format", "json"}).json();
  ASSERT_EQ(expiring.size(), 1u);
  EXPECT_EQ(expiring[0]["link_id"], "b1000000-0000-4000-8000-000000000002");
  EXPECT_EQ(expiring[0]["downloads_left"], 48);
  EXPECT_TRUE(ok({"report", "expiring-links", "--as-of", "2026-02-02T00:00:00Z", "--within-days", "5", "--format",
                  "json"}).json().empty());
  const auto open = ok({"report", "open-refunds", "--as-of", "2026-02-06T00:00:00Z", "--format", "json"}).json();
  ASSERT_EQ(open.size(), 1u);
  EXPECT_EQ(open[0]["currency"], "USD");
  EXPECT_EQ(open[0]["open_tickets"], 1);
  EXPECT_EQ(open[0]["requested_total"], "4938.00");
  EXPECT_TRUE(ok({"report", "open-refunds", "--format", "json"}).json().empty());  // refunded on 7 February
  const auto by_market = ok({"report", "sales", "--format", "json"}).json();
  ASSERT_EQ(by_market.size(), 5u);
  const auto refunded = by_market[4];
  EXPECT_EQ(refunded["market"], "JP");
  EXPECT_EQ(refunded["month"], "2026-02");
  EXPECT_EQ(refunded["refunds"], 1);
  EXPECT_EQ(refunded["refunded_amount"], "4938.00");
  EXPECT_EQ(by_market[0]["market"], "BR");
  EXPECT_EQ(by_market[0]["purchased_amount"], "4500.00");
  const auto hybrid = ok({"report", "hybrid-benefit", "--format", "json"}).json();
  ASSERT_EQ(hybrid.size(), 1u);  // the cancelled Windows Server subscription no longer counts
  EXPECT_EQ(hybrid[0]["market"], "BR");
  refused({"report", "expiring-links", "--within-days", "0"}, "invalid_input", 2);
  EXPECT_NE(ledger({"report", "expiring-links", "--within-days", "0"}).err.find("--within-days 0 is out of range"),
            std::string::npos)
      << "the command line names its own flag";
}

TEST_F(Cli, ExportThenImportGivesTheSameLedger) {
  ok({"init", "--admin", admin, "--at", "2026-01-05T09:00:00Z"});
  (void)ledger({"run", std::string(CSP_SOURCE_DIR) + "/demo/scenario.jsonl"});
  const std::string original = ledger({"export"}).out;
  workspace.write("ledger.jsonl", original);
  const Outcome imported = workspace.run({"--db", "copy.db", "--json", "import", "ledger.jsonl"});
  ASSERT_EQ(imported.status, 0) << imported.err;
  EXPECT_EQ(imported.json()["result"]["events"], 72);
  EXPECT_EQ(workspace.run({"--db", "copy.db", "export"}).out, original);
  EXPECT_EQ(workspace.run({"--db", "copy.db", "audit", "verify"}).status, 0);
  for (const char* kind : {"subscriptions", "links", "refunds", "sales"}) {
    EXPECT_EQ(workspace.run({"--db", "copy.db", "report", kind, "--format", "csv"}).out,
              workspace.run({"--db", "ledger.db", "report", kind, "--format", "csv"}).out) << kind;
  }
  // The copy takes new commands where the original left off: ids and aliases came along.
  const Outcome reused = workspace.run({"--db", "copy.db", "--json", "link", "issue", "--subscription",
                                        "a1000000-0000-4000-8000-000000000003", "--version", "2019", "--language",
                                        "en-us", "--file-type", "iso", "--link-id", "b1000000-0000-4000-8000-000000000001",
                                        "--actor", admin, "--at", "2026-03-01T00:00:00Z"});
  EXPECT_EQ(reused.status, 2) << reused.out;
}

TEST_F(Cli, ABrokenOrTruncatedExportIsRefusedAndLeavesNothing) {
  set_up_partner();
  ok(purchase_args());
  const std::string original = ledger({"export"}).out;
  std::vector<std::string> lines;
  std::istringstream input(original);
  for (std::string line; std::getline(input, line);) lines.push_back(line);
  std::string without_trailer;
  for (std::size_t index = 0; index + 1 < lines.size(); ++index) without_trailer += lines[index] + "\n";
  std::string changed = original;
  const std::size_t payload = changed.find("\"payload_hex\":\"") + 16;
  changed[payload] = changed[payload] == '0' ? '1' : '0';
  std::string gap;
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (index != 2) gap += lines[index] + "\n";
  }
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"truncated at a line", without_trailer},
      {"truncated mid-line", original.substr(0, original.size() / 2)},
      {"a payload changed", changed},
      {"a line missing", gap},
      {"not an export", "hello\n"},
  };
  for (const auto& [what, text] : broken) {
    workspace.write("broken.jsonl", text);
    const Outcome run = workspace.run({"--db", "copy.db", "import", "broken.jsonl"});
    EXPECT_EQ(run.status, 2) << what << ": " << run.err;
    EXPECT_FALSE(workspace.holds_ledger("copy.db")) << what;
  }
  workspace.write("good.jsonl", original);
  const Outcome into_full = ledger({"import", "good.jsonl"});
  EXPECT_EQ(into_full.status, 2);
  EXPECT_NE(into_full.err.find("needs an empty ledger"), std::string::npos);
}

TEST_F(Cli, HelpAtEveryLevelHasExamples) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"--help"}, {"purchase", "--help"}, {"agent", "grant", "--help"},
                                             {"cancel", "--help"}, {"run", "--help"}, {"history", "--help"},
                                             {"link", "issue", "--help"}, {"refund", "resolve", "--help"}}) {
    const Outcome run = workspace.run(args);
    EXPECT_EQ(run.status, 0) << args[0];
    EXPECT_NE(run.out.find(args.size() == 1 ? "Exit status" : "Example"), std::string::npos) << args[0] << run.out;
  }
  EXPECT_EQ(workspace.run({}).status, 2);
}

TEST_F(Cli, TheLedgerFileComesFromTheEnvironmentWhenNotGiven) {
  const Outcome init = workspace.run({"init", "--admin", admin}, "", "CSP_LEDGER_DB=from-env.db");
  EXPECT_EQ(init.status, 0) << init.err;
  EXPECT_TRUE(std::filesystem::exists(workspace.path("from-env.db")));
  EXPECT_EQ(workspace.run({"init", "--admin", admin}).status, 0);
  EXPECT_TRUE(std::filesystem::exists(workspace.path("csp-ledger.db")));
}

TEST_F(Cli, TheShippedDemoScenarioTellsItsStory) {
  ok({"init", "--admin", admin, "--at", "2026-01-05T09:00:00Z"});
  const Outcome run = ledger({"run", std::string(CSP_SOURCE_DIR) + "/demo/scenario.jsonl"});
  EXPECT_EQ(run.status, 3) << run.err;
  std::vector<std::string> refusals;
  for (const auto& result : run.json_lines()) {
    if (result["ok"] == false) refusals.push_back(result["error"]["code"]);
  }
  EXPECT_EQ(refusals, (std::vector<std::string>{"market_not_available", "not_authorized", "download_limit_reached",
                                                 "link_expired", "nothing_to_download", "subscription_cancelled",
                                                 "cancel_window_closed"}));
  const auto revoked = ok({"history", "--ticket", "c1000000-0000-4000-8000-000000000001"}).json()["result"]["events"];
  EXPECT_EQ(revoked.back()["event"]["status"], "refunded");
}

}  // namespace
}  // namespace csp::cmd
