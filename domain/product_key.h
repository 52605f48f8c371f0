#pragma once
// A product key: five groups of five characters from the 24-character key
// alphabet (no vowels but Y, no 0, 1, 5), e.g. "VK7JG-NPHTM-C97JM-9MPGT-3V66T".
// The caller mints it (the domain has no randomness); the domain checks it.

#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

class ProductKey {
 public:
  static constexpr std::string_view alphabet = "BCDFGHJKMPQRTVWXY2346789";

  ProductKey() = default;  // only for decoding

  static Result<ProductKey> parse(std::string_view text);
  const std::string& str() const { return text_; }

  friend auto operator<=>(const ProductKey&, const ProductKey&) = default;

  template <class Archive>
  std::string save_minimal(const Archive&) const { return text_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    *this = detail::value_or_throw(parse(stored));
  }

 private:
  std::string text_;
};

}  // namespace csp::domain
