#pragma once
// A partner's ledger driven through the real executable: the agents,
// customers and ids the end-to-end tests share, and shorthands for the
// commands they run.

#include <cstdio>
#include <string>
#include <vector>

#include "cli_harness.h"

namespace csp::cmd {

using testing::Outcome;
using testing::Workspace;

inline const std::string admin = "alice@partner.example";
inline const std::string sales = "sam@partner.example";
inline const std::string helpdesk = "hal@partner.example";
inline const std::string tenant_jp = "8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10";
inline const std::string tenant_br = "1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081";
inline const std::string subscription = "11111111-1111-4111-8111-111111111111";
inline const std::string order = "aaaaaaaa-1111-4111-8111-111111111111";
inline const std::string link = "22222222-2222-4222-8222-222222222222";
inline const std::string ticket = "33333333-3333-4333-8333-333333333333";

class Cli : public ::testing::Test {
 protected:
  Workspace workspace;

  Outcome ledger(std::vector<std::string> args, const std::string& input = "") {
    args.insert(args.begin(), {"--db", "ledger.db", "--json"});
    return workspace.run(args, input);
  }

  Outcome ok(const std::vector<std::string>& args) {
    Outcome run = ledger(args);
    EXPECT_EQ(run.status, 0) << run.err << run.out;
    return run;
  }

  // Expects a refusal with `code` and the contract's exit status.
  void refused(const std::vector<std::string>& args, const std::string& code, int status = 3) {
    const Outcome run = ledger(args);
    EXPECT_EQ(run.status, status) << run.err;
    ASSERT_FALSE(run.out.empty()) << run.err;
    const auto body = run.json();
    EXPECT_EQ(body["ok"], false);
    EXPECT_EQ(body["error"]["code"], code) << body.dump();
    EXPECT_NE(run.err.find(code), std::string::npos) << "the message also goes to stderr";
  }

  // The database's own tool on the ledger: sqlite3 on the file, psql on
  // the PostgreSQL database.
  std::string tool() {
    if (csp::testing::tests_run_on_postgres()) {
      return "psql -q -v ON_ERROR_STOP=1 -At " + testing::quoted(workspace.ledger("ledger.db")) + " -c";
    }
    return "sqlite3 " + testing::quoted(workspace.path("ledger.db").string());
  }

  // Runs SQL on the ledger with the database's own tool, as someone
  // tampering with it would.
  void sql(const std::string& statements) {
    const std::string command = tool() + " " + testing::quoted(statements) + " > /dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << statements;
  }

  // What the database's tool prints for a query on the ledger.
  std::string query(const std::string& select) {
    const std::string command = tool() + " " + testing::quoted(select);
    std::string printed;
    if (FILE* pipe = popen(command.c_str(), "r")) {
      char buffer[4096];
      for (std::size_t got; (got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) printed.append(buffer, got);
      EXPECT_EQ(pclose(pipe), 0) << select;
    }
    return printed;
  }

  // The export without its end-of-export line, which changes with the head.
  std::string exported() {
    const std::string out = ledger({"export"}).out;
    const std::size_t trailer = out.rfind("{\"end_of_export\"");
    return out.substr(0, trailer);
  }

  void set_up_partner() {
    ok({"init", "--admin", admin, "--at", "2026-01-01T00:00:00Z"});
    ok({"agent", "grant", sales, "--role", "sales-agent", "--actor", admin, "--at", "2026-01-01T00:00:00Z"});
    ok({"agent", "grant", helpdesk, "--role", "helpdesk-agent", "--actor", admin, "--at", "2026-01-01T00:00:00Z"});
    ok({"customer", "add", "--tenant", tenant_jp, "--domain", "contoso.onmicrosoft.com", "--market", "JP", "--name",
        "Contoso KK", "--actor", sales, "--at", "2026-01-01T00:00:00Z"});
    ok({"customer", "add", "--tenant", tenant_br, "--domain", "fabrikam.onmicrosoft.com", "--market", "BR",
        "--actor", sales, "--at", "2026-01-01T00:00:00Z"});
  }

  std::vector<std::string> purchase_args() {
    return {"purchase", "--customer", "contoso.onmicrosoft.com", "--product", "windows-server-2022-datacenter",
            "--quantity", "2", "--unit-price", "1234.50", "--currency", "USD", "--actor", sales, "--at",
            "2026-01-02T00:00:00Z", "--order-id", order, "--subscription-id", subscription};
  }
  std::vector<std::string> link_args(const std::string& at = "2026-01-03T00:00:00Z", const std::string& id = link) {
    return {"link", "issue", "--subscription", subscription, "--version", "2022", "--language", "ja-jp",
            "--file-type", "iso", "--actor", admin, "--at", at, "--link-id", id};
  }
  std::vector<std::string> cancel_args(const std::string& amount = "2469.00", const std::string& at = "2026-01-20T00:00:00Z") {
    return {"cancel", "--order", order, "--customer", tenant_jp, "--reason", "ordered the wrong edition", "--amount",
            amount, "--contact-name", "Kenji Sato", "--contact-email", "kenji@contoso.example", "--contact-phone",
            "+81 3-1234-5678", "--actor", admin, "--at", at, "--ticket-id", ticket};
  }
  std::vector<std::string> download_args(const std::string& at, const std::string& id = link) {
    return {"download", "--link", id, "--actor", "it@contoso.example", "--at", at};
  }
};

}  // namespace csp::cmd
