// Money is exact: integer minor units, decimal strings in and out.

#include <gtest/gtest.h>

#include <limits>

#include "fixtures.h"

namespace csp::domain {
namespace {

using testing::money;
using testing::parsed;

TEST(Currency, KnowsMinorUnitExponents) {
  EXPECT_EQ(parsed(Currency::parse("USD")).exponent(), 2);
  EXPECT_EQ(parsed(Currency::parse("jpy")).exponent(), 0);
  EXPECT_EQ(parsed(Currency::parse("KWD")).exponent(), 3);
  EXPECT_EQ(parsed(Currency::parse("CLF")).exponent(), 4);
  EXPECT_FALSE(Currency::parse("XYZ").ok());
  EXPECT_FALSE(Currency::parse("US").ok());
  EXPECT_FALSE(Currency::parse("").ok());
}

TEST(Money, ParsesDecimalStringsExactly) {
  EXPECT_EQ(money("1234.50", "USD").minor_units(), 123450);
  EXPECT_EQ(money("0.01", "USD").minor_units(), 1);
  EXPECT_EQ(money("12.5", "USD").minor_units(), 1250);
  EXPECT_EQ(money("12", "USD").minor_units(), 1200);
  EXPECT_EQ(money("1200", "JPY").minor_units(), 1200);
  EXPECT_EQ(money("1.234", "KWD").minor_units(), 1234);
  EXPECT_EQ(money("0", "EUR").minor_units(), 0);
}

TEST(Money, RefusesMoreDecimalsThanTheCurrencyHas) {
  const auto refused = Money::parse("12.345", "USD");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  EXPECT_NE(refused.error().message.find("more than 2 decimals"), std::string::npos) << refused.error().message;
  EXPECT_NE(Money::parse("1200.5", "JPY").error().message.find("JPY has no minor unit"), std::string::npos);
}

TEST(Money, RefusesMalformedAndNegativeAmounts) {
  for (const char* bad : {"", "-1.00", "1,000.00", "1.2.3", ".50", "12.", "1e3", "abc", " 12", "+12",
                          "99999999999999999999", "92233720368547758.08"}) {
    EXPECT_FALSE(Money::parse(bad, "USD").ok()) << bad;
  }
  EXPECT_NE(Money::parse("-5", "USD").error().message.find("negative"), std::string::npos);
  EXPECT_FALSE(Money::of_minor_units(-1, parsed(Currency::parse("USD"))).ok());
}

TEST(DecimalAmount, CanonicalTextIsTheValueWithoutSurplusZeros) {
  for (const auto& [typed, canonical] : std::vector<std::pair<std::string, std::string>>{
           {"150", "150"}, {"150.00", "150"}, {"0150.50", "150.5"}, {"0", "0"}, {"000.000", "0"},
           {"0.05", "0.05"}, {"100", "100"}, {"10.0100", "10.01"}}) {
    const auto amount = DecimalAmount::parse(typed);
    ASSERT_TRUE(amount.ok()) << typed;
    EXPECT_EQ(amount->canonical_text(), canonical) << typed;
    EXPECT_EQ(amount->str(), typed) << "the text as given is kept";
  }
}

TEST(Money, LargestAmountFitsExactly) {
  EXPECT_EQ(money("92233720368547758.07", "USD").minor_units(), std::numeric_limits<std::int64_t>::max());
}

TEST(Money, PrintsInTheCurrencyPrecision) {
  EXPECT_EQ(money("1234.5", "USD").amount_text(), "1234.50");
  EXPECT_EQ(money("0.07", "USD").amount_text(), "0.07");
  EXPECT_EQ(money("1200", "JPY").amount_text(), "1200");
  EXPECT_EQ(money("3.005", "BHD").str(), "3.005 BHD");
}

TEST(Money, PrintAndParseRoundTripForManyAmounts) {
  for (const char* code : {"USD", "JPY", "KWD", "CLF"}) {
    const Currency currency = parsed(Currency::parse(code));
    for (std::int64_t units = 0; units < 20'000; units += 7) {
      const Money original = parsed(Money::of_minor_units(units * 13, currency));
      EXPECT_EQ(parsed(Money::parse(original.amount_text(), currency)), original) << original.str();
    }
  }
}

TEST(Money, MultipliesByQuantityAndRefusesOverflow) {
  EXPECT_EQ(money("100.25", "USD").times(parsed(Quantity::of(4)))->minor_units(), 40100);
  EXPECT_FALSE(money("92233720368547758.07", "USD").times(parsed(Quantity::of(2))).ok());
}

TEST(Money, EqualityNeedsTheSameCurrency) {
  EXPECT_EQ(money("1.00", "USD"), money("1", "USD"));
  EXPECT_FALSE(money("1.00", "USD") == money("1.00", "EUR"));
}

TEST(DecimalAmount, AcceptsDecimalsAndBecomesMoneyInACurrency) {
  const auto amount = parsed(DecimalAmount::parse("150.5"));
  EXPECT_EQ(parsed(amount.in(parsed(Currency::parse("USD")))), money("150.50", "USD"));
  EXPECT_FALSE(amount.in(parsed(Currency::parse("JPY"))).ok());
  for (const char* bad : {"", "-1", "1.", ".5", "1,5", "abc", "1.23456", "1e5"}) {
    EXPECT_FALSE(DecimalAmount::parse(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace csp::domain
