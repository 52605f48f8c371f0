#pragma once
// An ISO 4217 currency and its minor-unit exponent (USD 2, JPY 0, KWD 3).

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

class Currency {
 public:
  Currency() = default;  // only for decoding

  static Result<Currency> parse(std::string_view text);
  const std::string& code() const { return code_; }
  // Digits after the decimal point: the amount in minor units is
  // the decimal amount times 10^exponent.
  int exponent() const { return exponent_; }

  friend bool operator==(const Currency& a, const Currency& b) { return a.code_ == b.code_; }

  template <class Archive>
  std::string save_minimal(const Archive&) const { return code_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    *this = detail::value_or_throw(parse(stored));
  }

 private:
  std::string code_;
  int exponent_ = 0;
};

}  // namespace csp::domain
