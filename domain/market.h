#pragma once
// A market: an ISO 3166-1 alpha-2 country code, stored uppercase.

#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

class Market {
 public:
  Market() = default;  // only for decoding

  static Result<Market> parse(std::string_view text);
  const std::string& str() const { return code_; }

  friend auto operator<=>(const Market&, const Market&) = default;

  template <class Archive>
  std::string save_minimal(const Archive&) const { return code_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    *this = detail::value_or_throw(parse(stored));
  }

 private:
  std::string code_;
};

}  // namespace csp::domain
