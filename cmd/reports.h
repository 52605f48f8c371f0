#pragma once
// `report subscriptions|links|revocations|refunds|customers|...`: rows as
// JSON objects (the `--format json` shape of DESIGN.md), then printed as a
// table, JSON or CSV.

#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/hints.h"
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
  std::int64_t from_row = 1;          // the first row answered, counted from 1
  std::optional<std::int64_t> limit;  // at most this many rows; empty: all from from_row on
  // Messages name a setting as this front end spells it: --within-days on
  // the command line, within_days in a query string.
  FrontEnd asked_through = FrontEnd::command_line;
};

inline constexpr std::int64_t rows_per_page_max = 1'000'000;

// The rows a query pages to, and how many there are in all.
struct ReportRows {
  std::vector<nlohmann::ordered_json> rows;
  std::size_t rows_total = 0;
  std::int64_t from_row = 1;
};

int show_report(const Globals& globals, const ReportQuery& query);

// Whether `kind` names a report, and the names there are.
bool is_report_kind(const std::string& kind);
std::string report_kinds_list();
// The columns of a report's rows, in order; empty for an unknown kind.
const std::vector<std::string>& report_columns(const std::string& kind);

// Everything `report` does short of printing, for the command line and the
// server: the query checked, the customer found, the rows built. `now` is
// the time a query without `as_of` is answered for.
using ReportAnswer = std::variant<ReportRows, domain::Error, eventstore::StoreError>;
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

// CSV of RFC 4180: the header row of `columns`, even with no rows, then
// one line per row; fields with a comma, quote or line break are quoted.
std::string csv_of(const std::vector<nlohmann::ordered_json>& rows, const std::vector<std::string>& columns);
// Aligned columns for a person; `footer` (the row count, for a terminal)
// is printed after them when given.
std::string table_of(const std::vector<nlohmann::ordered_json>& rows, const std::vector<std::string>& columns,
                     const std::optional<std::string>& footer);

}  // namespace csp::cmd
