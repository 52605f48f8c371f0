#include "cmd/reports.h"

#include <algorithm>
#include <limits>
#include <map>
#include <iostream>
#include <iterator>

#include <unistd.h>

#include "cmd/listings.h"
#include "cmd/nearest.h"
#include "cmd/output.h"
#include "cmd/system.h"
#include "domain/streams.h"
#include "eventstore/sql_session.h"
#include "projections/replay.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;
using domain::invalid_input;

const std::vector<std::string> report_kinds = {"subscriptions",  "links",        "revocations", "refunds",
                                               "customers",      "expiring-links", "open-refunds", "sales",
                                               "hybrid-benefit", "agents",       "catalogue"};

// Every report's columns, so that CSV has its header even without rows.
const std::map<std::string, std::vector<std::string>, std::less<>> columns_by_kind = {
    {"customers", {"tenant_id", "domain", "market", "name", "registered_at", "subscriptions"}},
    {"subscriptions",
     {"subscription_id", "order_id", "tenant_id", "product", "quantity", "amount", "currency", "status", "purchased_at",
      "cancel_deadline", "hybrid_benefit_eligible"}},
    {"links", {"link_id", "subscription_id", "status", "downloads_used", "expires_at"}},
    {"revocations", {"subscription_id", "ticket_id", "revoked_at", "keys_revoked"}},
    {"refunds",
     {"ticket_id", "subscription_id", "order_id", "tenant_id", "reason", "requested_amount", "currency", "status",
      "refunded_amount"}},
    {"expiring-links", {"link_id", "subscription_id", "tenant_id", "expires_at", "downloads_left"}},
    {"hybrid-benefit", {"subscription_id", "tenant_id", "market", "product", "quantity", "purchased_at"}},
    {"open-refunds", {"currency", "open_tickets", "requested_total"}},
    {"sales", {"market", "month", "currency", "purchases", "purchased_amount", "refunds", "refunded_amount"}},
    {"agents", {"agent", "roles"}},
    {"catalogue",
     {"sku", "display_name", "family", "edition", "kind", "versions", "languages", "file_types", "hybrid_benefit_eligible"}},
};

// A report of no rows but for the tenant filter: the listings.
bool is_listing(const std::string& kind) { return kind == "agents" || kind == "catalogue"; }

