#pragma once
// `report subscriptions|links|revocations|refunds|customers`: rows as JSON
// objects (the `--format json` shape of DESIGN.md), then printed as a
// table, JSON or CSV.

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/session.h"
#include "projections/read_models.h"

namespace csp::cmd {

struct ReportQuery {
  // subscriptions, links, revocations, refunds, customers, and the back
  // office's: expiring-links, open-refunds, sales, hybrid-benefit
  std::string kind;
  std::string customer;  // tenant GUID or domain; empty: all
  std::string status;    // empty: all
  std::string as_of;     // RFC 3339; empty: now, from the whole log
  std::string format = "table";
  std::int64_t within_days = 7;  // expiring-links: expiring within this many days of as_of
};

int show_report(const Globals& globals, const ReportQuery& query);

// Whether `kind` names a report, and the names there are.
bool is_report_kind(const std::string& kind);
std::string report_kinds_list();

// Everything `report` does short of printing, for the command line and the
// server: the query checked, the customer found, the rows built. `now` is
// the time a query without `as_of` is answered for.
using ReportAnswer = std::variant<std::vector<nlohmann::ordered_json>, domain::Error, eventstore::StoreError>;
// `note`, when given, receives what a reader should know about the answer
// (read models rebuilt up to an earlier point, say).
ReportAnswer answer_report(eventstore::EventStore& store, const ReportQuery& query, const domain::Timestamp& now,
                           std::optional<std::string>* note = nullptr);

// The rows of one report as of `as_of`, for tests and the server; only
// `tenant`'s rows when it is given.
domain::Result<std::vector<nlohmann::ordered_json>> report_rows(const projections::ReadModels& models,
                                                                 const ReportQuery& query,
                                                                 const domain::Timestamp& as_of,
                                                                 const std::optional<domain::TenantId>& tenant);

// CSV of RFC 4180: fields with a comma, quote or line break are quoted.
std::string csv_of(const std::vector<nlohmann::ordered_json>& rows);
std::string table_of(const std::vector<nlohmann::ordered_json>& rows);

}  // namespace csp::cmd
