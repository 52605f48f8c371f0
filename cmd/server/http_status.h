#pragma once
// The HTTP status of a refused command (DESIGN, "Server").

#include "domain/error.h"

namespace csp::server {

// 400 invalid_input, 403 not_authorized, 404 unknown_*, 409
// concurrency_conflict, 422 every other rule.
unsigned http_status_of(domain::ErrorCode code);

}  // namespace csp::server
