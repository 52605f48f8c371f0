#pragma once
// Money: a whole number of minor units in one currency. Never negative, never
// a floating-point number; parsed and printed as exact decimal strings.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/currency.h"
#include "domain/quantity.h"
#include "domain/result.h"

namespace csp::domain {

class Money {
 public:
  Money() = default;  // only for decoding

  // "1234.50" in USD is 123450 minor units. Fewer decimals than the currency
  // has are filled with zeros ("12.5" USD); more are refused ("12.345" USD).
  static Result<Money> parse(std::string_view amount, const Currency& currency);
  static Result<Money> parse(std::string_view amount, std::string_view currency_code);
  static Result<Money> of_minor_units(std::int64_t minor_units, const Currency& currency);

  std::int64_t minor_units() const { return minor_units_; }
  const Currency& currency() const { return currency_; }
  bool is_zero() const { return minor_units_ == 0; }
  // The amount alone, in the currency's precision: "1234.50", "1200".
  std::string amount_text() const;
  // For people: "1234.50 USD".
  std::string str() const;

  // Refused when the product does not fit in 63 bits.
  Result<Money> times(Quantity quantity) const;

  friend bool operator==(const Money&, const Money&) = default;

  template <class Archive>
  void save(Archive& archive) const { archive(minor_units_, currency_); }
  template <class Archive>
  void load(Archive& archive) {
    std::int64_t stored_units = 0;
    Currency stored_currency;
    archive(stored_units, stored_currency);
    *this = detail::value_or_throw(of_minor_units(stored_units, stored_currency));
  }

 private:
  std::int64_t minor_units_ = 0;
  Currency currency_;
};

// A decimal amount typed without its currency ("150.00"), as `cancel
// --amount` takes it: the currency is the purchase's, known only once the
// purchase is loaded. Checked as a non-negative decimal here; its precision
// is checked when it becomes Money.
class DecimalAmount {
 public:
  static Result<DecimalAmount> parse(std::string_view text);
  const std::string& str() const { return text_; }
  // The same value however it was written: "150", "0150" and "150.00" are
  // all "150", "1.50" is "1.5".
  std::string canonical_text() const;
  Result<Money> in(const Currency& currency) const { return Money::parse(text_, currency); }

  friend bool operator==(const DecimalAmount&, const DecimalAmount&) = default;

 private:
  std::string text_;
};

}  // namespace csp::domain
