#include "domain/money.h"

#include <algorithm>
#include <limits>

#include "domain/text.h"

namespace csp::domain {
namespace {

constexpr std::int64_t units_max = std::numeric_limits<std::int64_t>::max();

std::int64_t power_of_ten(int exponent) {
  std::int64_t result = 1;
  for (int i = 0; i < exponent; ++i) result *= 10;
  return result;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<Money> Money::of_minor_units(std::int64_t minor_units, const Currency& currency) {
  if (minor_units < 0) {
    return invalid_input("an amount cannot be negative (" + std::to_string(minor_units) + " minor units of " +
                         currency.code() + ")");
  }
  Money money;
  money.minor_units_ = minor_units;
  money.currency_ = currency;
  return money;
}

Result<Money> Money::parse(std::string_view amount, std::string_view currency_code) {
  auto currency = Currency::parse(currency_code);
  if (!currency) return std::move(currency).error();
  return parse(amount, *currency);
}

Result<Money> Money::parse(std::string_view amount, const Currency& currency) {
  const int exponent = currency.exponent();
  const auto refuse = [&](std::string_view why) {
    const std::string example = exponent == 0 ? "1200" : "1234." + std::string(static_cast<std::size_t>(exponent), '5');
    return invalid_input("amount \"" + std::string(utf8_prefix(amount, 40)) + "\" " + std::string(why) + " (example for " +
                         currency.code() + ": " + example + ")");
  };
  if (!amount.empty() && amount.front() == '-') return refuse("is negative; amounts are never below zero");
  const std::size_t point = amount.find('.');
  const std::string_view whole = amount.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view() : amount.substr(point + 1);
  if (whole.empty()) return refuse("has no digits before the decimal point");
  if (point != std::string_view::npos && fraction.empty()) return refuse("has no digits after the decimal point");
  for (const char c : amount) {
    if (!is_digit(c) && c != '.') return refuse("may hold only digits and one decimal point");
  }
  if (fraction.find('.') != std::string_view::npos) return refuse("has more than one decimal point");
  if (fraction.size() > static_cast<std::size_t>(exponent)) {
    return refuse(exponent == 0 ? "has decimals, but " + currency.code() + " has no minor unit"
                                : "has more than " + std::to_string(exponent) + " decimals, the precision of " +
                                      currency.code());
  }
  std::int64_t units = 0;
  const auto add_digit = [&](char digit) {
    if (units > (units_max - (digit - '0')) / 10) return false;
    units = units * 10 + (digit - '0');
    return true;
  };
  for (const char c : whole) {
    if (!add_digit(c)) return refuse("is too large");
  }
  for (int i = 0; i < exponent; ++i) {
    const std::size_t index = static_cast<std::size_t>(i);
    if (!add_digit(index < fraction.size() ? fraction[index] : '0')) return refuse("is too large");
  }
  return of_minor_units(units, currency);
}

std::string Money::amount_text() const {
  const int exponent = currency_.exponent();
  const std::int64_t scale = power_of_ten(exponent);
  std::string text = std::to_string(minor_units_ / scale);
  if (exponent > 0) {
    std::string fraction = std::to_string(minor_units_ % scale);
    text += "." + std::string(static_cast<std::size_t>(exponent) - fraction.size(), '0') + fraction;
  }
  return text;
}

std::string Money::str() const { return amount_text() + " " + currency_.code(); }

Result<Money> Money::times(Quantity quantity) const {
  const std::int64_t count = quantity.count();
  if (minor_units_ > units_max / count) {
    return invalid_input(str() + " times " + std::to_string(count) + " is too large to record");
  }
  return of_minor_units(minor_units_ * count, currency_);
}

std::string DecimalAmount::canonical_text() const {
  const std::size_t point = text_.find('.');
  std::string whole = text_.substr(0, point);
  std::string fraction = point == std::string::npos ? std::string() : text_.substr(point + 1);
  whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size() - 1));
  fraction.erase(fraction.find_last_not_of('0') + 1);
  return fraction.empty() ? whole : whole + "." + fraction;
}

Result<DecimalAmount> DecimalAmount::parse(std::string_view text) {
  // Up to 4 decimals, the most any currency has (CLF): the currency's own
  // precision is checked later, by Money::parse.
  static constexpr std::size_t digits_max = 24;
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  const std::string_view fraction = point == std::string_view::npos ? std::string_view() : text.substr(point + 1);
  const auto all_digits = [](std::string_view part) {
    for (const char c : part) {
      if (!is_digit(c)) return false;
    }
    return true;
  };
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction) || text.size() > digits_max ||
      (point != std::string_view::npos && fraction.empty()) || fraction.size() > 4) {
    return invalid_input("amount \"" + std::string(utf8_prefix(text, 40)) +
                         "\" is not a decimal amount such as 150.00 (digits, one optional decimal point)");
  }
  DecimalAmount amount;
  amount.text_ = std::string(text);
  return amount;
}

}  // namespace csp::domain