std::vector<std::string> statuses_of(const std::string& kind) {
  if (kind == "subscriptions") return {"active", "cancelled"};
  if (kind == "links") return {"live", "expired", "exhausted", "revoked"};
  if (kind == "refunds") return {"open", "refunded", "rejected"};
  return {};
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

// "within_days" as the query's front end spells it.
std::string setting(const ReportQuery& query, std::string name) {
  if (query.asked_through == FrontEnd::http) return name;
  std::replace(name.begin(), name.end(), '_', '-');
  return "--" + name;
}

domain::Status check_query(const ReportQuery& query) {
  if (std::find(report_kinds.begin(), report_kinds.end(), query.kind) == report_kinds.end()) {
    return invalid_input("report \"" + query.kind + "\" is not one of " + joined(report_kinds) + " (nearest: " +
                         nearest(query.kind, report_kinds) + ")");
  }
  if (query.from_row < 1) return invalid_input(setting(query, "from") + " " + std::to_string(query.from_row) + " is not a row number (1 or more)");
  if (query.limit && (*query.limit < 1 || *query.limit > rows_per_page_max)) {
    return invalid_input(setting(query, "limit") + " " + std::to_string(*query.limit) + " is out of range: give 1 to " +
                         std::to_string(rows_per_page_max));
  }
  if (is_listing(query.kind) && (!query.customer.empty() || !query.as_of.empty())) {
    return invalid_input("the " + query.kind + " report takes neither " + setting(query, "customer") + " nor " +
                         setting(query, "as_of"));
  }
  if (query.format != "table" && query.format != "json" && query.format != "csv") {
    return invalid_input("format \"" + query.format + "\" is not one of table, json, csv");
  }
  if (query.within_days < 1 || query.within_days > 3650) {
    return invalid_input(setting(query, "within_days") + " " + std::to_string(query.within_days) + " is out of range: give 1 to 3650");
  }
  if (!query.status.empty()) {
    const auto statuses = statuses_of(query.kind);
    if (std::find(statuses.begin(), statuses.end(), query.status) == statuses.end()) {
      return invalid_input(statuses.empty() ? "the " + query.kind + " report has no " + setting(query, "status")
                                            : "status \"" + query.status + "\" is not one of " + joined(statuses) +
                                                  " for the " + query.kind + " report");
    }
  }
  return domain::Status::success();
}

// Sums money per key without losing a minor unit, or says it overflowed.
class Totals {
 public:
  domain::Status add(const std::string& key, const domain::Money& amount) {
    auto& [units, currency] = totals_[key];
    if (units > std::numeric_limits<std::int64_t>::max() - amount.minor_units()) {
      return invalid_input("the total for " + key + " is too large to print");
    }
    units += amount.minor_units();
    currency = amount.currency();
    return domain::Status::success();
  }
  // Zero, when nothing was added, in `currency_code`'s precision ("0.00").
  std::string text(const std::string& key, const std::string& currency_code) const {
    const auto found = totals_.find(key);
    if (found != totals_.end()) {
      return domain::Money::of_minor_units(found->second.first, found->second.second)->amount_text();
    }
    return domain::Money::parse("0", currency_code)->amount_text();
  }

 private:
  std::map<std::string, std::pair<std::int64_t, domain::Currency>> totals_;
};

std::string month_of(const domain::Timestamp& at) { return at.str().substr(0, 7); }

domain::Result<std::vector<json>> back_office_rows(const projections::ReadModels& models, const ReportQuery& query,
                                                   const domain::Timestamp& as_of,
                                                   const std::optional<domain::TenantId>& tenant) {
  const auto is_customers = [&](const domain::TenantId& row_tenant) { return !tenant || row_tenant == *tenant; };
  std::vector<json> rows;
  if (query.kind == "expiring-links") {
    auto horizon = as_of.plus(std::chrono::hours{24 * query.within_days});
    if (!horizon) return horizon.error();
    for (const auto& [key, row] : models.links()) {
      if (!is_customers(row.tenant) || row.status_at(as_of) != projections::LinkStatus::live) continue;
      if (row.expires_at > *horizon) continue;
      rows.push_back(json{{"link_id", row.link.str()}, {"subscription_id", row.subscription.str()},
                          {"tenant_id", row.tenant.str()}, {"expires_at", row.expires_at.str()},
                          {"downloads_left", row.downloads_max - row.downloads_used}});
    }
    std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) { return a["expires_at"] < b["expires_at"]; });
    return rows;
  }
  if (query.kind == "hybrid-benefit") {
    for (const auto& [key, row] : models.subscriptions()) {
      if (!is_customers(row.tenant) || row.is_cancelled || !row.is_hybrid_benefit_eligible) continue;
      rows.push_back(json{{"subscription_id", row.subscription.str()}, {"tenant_id", row.tenant.str()},
                          {"market", row.market.str()}, {"product", row.product.str()}, {"quantity", row.quantity.count()},
                          {"purchased_at", row.purchased_at.str()}});
    }
    return rows;
  }
  Totals totals;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> counts;  // key -> (purchases or tickets, refunds)
  std::map<std::string, std::vector<std::string>> key_parts;
  const auto count = [&](const std::vector<std::string>& parts, bool is_refund, const domain::Money& amount) {
    std::string key;
    for (const auto& part : parts) key += part + "|";
    key_parts[key] = parts;
    (is_refund ? counts[key].second : counts[key].first) += 1;
    return totals.add(key + (is_refund ? "refunded" : "sold"), amount);
  };
  if (query.kind == "open-refunds") {
    for (const auto& [key, row] : models.refunds()) {
      if (!is_customers(row.tenant) || row.status != projections::RefundStatus::open) continue;
      if (auto added = count({row.requested_amount.currency().code()}, false, row.requested_amount); !added) {
        return added.error();
      }
    }
    for (const auto& [key, parts] : key_parts) {
      rows.push_back(json{{"currency", parts[0]}, {"open_tickets", counts[key].first},
                          {"requested_total", totals.text(key + "sold", parts[0])}});
    }
    return rows;
  }
  for (const auto& [key, row] : models.subscriptions()) {
    if (!is_customers(row.tenant)) continue;
    if (auto added = count({row.market.str(), month_of(row.purchased_at), row.amount.currency().code()}, false, row.amount);
        !added) {
      return added.error();
    }
  }
  for (const auto& [key, row] : models.refunds()) {
    if (!is_customers(row.tenant) || !row.refunded_amount || !row.resolved_at) continue;
    if (auto added = count({row.market.str(), month_of(*row.resolved_at), row.refunded_amount->currency().code()}, true,
                           *row.refunded_amount);
        !added) {
      return added.error();
    }
  }
  for (const auto& [key, parts] : key_parts) {
    rows.push_back(json{{"market", parts[0]}, {"month", parts[1]}, {"currency", parts[2]},
                        {"purchases", counts[key].first}, {"purchased_amount", totals.text(key + "sold", parts[2])},
                        {"refunds", counts[key].second}, {"refunded_amount", totals.text(key + "refunded", parts[2])}});
  }
  return rows;
}

}  // namespace

