// Who reads `history`: a refund ticket's contact and attachments only for
// an admin-agent named by --actor; everyone else, and a reader named by
// nobody, gets the events with those fields withheld. A product key nobody
// reads here (only `key show` prints one).

#include <map>

#include "cli_fixture.h"

namespace csp::cmd {
namespace {

using json = nlohmann::json;

bool holds(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class ReadsByRole : public Cli {
 protected:
  std::string product_key;

  void SetUp() override {
    set_up_partner();
    ok(purchase_args());
    product_key = ok(link_args()).json()["result"]["product_key"];
    workspace.write("invoice.pdf", "not really a pdf");
    auto with_attachment = cancel_args("2469.00", "2026-01-10T00:00:00Z");
    with_attachment.insert(with_attachment.end(), {"--attach", "invoice.pdf"});
    ok(with_attachment);
  }

  // The customer's story as `reader` reads it, by event type.
  std::map<std::string, json> history_as(const std::vector<std::string>& reader) {
    std::vector<std::string> args{"history", "--customer", tenant_jp};
    args.insert(args.end(), reader.begin(), reader.end());
    const Outcome run = ok(args);
    std::map<std::string, json> by_type;
    const json body = run.json();
    for (const auto& line : body["result"]["events"]) by_type[line["type"]] = line;
    return by_type;
  }

  void expect_withheld(const std::map<std::string, json>& events) {
    const json& issued = events.at("ProductKeyIssued");
    EXPECT_FALSE(holds(issued.dump(), product_key)) << issued.dump();
    EXPECT_FALSE(issued.contains("payload_hex")) << "its bytes would tell two sealed keys apart";
    EXPECT_EQ(issued["event"]["version"], "2022") << "the other fields are still shown";
    const json& opened = events.at("RefundTicketOpened");
    EXPECT_FALSE(opened["event"].contains("contact")) << opened.dump();
    EXPECT_FALSE(opened["event"].contains("attachments")) << opened.dump();
    EXPECT_EQ(opened["withheld"], json::parse(R"(["contact","attachments"])"));
    EXPECT_EQ(opened["event"]["ticket_id"], ticket);
    EXPECT_FALSE(events.at("SoftwarePurchased").contains("withheld")) << "an event without private fields is whole";
  }

  void expect_shown(const std::map<std::string, json>& events) {
    const json& issued = events.at("ProductKeyIssued");
    EXPECT_FALSE(holds(issued.dump(), product_key)) << "history never prints a key, to an admin neither";
    EXPECT_FALSE(issued.contains("withheld"));
    const json& opened = events.at("RefundTicketOpened");
    EXPECT_EQ(opened["event"]["contact"]["email"], "kenji@contoso.example") << opened.dump();
    EXPECT_EQ(opened["event"]["attachments"][0]["name"], "invoice.pdf");
    EXPECT_FALSE(opened.contains("withheld"));
  }
};

TEST_F(ReadsByRole, HistoryWithoutActorWithholdsKeysAndContacts) {
  expect_withheld(history_as({}));
  const Outcome text = workspace.run({"--db", "ledger.db", "history", "--subscription", subscription});
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_FALSE(holds(text.out, product_key)) << text.out;
  EXPECT_TRUE(holds(text.out, "version=2022")) << text.out;
  // The export is the backup an import checks byte for byte: it keeps the
  // key, sealed as the log holds it.
  EXPECT_FALSE(holds(ledger({"export"}).out, product_key));
}

TEST_F(ReadsByRole, HistoryForAnAgentWithoutAdminAgentWithholdsKeysAndContacts) {
  const Outcome run = ok({"history", "--customer", tenant_jp, "--actor", sales});
  EXPECT_FALSE(holds(run.out, product_key)) << run.out;
  EXPECT_FALSE(holds(run.out, "kenji@contoso.example")) << run.out;
  EXPECT_FALSE(holds(run.out, "invoice.pdf")) << run.out;
  expect_withheld(history_as({"--actor", helpdesk}));
  expect_withheld(history_as({"--actor", "nobody@partner.example"}));
}

TEST_F(ReadsByRole, HistoryShowsKeysAndContactsToAnAdminAgentOnly) {
  expect_withheld(history_as({"--actor", sales}));
  expect_shown(history_as({"--actor", admin}));
  const Outcome text = workspace.run({"--db", "ledger.db", "history", "--subscription", subscription, "--actor", admin});
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_FALSE(holds(text.out, product_key)) << text.out;
  EXPECT_FALSE(holds(text.out, "withheld")) << text.out;
}

TEST_F(ReadsByRole, TheReadersRolesCountAsTheyStandNow) {
  ok({"agent", "grant", sales, "--role", "admin-agent", "--actor", admin, "--at", "2026-01-11T00:00:00Z"});
  expect_shown(history_as({"--actor", sales}));
  ok({"agent", "revoke", sales, "--role", "admin-agent", "--actor", admin, "--at", "2026-01-12T00:00:00Z"});
  expect_withheld(history_as({"--actor", sales}));
}

}  // namespace
}  // namespace csp::cmd
