#include "domain/quantity.h"

#include <charconv>
#include <string>

#include "domain/text.h"

namespace csp::domain {

Result<Quantity> Quantity::of(std::int64_t count) {
  if (count < 1 || count > max) {
    return invalid_input("quantity " + std::to_string(count) +
                         " is out of range: give a whole number from 1 to 1000000");
  }
  Quantity quantity;
  quantity.count_ = static_cast<std::uint32_t>(count);
  return quantity;
}

Result<Quantity> Quantity::parse(std::string_view text) {
  std::int64_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return invalid_input("quantity \"" + std::string(utf8_prefix(text, 40)) +
                         "\" is not a whole number: give a count from 1 to 1000000");
  }
  return of(count);
}

}  // namespace csp::domain