bool is_report_kind(const std::string& kind) {
  return std::find(report_kinds.begin(), report_kinds.end(), kind) != report_kinds.end();
}

std::string report_kinds_list() { return joined(report_kinds); }

const std::vector<std::string>& report_columns(const std::string& kind) {
  static const std::vector<std::string> none;
  const auto found = columns_by_kind.find(kind);
  return found == columns_by_kind.end() ? none : found->second;
}

domain::Result<std::vector<json>> report_rows(const projections::ReadModels& models, const ReportQuery& query,
                                              const domain::Timestamp& as_of,
                                              const std::optional<domain::TenantId>& tenant) {
  if (domain::Status valid = check_query(query); !valid) return valid.error();
  if (is_listing(query.kind)) return std::vector<json>{};
  const auto wanted = [&](const domain::TenantId& row_tenant, std::string_view status) {
    return (!tenant || row_tenant == *tenant) && (query.status.empty() || query.status == status);
  };
  std::vector<json> rows;
  if (query.kind == "customers") {
    for (const auto& [key, row] : models.customers()) {
      if (!wanted(row.tenant, "")) continue;
      rows.push_back(json{{"tenant_id", row.tenant.str()}, {"domain", row.domain.str()}, {"market", row.market.str()},
                          {"name", row.name ? row.name->str() : ""}, {"registered_at", row.registered_at.str()},
                          {"subscriptions", row.subscriptions}});
    }
  } else if (query.kind == "subscriptions") {
    for (const auto& [key, row] : models.subscriptions()) {
      const std::string status = row.is_cancelled ? "cancelled" : "active";
      if (!wanted(row.tenant, status)) continue;
      rows.push_back(json{{"subscription_id", row.subscription.str()}, {"order_id", row.order.str()},
                          {"tenant_id", row.tenant.str()}, {"product", row.product.str()},
                          {"quantity", row.quantity.count()}, {"amount", row.amount.amount_text()},
                          {"currency", row.amount.currency().code()}, {"status", status},
                          {"purchased_at", row.purchased_at.str()}, {"cancel_deadline", row.cancel_deadline.str()},
                          {"hybrid_benefit_eligible", row.is_hybrid_benefit_eligible}});
    }
  } else if (query.kind == "links") {
    for (const auto& [key, row] : models.links()) {
      const std::string status(projections::link_status_name(row.status_at(as_of)));
      if (!wanted(row.tenant, status)) continue;
      rows.push_back(json{{"link_id", row.link.str()}, {"subscription_id", row.subscription.str()}, {"status", status},
                          {"downloads_used", row.downloads_used}, {"expires_at", row.expires_at.str()}});
    }
  } else if (query.kind == "revocations") {
    for (const auto& [key, row] : models.revocations()) {
      if (!wanted(row.tenant, "")) continue;
      rows.push_back(json{{"subscription_id", row.subscription.str()}, {"ticket_id", row.ticket.str()},
                          {"revoked_at", row.revoked_at.str()}, {"keys_revoked", row.keys_revoked}});
    }
  } else if (query.kind == "expiring-links" || query.kind == "open-refunds" || query.kind == "sales" ||
             query.kind == "hybrid-benefit") {
    return back_office_rows(models, query, as_of, tenant);
  } else {
    for (const auto& [key, row] : models.refunds()) {
      const std::string status(projections::refund_status_name(row.status));
      if (!wanted(row.tenant, status)) continue;
      rows.push_back(json{{"ticket_id", row.ticket.str()}, {"subscription_id", row.subscription.str()},
                          {"order_id", row.order.str()}, {"tenant_id", row.tenant.str()}, {"reason", row.reason.str()},
                          {"requested_amount", row.requested_amount.amount_text()},
                          {"currency", row.requested_amount.currency().code()}, {"status", status},
                          {"refunded_amount", row.refunded_amount ? row.refunded_amount->amount_text() : ""}});
    }
  }
  return rows;
}

