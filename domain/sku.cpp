#include "domain/sku.h"

#include <algorithm>

#include "domain/text.h"

namespace csp::domain {

Result<std::string> parse_token(std::string_view text, std::string_view what) {
  constexpr std::size_t length_max = 64;
  const bool is_well_formed =
      !text.empty() && text.size() <= length_max && text.front() != '-' && text.back() != '-' &&
      std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      });
  if (!is_well_formed) {
    return invalid_input(std::string(what) + " \"" + std::string(utf8_prefix(text, 80)) +
                         "\" must be 1 to 64 lowercase letters, digits and inner dashes");
  }
  return std::string(text);
}

Result<Sku> Sku::parse(std::string_view text) {
  auto token = parse_token(text, "product SKU");
  if (!token) return std::move(token).error();
  Sku sku;
  sku.text_ = std::move(token).value();
  return sku;
}

}  // namespace csp::domain
