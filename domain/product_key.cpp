#include "domain/product_key.h"

#include "domain/text.h"

namespace csp::domain {

Result<ProductKey> ProductKey::parse(std::string_view text) {
  constexpr std::size_t group_count = 5;
  constexpr std::size_t group_length = 5;
  constexpr std::size_t length = group_count * group_length + group_count - 1;
  bool is_well_formed = text.size() == length;
  for (std::size_t at = 0; is_well_formed && at < text.size(); ++at) {
    const bool is_dash_place = at % (group_length + 1) == group_length;
    is_well_formed = is_dash_place ? text[at] == '-' : alphabet.find(text[at]) != std::string_view::npos;
  }
  if (!is_well_formed) {
    return invalid_input("product key \"" + std::string(utf8_prefix(text, 40)) +
                         "\" is not five dash-separated groups of five characters from " + std::string(alphabet));
  }
  ProductKey key;
  key.text_ = std::string(text);
  return key;
}

}  // namespace csp::domain