namespace {

std::string cell_text(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return json_line(value);
}

}  // namespace

std::string csv_of(const std::vector<json>& rows, const std::vector<std::string>& columns) {
  const auto field = [](const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (const char c : text) {
      if (c == '"') quoted += '"';
      quoted += c;
    }
    return quoted + "\"";
  };
  const auto line = [&](const auto& cell_of) {
    std::string text;
    for (std::size_t index = 0; index < columns.size(); ++index) text += (index == 0 ? "" : ",") + field(cell_of(columns[index]));
    return text + "\r\n";
  };
  std::string out = line([](const std::string& column) { return column; });
  for (const auto& row : rows) out += line([&](const std::string& column) { return cell_text(row.at(column)); });
  return out;
}

std::string table_of(const std::vector<json>& rows, const std::vector<std::string>& columns,
                     const std::optional<std::string>& footer) {
  if (rows.empty()) return "(no rows)\n";
  std::vector<std::size_t> widths;
  for (const auto& column : columns) widths.push_back(column.size());
  for (const auto& row : rows) {
    for (std::size_t index = 0; index < columns.size(); ++index) {
      widths[index] = std::max(widths[index], cell_text(row.at(columns[index])).size());
    }
  }
  std::string out;
  const auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t index = 0; index < cells.size(); ++index) {
      out += cells[index];
      if (index + 1 < cells.size()) out += std::string(widths[index] - cells[index].size() + 2, ' ');
    }
    out += "\n";
  };
  line(columns);
  for (const auto& row : rows) {
    std::vector<std::string> cells;
    for (const auto& column : columns) cells.push_back(cell_text(row.at(column)));
    line(cells);
  }
  if (footer) out += *footer + "\n";
  return out;
}

