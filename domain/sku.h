#pragma once
// A catalogue SKU such as "windows-server-2022-datacenter": lowercase letters,
// digits and dashes, at most 64 characters.

#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

class Sku {
 public:
  Sku() = default;  // only for decoding

  static Result<Sku> parse(std::string_view text);
  const std::string& str() const { return text_; }

  friend auto operator<=>(const Sku&, const Sku&) = default;

  template <class Archive>
  std::string save_minimal(const Archive&) const { return text_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    *this = detail::value_or_throw(parse(stored));
  }

 private:
  std::string text_;
};

// Version, language and file-type tokens of a product ("2022", "en-us",
// "iso"): short, lowercase, dash-separated words. The same check as Sku, with
// a different name in messages.
Result<std::string> parse_token(std::string_view text, std::string_view what);

}  // namespace csp::domain
