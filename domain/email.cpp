#include "domain/email.h"

#include <algorithm>

#include "domain/domain_name.h"
#include "domain/text.h"

namespace csp::domain::detail {
namespace {

constexpr std::size_t local_part_bytes_max = 64;

bool is_local_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '%' || c == '+' || c == '-';
}

}  // namespace

Result<std::string> checked_email(std::string_view text, std::string_view what) {
  const auto refuse = [&](std::string_view why) {
    return invalid_input(std::string(what) + " \"" + std::string(utf8_prefix(text, 80)) + "\" " +
                         std::string(why) + " (example: alice@partner.example)");
  };
  const std::size_t at_sign = text.find('@');
  if (at_sign == std::string_view::npos || text.find('@', at_sign + 1) != std::string_view::npos) {
    return refuse("must have exactly one '@'");
  }
  const std::string_view local = text.substr(0, at_sign);
  if (local.empty() || local.size() > local_part_bytes_max) {
    return refuse("needs 1 to 64 characters before the '@'");
  }
  if (!std::all_of(local.begin(), local.end(), is_local_char) || local.front() == '.' ||
      local.back() == '.' || local.find("..") != std::string_view::npos) {
    return refuse("has characters before the '@' that are not allowed");
  }
  auto domain = DomainName::parse(text.substr(at_sign + 1));
  if (!domain) return refuse("has an invalid domain after the '@'");
  std::string lowered(local);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return lowered + "@" + domain->str();
}

}  // namespace csp::domain::detail