namespace {

// The tenant --customer names, looked up in the whole log (not the
// --as-of view): unknown_customer when none is registered under it.
domain::Result<std::optional<domain::TenantId>> customer_filter(eventstore::EventStore& store, const std::string& customer) {
  if (customer.empty()) return std::optional<domain::TenantId>();
  const domain::Error unknown{domain::ErrorCode::unknown_customer, "customer " + customer + " is not registered"};
  std::optional<domain::TenantId> tenant;
  if (auto guid = domain::TenantId::parse(customer)) {
    auto events = store.read_stream(domain::customer_stream(*guid));
    if (!events) return invalid_input(events.error().message);
    if (events->empty()) return unknown;
    tenant = *guid;
  } else if (auto domain_name = domain::DomainName::parse(customer)) {
    auto stream = store.resolve_alias(domain_alias(*domain_name));
    if (!stream) return invalid_input(stream.error().message);
    if (!*stream) return unknown;
    auto registered = domain::TenantId::parse(std::string_view(**stream).substr(std::string_view("customer-").size()));
    if (!registered) return invalid_input("customer stream " + **stream + " has no tenant id");
    tenant = *registered;
  } else {
    return invalid_input("customer \"" + customer + "\" is neither a tenant GUID nor a domain name");
  }
  return tenant;
}

// The read models a report answers from: those stored in the ledger file
// (with any events they lack folded in), or with `as_of` a replay of what
// had happened by then. `note` says when they are not the ledger as it
// stands now; `as_of` is the time they show, when that is not now.
struct ReportModels {
  projections::ReadModels models;
  std::optional<domain::Timestamp> as_of;
  std::optional<std::string> note;
};
eventstore::StoreResult<ReportModels> read_models_for_report(eventstore::EventStore& store,
                                                            const std::optional<domain::Timestamp>& as_of) {
  const auto replayed = [&](const projections::ReplayLimit& limit,
                            std::optional<std::string> note) -> eventstore::StoreResult<ReportModels> {
    auto models = projections::replay_in_memory(store, limit);
    if (!models) return std::move(models).error();
    return ReportModels{std::move(models).value(), std::nullopt, std::move(note)};
  };
  // --as-of keeps only what had happened by then, and leaves the stored
  // read models alone.
  if (as_of) return replayed(projections::ReplayLimit{std::nullopt, *as_of}, std::nullopt);
  eventstore::sql::Session* session = eventstore::sql::session_of(store);
  if (session == nullptr) return replayed(projections::ReplayLimit{}, std::nullopt);
  // The rows, their checkpoint and the log's head, all from one moment.
  const projections::ReadSnapshot snapshot(*session);
  if (!snapshot.status()) return snapshot.status().error();
  projections::StoredReadModels stored(*session, projections::live_tables);
  auto stored_checkpoint = stored.stored_checkpoint();
  if (!stored_checkpoint) return std::move(stored_checkpoint).error();
  const std::optional<projections::Checkpoint>& checkpoint = *stored_checkpoint;
  if (!checkpoint || checkpoint->layout != projections::read_models_layout) {
    return replayed(projections::ReplayLimit{},
                    "note: this ledger has no stored read models of this build's layout; the report replayed the log "
                    "(the next command, or csp-ledger audit replay, stores them)");
  }
  auto loaded = stored.load();
  if (!loaded) return std::move(loaded).error();
  auto head = store.head();
  if (!head) return std::move(head).error();
  if (checkpoint->is_partial) {
    std::string note = "note: the read models show the ledger as of position " + std::to_string(checkpoint->position) +
                       " of " + std::to_string(head->position);
    if (checkpoint->position == 0) note += ", before the first event";
    if (checkpoint->until_time) note += " (as it stood at " + checkpoint->until_time->str() + ")";
    note += ", rebuilt by audit replay --until; the next command or csp-ledger audit replay brings them up to date";
    return ReportModels{std::move(loaded).value(), checkpoint->until_time, std::move(note)};
  }
  // Events no command projected (a writer of an older build) are folded
  // here so the report does not lag; the next command stores them.
  ReportModels answer{std::move(loaded).value(), std::nullopt, std::nullopt};
  if (eventstore::StoreStatus folded =
          projections::replay_into(store, answer.models, checkpoint->position + 1, projections::ReplayLimit{});
      !folded) {
    return folded.error();
  }
  return answer;
}

}  // namespace

