#pragma once
// The path and the decoded query parameters of a request target.

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "domain/result.h"

namespace csp::server {

struct Target {
  std::string path;
  std::map<std::string, std::string, std::less<>> parameters;
};

// Empty when a %-escape is broken or a parameter is given twice.
std::optional<Target> parse_target(std::string_view target);

// A parameter's value as a whole number, or invalid_input naming it, with
// `example` of a good one.
domain::Result<std::int64_t> whole_number(const std::string& parameter, const std::string& value, const char* example);

}  // namespace csp::server
