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

Result<ProductKey> ProductKey::from_sealed(std::string_view envelope) {
  if (envelope.size() != sealed_bytes || envelope.front() != sealed_format) {
    return invalid_input("a sealed product key is " + std::to_string(sealed_bytes) + " bytes beginning with format 1, not " +
                         std::to_string(envelope.size()) + " bytes");
  }
  ProductKey key;
  key.sealed_ = std::string(envelope);
  return key;
}

ProductKey ProductKey::sealed_as(std::string envelope) const {
  ProductKey key = *this;
  key.sealed_ = std::move(envelope);
  return key;
}

ProductKey ProductKey::opened_as(const ProductKey& clear) const {
  ProductKey key = *this;
  key.text_ = clear.text_;
  return key;
}

}  // namespace csp::domain