namespace {

eventstore::StoreResult<std::vector<json>> listing_rows(eventstore::EventStore& store, const std::string& kind) {
  if (kind == "agents") return agent_rows(store);
  return catalogue_rows();
}

ReportRows page_of(std::vector<json> rows, const ReportQuery& query) {
  ReportRows page{{}, rows.size(), query.from_row};
  const auto first = static_cast<std::size_t>(query.from_row - 1);
  if (first >= rows.size()) return page;
  const std::size_t count = std::min(rows.size() - first, query.limit ? static_cast<std::size_t>(*query.limit) : rows.size());
  page.rows.assign(std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(first)),
                   std::make_move_iterator(rows.begin() + static_cast<std::ptrdiff_t>(first + count)));
  return page;
}

// "3 rows", or for a page "rows 51-100 of 230; the next: --from 101".
std::string count_footer(const ReportRows& page) {
  const std::size_t shown = page.rows.size();
  if (shown == page.rows_total) return std::to_string(shown) + (shown == 1 ? " row" : " rows");
  const auto first = static_cast<std::size_t>(page.from_row);
  std::string footer = "rows " + std::to_string(first) + "-" + std::to_string(first + shown - 1) + " of " +
                       std::to_string(page.rows_total);
  if (first + shown <= page.rows_total) footer += "; the next: --from " + std::to_string(first + shown);
  return footer;
}

}  // namespace

ReportAnswer answer_report(eventstore::EventStore& store, const ReportQuery& query, const domain::Timestamp& now,
                           std::optional<std::string>* note) {
  if (domain::Status valid = check_query(query); !valid) return valid.error();
  if (is_listing(query.kind)) {
    auto rows = listing_rows(store, query.kind);
    if (!rows) return std::move(rows).error();
    return page_of(std::move(rows).value(), query);
  }
  std::optional<domain::Timestamp> as_of;
  if (!query.as_of.empty()) {
    auto parsed = domain::Timestamp::parse(query.as_of);
    if (!parsed) return domain::invalid_input(setting(query, "as_of") + ": " + parsed.error().message);
    as_of = *parsed;
  }
  auto tenant = customer_filter(store, query.customer);
  if (!tenant) return tenant.error();
  auto models = read_models_for_report(store, as_of);
  if (!models) return models.error();
  if (note != nullptr) *note = models->note;
  // Read models rebuilt up to a time show the ledger as it stood then:
  // link statuses too.
  auto rows = report_rows(models->models, query, as_of.value_or(models->as_of.value_or(now)), *tenant);
  if (!rows) return rows.error();
  return page_of(std::move(rows).value(), query);
}

int show_report(const Globals& globals, const ReportQuery& query) {
  // A bad query is reported before the file is opened.
  if (domain::Status valid = check_query(query); !valid) return report(globals, valid.error());
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  std::optional<std::string> note;
  ReportAnswer answer = answer_report(*opened->store, query, now(), &note);
  if (const auto* refusal = std::get_if<domain::Error>(&answer)) return report_lookup(globals, *refusal);
  if (const auto* failure = std::get_if<eventstore::StoreError>(&answer)) return report(globals, *failure);
  auto& page = std::get<ReportRows>(answer);
  if (note) std::cerr << *note << "\n";
  const std::vector<std::string>& columns = report_columns(query.kind);
  if (query.format == "json" || globals.is_json) {
    json array = json::array();
    for (auto& row : page.rows) array.push_back(std::move(row));
    std::cout << json_line(array) << "\n";
  } else if (query.format == "csv") {
    std::cout << csv_of(page.rows, columns);
  } else {
    // The count is for a person reading; a script reading a pipe gets the rows alone.
    const bool is_terminal = isatty(STDOUT_FILENO) == 1;
    std::cout << table_of(page.rows, columns, is_terminal ? std::optional(count_footer(page)) : std::nullopt);
  }
  return exit_done;
}

}  // namespace csp::cmd
