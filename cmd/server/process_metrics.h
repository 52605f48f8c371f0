#pragma once
// The process_* series every Prometheus client library exports, read from
// /proc when scraped: dashboards and alerts written for other services
// (CPU, memory, open files against the limit, restarts) work unchanged.

#include <string>

namespace csp::server {

// The series in the Prometheus text format; a value /proc does not give
// is left out rather than shown as 0.
std::string process_metrics_text();

}  // namespace csp::server
