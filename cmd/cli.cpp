#include "cmd/cli.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iostream>

#include <CLI/CLI.hpp>

#include "cmd/cli_diagnosis.h"
#include "cmd/output.h"
#include "cmd/reports.h"
#include "cmd/session.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* agent_example = "alice@partner.example";

// Flags that fill one field of the command's JSON object.
class FieldFlags {
 public:
  FieldFlags(CLI::App* command, json& fields) : command_(command), fields_(fields) {}

  // The callbacks outlive this object: they capture the JSON object, not it.
  CLI::Option* text(const std::string& flag, const std::string& field, const std::string& help) {
    json& fields = fields_;
    return command_->add_option_function<std::string>(
        flag, [&fields, field](const std::string& value) { fields[field] = value; }, help);
  }
  CLI::Option* list(const std::string& flag, const std::string& field, const std::string& help) {
    json& fields = fields_;
    return command_->add_option_function<std::vector<std::string>>(
        flag, [&fields, field](const std::vector<std::string>& values) { fields[field] = values; }, help);
  }

 private:
  CLI::App* command_;
  json& fields_;
};

// The options every appending command takes.
void add_common_flags(FieldFlags& flags, bool actor_is_required) {
  auto* actor = flags.text("--actor", "actor",
                           actor_is_required ? "the agent who acts, e.g. alice@partner.example"
                                             : "who downloads (free text, default: anonymous)");
  if (actor_is_required) actor->required();
  flags.text("--at", "at", "business time, RFC 3339 UTC (default: now)");
  flags.text("--id", "id", "command id: the same id again returns the first result and appends nothing");
}

struct Cli {
  CLI::App app{"csp-ledger: the event-sourced ledger of software subscriptions sold on behalf of customers"};
  Globals globals;
  json fields = json::object();
  std::function<int()> action;

  CLI::App* appending(CLI::App* parent, const std::string& name, const std::string& command, const std::string& help,
                      const std::string& example, bool actor_is_required = true) {
    CLI::App* sub = parent->add_subcommand(name, help);
    sub->footer("Example:\n  " + example);
    FieldFlags flags(sub, fields);
    add_common_flags(flags, actor_is_required);
    sub->callback([this, command] {
      fields["command"] = command;
      action = [this] { return execute_one(globals, fields); };
    });
    return sub;
  }

  // --format, --limit and --from of a report or a listing.
  void add_output_flags(CLI::App* command, const std::shared_ptr<ReportQuery>& query) {
    CLI::Option* format = command->add_option("--format", query->format, "table (default), json or csv");
    command->add_option("--from", query->from_row, "start at this row, counted from 1")->check(CLI::PositiveNumber);
    command->add_option("--limit", query->limit, "at most this many rows")->check(CLI::Range(1, 1'000'000));
    command->callback([this, query, format] {
      // --json prints JSON: a format it would silently override is a mistake.
      if (globals.is_json && format->count() > 0 && query->format != "json") {
        throw CLI::ValidationError("--json prints JSON; it cannot be combined with --format " + query->format +
                                   ": give one of them");
      }
      action = [this, query] { return show_report(globals, *query); };
    });
  }

  // `<noun> list`: the rows of one report.
  void listing(CLI::App* parent, const std::string& kind, const std::string& help, const std::string& example) {
    CLI::App* list = parent->add_subcommand("list", help);
    list->footer("Example:\n  " + example);
    auto query = std::make_shared<ReportQuery>();
    query->kind = kind;
    add_output_flags(list, query);
  }

