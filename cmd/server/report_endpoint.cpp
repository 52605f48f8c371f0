#include "cmd/server/report_endpoint.h"

#include "cmd/output.h"
#include "cmd/reports.h"
#include "cmd/system.h"

namespace csp::server {

domain::Result<cmd::ReportQuery> report_query_of(const std::string& name, const Target& target) {
  cmd::ReportQuery query;
  query.kind = name;
  query.format = "json";
  query.asked_through = cmd::FrontEnd::http;
  for (const auto& [parameter, value] : target.parameters) {
    if (parameter == "customer") {
      query.customer = value;
    } else if (parameter == "status") {
      query.status = value;
    } else if (parameter == "as_of") {
      query.as_of = value;
    } else if (parameter == "format") {
      if (value != "json" && value != "csv") {
        return domain::invalid_input("format \"" + value + "\" is not one of json, csv");
      }
      query.format = value;
    } else if (parameter == "within_days" || parameter == "from" || parameter == "limit") {
      auto number = whole_number(parameter, value, parameter == "within_days" ? "7" : "50");
      if (!number) return number.error();
      if (parameter == "within_days") query.within_days = *number;
      if (parameter == "from") query.from_row = *number;
      if (parameter == "limit") query.limit = *number;
    } else {
      return domain::invalid_input("query parameter \"" + parameter +
                                   "\" is not known; give customer, status, as_of, within_days, from, limit or format");
    }
  }
  return query;
}

Response report_response(eventstore::EventStore& store, const cmd::ReportQuery& query) {
  cmd::ReportAnswer answer = cmd::answer_report(store, query, cmd::now());
  if (const auto* refusal = std::get_if<domain::Error>(&answer)) return refusal_response(*refusal);
  if (const auto* failure = std::get_if<eventstore::StoreError>(&answer)) {
    return error_response(http::status::internal_server_error, "store_failure", failure->message);
  }
  auto& page = std::get<cmd::ReportRows>(answer);
  if (query.format == "csv") {
    return text_response(http::status::ok, cmd::csv_of(page.rows, cmd::report_columns(query.kind)), "text/csv");
  }
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (auto& row : page.rows) array.push_back(std::move(row));
  return json_response(http::status::ok, array);
}

}  // namespace csp::server
