#pragma once
// The path and the decoded query parameters of a request target.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace csp::server {

struct Target {
  std::string path;
  std::map<std::string, std::string, std::less<>> parameters;
};

// Empty when a %-escape is broken or a parameter is given twice.
std::optional<Target> parse_target(std::string_view target);

}  // namespace csp::server