  void define() {
    app.require_subcommand(1);
    app.fallthrough();
    app.set_version_flag("--version", "csp-ledger " CSP_LEDGER_VERSION, "print the version and exit");
    const char* db_env = std::getenv("CSP_LEDGER_DB");
    globals.db_path = db_env != nullptr && *db_env != '\0' ? db_env : "csp-ledger.db";
    app.add_option("--db", globals.db_path,
                   "ledger: an SQLite file, or a postgresql:// URI of a PostgreSQL database (default: "
                   "$CSP_LEDGER_DB, else ./csp-ledger.db)");
    if (const char* key_env = std::getenv("CSP_LEDGER_KEY_FILE"); key_env != nullptr) globals.key_file = key_env;
    app.add_option("--key-file", globals.key_file,
                   "the ledger's key file, which seals product keys: init creates it, mode 0600; keep a copy apart "
                   "from the ledger's backups (default: $CSP_LEDGER_KEY_FILE, else <db>.key beside a SQLite ledger)");
    app.add_flag("--json", globals.is_json, "print one JSON object per result instead of text");
    app.footer("Exit status: 0 done, 2 bad input or usage, 3 refused by a rule, 4 audit found a fault, 5 a lookup found\n"
               "no such thing, 1 anything else.\n"
               "Run `csp-ledger COMMAND --help` for a command's flags and an example.");

    CLI::App* init = appending(&app, "init", "InitializeLedger", "create the ledger; AGENT holds admin-agent",
                               "csp-ledger --db ledger.db init --admin alice@partner.example");
    FieldFlags(init, fields).text("--admin", "admin", "the first admin-agent")->required();
    init->remove_option(init->get_option("--actor"));
    init->callback([this] {
      fields["command"] = "InitializeLedger";
      if (!fields.contains("actor") && fields.contains("admin")) fields["actor"] = fields["admin"];
      action = [this] { return execute_one(globals, fields); };
    });

    CLI::App* agent = app.add_subcommand("agent", "list agents, grant or revoke an agent's role (needs admin-agent)");
    agent->require_subcommand(1);
    listing(agent, "agents", "the agents and the roles they hold", "csp-ledger agent list");
    for (const auto& [verb, command] : {std::pair{"grant", "GrantRole"}, std::pair{"revoke", "RevokeRole"}}) {
      CLI::App* sub = appending(agent, verb, command, std::string(verb) + " a role",
                                std::string("csp-ledger agent ") + verb +
                                    " sam@partner.example --role sales-agent --actor alice@partner.example");
      FieldFlags flags(sub, fields);
      flags.text("agent", "agent", "the agent's id")->required();
      flags.text("--role", "role", "admin-agent, sales-agent or helpdesk-agent")->required();
    }

    CLI::App* customer = app.add_subcommand("customer", "list and register customers");
    customer->require_subcommand(1);
    listing(customer, "customers", "the registered customers", "csp-ledger customer list");

    CLI::App* catalogue = app.add_subcommand("catalogue", "the products that can be sold");
    catalogue->require_subcommand(1);
    listing(catalogue, "catalogue", "every SKU with its versions, languages and file types",
            "csp-ledger catalogue list --format csv");
    CLI::App* add = appending(customer, "add", "RegisterCustomer", "register a customer",
                              "csp-ledger customer add --tenant 8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10 "
                              "--domain contoso.onmicrosoft.com --market JP --name Contoso --actor sam@partner.example");
    FieldFlags customer_flags(add, fields);
    customer_flags.text("--tenant", "tenant", "the customer's tenant id (GUID)")->required();
    customer_flags.text("--domain", "domain", "primary domain, e.g. contoso.onmicrosoft.com")->required();
    customer_flags.text("--market", "market", "ISO 3166-1 alpha-2 country code, e.g. JP")->required();
    customer_flags.text("--name", "name", "the company's name");

    CLI::App* purchase = appending(&app, "purchase", "PurchaseSoftware", "buy a product on behalf of a customer (R3)",
                                   "csp-ledger purchase --customer contoso.onmicrosoft.com --product "
                                   "windows-server-2022-datacenter --quantity 2 --unit-price 1234.50 --currency USD "
                                   "--actor sam@partner.example");
    FieldFlags purchase_flags(purchase, fields);
    purchase_flags.text("--customer", "customer", "tenant GUID or primary domain")->required();
    purchase_flags.text("--product", "product", "catalogue SKU")->required();
    purchase_flags.text("--quantity", "quantity", "licences, 1 to 1000000")->required();
    purchase_flags.text("--unit-price", "unit_price", "price of one licence, e.g. 1234.50")->required();
    purchase_flags.text("--currency", "currency", "ISO 4217 code, e.g. USD")->required();
    purchase_flags.text("--order-id", "order_id", "the new order's id (UUID; default: a random one)");
    purchase_flags.text("--subscription-id", "subscription_id", "the new subscription's id (UUID; default: random)");

    CLI::App* link = app.add_subcommand("link", "download links");
    link->require_subcommand(1);
    CLI::App* issue = appending(link, "issue", "IssueDownloadLink", "get the product key and a download link (R4-R6)",
                                "csp-ledger link issue --subscription SUBSCRIPTION_ID --version 2022 --language en-us "
                                "--file-type iso --actor alice@partner.example");
    FieldFlags link_flags(issue, fields);
    link_flags.text("--subscription", "subscription", "subscription id")->required();
    link_flags.text("--version", "version", "product version, e.g. 2022")->required();
    link_flags.text("--language", "language", "e.g. en-us, ja-jp")->required();
    link_flags.text("--file-type", "file_type", "e.g. iso, vhdx")->required();
    link_flags.text("--link-id", "link_id", "the new link's id (UUID; default: random)");

    CLI::App* download = appending(&app, "download", "RecordDownload", "record one download through a link (R5)",
                                   "csp-ledger download --link LINK_ID --actor it@contoso.example", false);
    FieldFlags(download, fields).text("--link", "link", "download link id")->required();

    CLI::App* cancel = appending(&app, "cancel", "CancelPurchase", "cancel a purchase within 60 days and open its refund ticket (R7-R10)",
                                 "csp-ledger cancel --order ORDER_ID --customer contoso.onmicrosoft.com --reason "
                                 "\"wrong edition\" --amount 1234.50 --contact-name \"Kenji Sato\" --contact-email "
                                 "kenji@contoso.example --contact-phone \"+81 3-1234-5678\" --actor alice@partner.example");
    FieldFlags cancel_flags(cancel, fields);
    auto* order = cancel_flags.text("--order", "order", "order id");
    auto* subscription = cancel_flags.text("--subscription", "subscription", "subscription id");
    order->excludes(subscription);
    cancel_flags.text("--customer", "customer", "tenant GUID or primary domain of the purchase's customer")->required();
    cancel_flags.text("--reason", "reason", "why the customer wants a refund")->required();
    cancel_flags.text("--amount", "amount", "requested refund, in the purchase's currency")->required();
    cancel_flags.text("--contact-name", "contact_name", "the customer's contact")->required();
    cancel_flags.text("--contact-email", "contact_email", "the contact's e-mail")->required();
    cancel_flags.text("--contact-phone", "contact_phone", "the contact's phone")->required();
    cancel_flags.text("--title", "title", "ticket title (default: Refund for order ORDER_ID)");
    cancel_flags.text("--impact", "impact", "minimal, moderate, important or critical (default: minimal)");
    cancel_flags.list("--attach", "attach", "a file to attach (repeatable); its name, size and SHA-256 are recorded");
    cancel_flags.text("--ticket-id", "ticket_id", "the new ticket's id (UUID; default: random)");

    CLI::App* refund = app.add_subcommand("refund", "refund tickets");
    refund->require_subcommand(1);
    CLI::App* resolve = appending(refund, "resolve", "ResolveRefundTicket", "resolve an open refund ticket (R11)",
                                  "csp-ledger refund resolve --ticket TICKET_ID --refunded 1234.50 --actor alice@partner.example");
    FieldFlags resolve_flags(resolve, fields);
    resolve_flags.text("--ticket", "ticket", "ticket id")->required();
    auto* refunded = resolve_flags.text("--refunded", "refunded", "amount refunded, at most the requested amount");
    auto* rejected = resolve_flags.text("--rejected", "rejected", "why the refund is rejected");
    refunded->excludes(rejected);

    CLI::App* run = app.add_subcommand("run", "run JSON-lines commands from FILE (or - for stdin); one JSON result per line");
    run->footer("Example line:\n  {\"id\":\"c-1\",\"command\":\"PurchaseSoftware\",\"actor\":\"sam@partner.example\","
                "\"customer\":\"contoso.onmicrosoft.com\",\"product\":\"sql-server-2022-standard\",\"quantity\":1,"
                "\"unit_price\":\"100.00\",\"currency\":\"USD\"}");
    auto run_path = std::make_shared<std::string>();
    run->add_option("file", *run_path, "JSON-lines file, or - for stdin")->required();
    auto cached_entries_max = std::make_shared<std::size_t>(Ledger::cached_entries_max_default);
    run->add_option("--cached-entries-max", *cached_entries_max,
                    "stream states, aliases and read-model rows of each table kept in memory; past this many the "
                    "least recently used are dropped and read again when needed")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100'000'000}));
    run->callback([this, run_path, cached_entries_max] {
      action = [this, run_path, cached_entries_max] { return run_file(globals, *run_path, *cached_entries_max); };
    });

    CLI::App* key = app.add_subcommand("key", "product keys in clear (needs admin-agent and the ledger's key file)");
    key->require_subcommand(1);
    CLI::App* key_show = key->add_subcommand("show", "the product keys of one subscription");
    key_show->footer("The keys are stored sealed with the ledger's key file (--key-file, default <db>.key): without\n"
                     "it they cannot be shown, and nothing else needs it.\n"
                     "Example:\n  csp-ledger key show --subscription SUBSCRIPTION_ID --actor alice@partner.example");
    auto key_subscription = std::make_shared<std::string>();
    auto key_reader = std::make_shared<std::string>();
    key_show->add_option("--subscription", *key_subscription, "subscription id")->required();
    key_show->add_option("--actor", *key_reader, "the agent who reads; must hold admin-agent")->required();
    key_show->callback([this, key_subscription, key_reader] {
      action = [this, key_subscription, key_reader] { return show_keys(globals, *key_subscription, *key_reader); };
    });

    CLI::App* history = app.add_subcommand("history", "the audit trail of one thing, oldest first");
    history->footer("A refund ticket's contact and attachments are shown only with --actor naming an admin-agent;\n"
                    "otherwise the event lists them as withheld. Product keys are never shown here: see `key show`.\n"
                    "Examples:\n  csp-ledger history --subscription SUBSCRIPTION_ID --actor alice@partner.example\n"
                    "  csp-ledger history --customer contoso.onmicrosoft.com --from 120 --limit 20");
    auto selector = std::make_shared<HistorySelector>();
    auto reader = std::make_shared<std::string>();
    const auto select = [history, selector](const char* flag, HistorySelector::Kind kind, const char* help) {
      return history->add_option_function<std::string>(
          flag, [selector, kind](const std::string& id) {
            selector->kind = kind;
            selector->id = id;
          }, help);
    };
    auto* by_subscription = select("--subscription", HistorySelector::Kind::subscription, "subscription id");
    auto* by_order = select("--order", HistorySelector::Kind::order, "order id");
    auto* by_customer = select("--customer", HistorySelector::Kind::customer, "tenant GUID or primary domain");
    auto* by_ticket = select("--ticket", HistorySelector::Kind::ticket, "refund ticket id");
    auto* by_link = select("--link", HistorySelector::Kind::link, "download link id");
    const std::vector<CLI::Option*> selectors{by_subscription, by_order, by_customer, by_ticket, by_link};
    for (auto* option : selectors) {
      for (auto* other : selectors) {
        if (option != other) option->excludes(other);
      }
    }
    history->add_option("--from", selector->from_position, "only events at this log position or later")
        ->check(CLI::PositiveNumber);
    history->add_option("--limit", selector->limit, "at most this many events")->check(CLI::Range(1, 1'000'000));
    history->add_option("--actor", *reader,
                        "the agent who reads: an admin-agent also sees refund contacts "
                        "(default: nobody, and they are withheld)");
    history->callback([this, selector, selectors, reader] {
      const bool is_selected = std::any_of(selectors.begin(), selectors.end(), [](CLI::Option* option) { return option->count() > 0; });
      if (!is_selected) throw CLI::RequiredError("one of --subscription, --order, --customer, --ticket or --link");
      action = [this, selector, reader] { return show_history(globals, *selector, *reader); };
    });

    CLI::App* report_command = app.add_subcommand(
        "report", "reports for audit and the back office, from the stored read models; agents and the catalogue");
    report_command->footer("Examples:\n  csp-ledger report links --status live\n"
                           "  csp-ledger report subscriptions --customer contoso.onmicrosoft.com --as-of 2026-02-01T00:00:00Z\n"
                           "  csp-ledger report refunds --status open --format csv\n"
                           "  csp-ledger report expiring-links --within-days 3\n"
                           "  csp-ledger report sales --format csv");
    auto query = std::make_shared<ReportQuery>();
    report_command->add_option("kind", query->kind,
                               "subscriptions, links, revocations, refunds, customers; or expiring-links, open-refunds, "
                               "sales (by market and month), hybrid-benefit; or agents, catalogue")
        ->required();
    report_command->add_option("--within-days", query->within_days, "expiring-links: within this many days (default 7)");
    report_command->add_option("--customer", query->customer, "only this customer (tenant GUID or domain)");
    report_command->add_option("--status", query->status, "only rows with this status");
    report_command->add_option("--as-of", query->as_of, "as things stood at this time (RFC 3339)");
    add_output_flags(report_command, query);

    CLI::App* audit = app.add_subcommand("audit", "check the ledger");
    audit->require_subcommand(1);
    CLI::App* verify = audit->add_subcommand("verify", "recompute the hash chain, replay every event and compare the stored read models; exit 4 on a fault");
    verify->footer("Examples:\n  csp-ledger audit verify\n  csp-ledger audit verify --digest digest.json --public-key public.pem\n"
                   "With --digest it also proves that the log extends a digest kept from earlier (csp-ledger digest):\n"
                   "the same first events, re-chained or not, and none cut from the end.");
    auto digest_to_check = std::make_shared<DigestToCheck>();
    CLI::Option* digest_file = verify->add_option("--digest", digest_to_check->digest_path,
                                                  "a digest file from csp-ledger digest: the log must extend it");
    verify->add_option("--public-key", digest_to_check->public_key_path,
                       "the Ed25519 public key (PEM) that must have signed the digest")
        ->needs(digest_file);
    verify->callback([this, digest_to_check] {
      action = [this, digest_to_check] { return audit_verify(globals, *digest_to_check); };
    });
    CLI::App* replay = audit->add_subcommand("replay", "rebuild every read model from the log and swap it in at once");
    replay->footer("Examples:\n  csp-ledger audit replay\n  csp-ledger audit replay --until 1500\n"
                   "  csp-ledger audit replay --until 2026-03-01T00:00:00Z\n"
                   "With --until the read models show the ledger as it stood then, until the next command or a\n"
                   "replay without --until brings them up to date; reports note the difference meanwhile.\n"
                   "Since every reader sees that, --until below the head asks for --yes.");
    auto until = std::make_shared<std::string>();
    auto is_confirmed = std::make_shared<bool>(false);
    replay->add_option("--until", *until, "rebuild only up to this log position or RFC 3339 time");
    replay->add_flag("--yes", *is_confirmed,
                     "with --until: yes, every reader (reports here and on a server) sees the earlier ledger until "
                     "the next command");
    replay->callback([this, until, is_confirmed] {
      action = [this, until, is_confirmed] { return audit_replay(globals, *until, *is_confirmed); };
    });

    CLI::App* digest = app.add_subcommand(
        "digest", "the log's head and Merkle root (RFC 6962) as one JSON object, to keep where the ledger cannot reach");
    digest->footer("Examples:\n  csp-ledger digest > digest.json\n  csp-ledger digest --sign key.pem > digest.json\n"
                   "A key: openssl genpkey -algorithm ed25519 -out key.pem\n"
                   "Later: csp-ledger audit verify --digest digest.json");
    auto private_key_path = std::make_shared<std::string>();
    digest->add_option("--sign", *private_key_path, "sign the digest with this Ed25519 private key (PEM)");
    digest->callback([this, private_key_path] {
      action = [this, private_key_path] { return show_digest(globals, *private_key_path); };
    });

    CLI::App* prove = app.add_subcommand("prove", "an inclusion proof of one event in the log's Merkle tree, as JSON");
    prove->footer("Examples:\n  csp-ledger prove --position 42 > proof.json\n"
                  "  csp-ledger prove --position 42 --tree-size 1000   (the tree_size of a kept digest)");
    auto position = std::make_shared<std::int64_t>(0);
    auto tree_size = std::make_shared<std::int64_t>(0);
    prove->add_option("--position", *position, "the event's log position")->required()->check(CLI::PositiveNumber);
    CLI::Option* tree_size_option =
        prove->add_option("--tree-size", *tree_size, "the tree's size: a digest's tree_size (default: the head's position)")
            ->check(CLI::PositiveNumber);
    prove->callback([this, position, tree_size, tree_size_option] {
      const std::optional<std::int64_t> size = tree_size_option->count() > 0 ? std::optional(*tree_size) : std::nullopt;
      action = [this, position, size] { return show_proof(globals, *position, size); };
    });

    CLI::App* verify_proof_command = app.add_subcommand(
        "verify-proof", "check an inclusion proof against a digest, without the ledger; exit 4 when it fails");
    verify_proof_command->footer("Example:\n  csp-ledger verify-proof --proof proof.json --digest digest.json --public-key public.pem");
    auto proof_path = std::make_shared<std::string>();
    auto proof_digest = std::make_shared<DigestToCheck>();
    verify_proof_command->add_option("--proof", *proof_path, "a proof file from csp-ledger prove")->required();
    verify_proof_command->add_option("--digest", proof_digest->digest_path, "a digest file from csp-ledger digest")->required();
    verify_proof_command->add_option("--public-key", proof_digest->public_key_path,
                                     "the Ed25519 public key (PEM) that must have signed the digest");
    verify_proof_command->callback([this, proof_path, proof_digest] {
      action = [this, proof_path, proof_digest] { return verify_proof(globals, *proof_path, *proof_digest); };
    });

    CLI::App* import_command = app.add_subcommand("import", "load an export into an empty ledger, checking the hash chain");
    import_command->footer("Example:\n  csp-ledger --db copy.db import ledger.jsonl");
    auto import_path = std::make_shared<std::string>();
    import_command->add_option("file", *import_path, "an export (JSON lines), or - for stdin")->required();
    import_command->callback([this, import_path] { action = [this, import_path] { return import_log(globals, *import_path); }; });

    CLI::App* export_command = app.add_subcommand("export", "the log as JSON lines, with hashes and payload bytes");
    export_command->footer("Example:\n  csp-ledger export --from 1 > ledger.jsonl");
    auto from = std::make_shared<std::int64_t>(1);
    export_command->add_option("--from", *from, "first position to export")->check(CLI::PositiveNumber);
    export_command->callback([this, from] { action = [this, from] { return export_log(globals, *from); }; });
  }
};

bool asks_for_json(int argc, char** argv) {
  for (int index = 1; index < argc; ++index) {
    if (std::string_view(argv[index]) == "--json") return true;
  }
  return false;
}

}  // namespace

int run_cli(int argc, char** argv) {
  Cli cli;
  cli.define();
  try {
    cli.app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return cli.app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return cli.app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return cli.app.exit(version);
  } catch (const CLI::ParseError& failure) {
    const domain::Error error = domain::invalid_input(diagnose_arguments(cli.app, "csp-ledger", argc, argv, failure.what()));
    Globals globals;
    globals.is_json = asks_for_json(argc, argv);
    return report(globals, error);
  }
  if (!cli.action) throw std::logic_error("a subcommand ran without an action");
  return cli.action();
}

}  // namespace csp::cmd
