#pragma once
// GET /reports/<name>: the queries of `report`, filters as query parameters
// (customer, status, as_of, within_days, format=json|csv).

#include <string>

#include "cmd/reports.h"
#include "cmd/server/query_string.h"
#include "cmd/server/responses.h"
#include "domain/result.h"
#include "eventstore/store.h"

namespace csp::server {

// The query for `name`, or invalid_input naming the parameter that is
// unknown or does not parse.
domain::Result<cmd::ReportQuery> report_query_of(const std::string& name, const Target& target);

// The report's rows as a JSON array (or CSV), answered from `store`.
Response report_response(eventstore::EventStore& store, const cmd::ReportQuery& query);

}  // namespace csp::server
