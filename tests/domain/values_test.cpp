// Value types refuse bad input with a message naming the input.

#include <gtest/gtest.h>

#include "domain/commands.h"
#include "domain/text.h"
#include "fixtures.h"

namespace csp::domain {
namespace {

using testing::parsed;

template <class T>
std::string refusal_of(Result<T> result) {
  EXPECT_FALSE(result.ok());
  if (result) return {};
  EXPECT_EQ(result.error().code, ErrorCode::invalid_input);
  return result.error().message;
}

TEST(Printable, EscapesMalformedUtf8AndControlCharactersAndKeepsTheRest) {
  EXPECT_EQ(printable("Contoso KK \u00e9\u65e5"), "Contoso KK \u00e9\u65e5");
  EXPECT_EQ(printable("a\xff\xfe" "b"), "a\\xff\\xfe" "b");
  EXPECT_EQ(printable("line\nforged\t\x7f"), "line\\x0aforged\\x09\\x7f");
  EXPECT_EQ(printable("\xc3"), "\\xc3") << "a sequence cut short";
  EXPECT_EQ(printable("\xc0\xaf"), "\\xc0\\xaf") << "an overlong form";
  EXPECT_EQ(printable("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "a surrogate";
}

TEST(Utf8Prefix, NeverCutsACharacterInTwo) {
  const std::string text = "ab\u00e9";  // a, b, then two bytes
  EXPECT_EQ(utf8_prefix(text, 4), text);
  EXPECT_EQ(utf8_prefix(text, 3), "ab");
  EXPECT_EQ(utf8_prefix(text, 2), "ab");
  EXPECT_EQ(first_invalid_utf8(text), std::nullopt);
  EXPECT_EQ(first_invalid_utf8("ab\xff"), 2u);
}

TEST(TenantId, AcceptsGuidInAnyCaseAndPrintsLowercase) {
  const auto tenant = parsed(TenantId::parse("8F0C2B1E-4C3A-4D8E-9A51-2B7F3E6D9C10"));
  EXPECT_EQ(tenant.str(), "8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10");
  EXPECT_EQ(parsed(TenantId::parse("{8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10}")), tenant);
}

TEST(TenantId, RefusesWhatIsNotAGuid) {
  EXPECT_NE(refusal_of(TenantId::parse("not-a-guid")).find("tenant id \"not-a-guid\" is not a GUID"),
            std::string::npos);
  for (const char* bad : {"", "8f0c2b1e4c3a4d8e9a512b7f3e6d9c10", "8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c1",
                          "8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10a", "8f0c2b1e-4c3a-4d8e-9a51_2b7f3e6d9c10",
                          "gf0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10", "8f0c2b1e--c3a-4d8e-9a51-2b7f3e6d9c10"}) {
    EXPECT_FALSE(TenantId::parse(bad).ok()) << bad;
  }
}

TEST(IdKinds, NameTheirKindInMessages) {
  EXPECT_NE(refusal_of(OrderId::parse("x")).find("order id"), std::string::npos);
  EXPECT_NE(refusal_of(SubscriptionId::parse("x")).find("subscription id"), std::string::npos);
  EXPECT_NE(refusal_of(LinkId::parse("x")).find("link id"), std::string::npos);
  EXPECT_NE(refusal_of(TicketId::parse("x")).find("ticket id"), std::string::npos);
}

TEST(DomainName, AcceptsAndLowercases) {
  EXPECT_EQ(parsed(DomainName::parse("Contoso.OnMicrosoft.com")).str(), "contoso.onmicrosoft.com");
  EXPECT_EQ(parsed(DomainName::parse("a-b.example")).str(), "a-b.example");
}

TEST(DomainName, RefusesMalformedNames) {
  for (const char* bad : {"", "contoso", "contoso..com", ".contoso.com", "contoso.com.", "-a.com", "a-.com",
                          "con toso.com", "contoso_x.com", "10.0.0.1", "caf\xc3\xa9.com"}) {
    EXPECT_FALSE(DomainName::parse(bad).ok()) << bad;
  }
  EXPECT_FALSE(DomainName::parse(std::string(64, 'a') + ".com").ok());
  EXPECT_FALSE(DomainName::parse(std::string(250, 'a') + ".com").ok());
}

TEST(Market, AcceptsIsoCodesInAnyCase) {
  EXPECT_EQ(parsed(Market::parse("jp")).str(), "JP");
  EXPECT_EQ(parsed(Market::parse("US")).str(), "US");
  EXPECT_EQ(parsed(Market::parse("ZW")).str(), "ZW");
  EXPECT_EQ(parsed(Market::parse("AD")).str(), "AD");
}

TEST(Market, RefusesXXAndOtherNonCodes) {
  EXPECT_EQ(refusal_of(Market::parse("XX")),
            "market \"XX\" is not an ISO 3166-1 alpha-2 country code (example: JP)");
  for (const char* bad : {"", "J", "JPN", "UK", "EU", "1A", "j p"}) EXPECT_FALSE(Market::parse(bad).ok()) << bad;
}

TEST(AgentId, AcceptsEmailLikeIdsAndLowercases) {
  EXPECT_EQ(parsed(AgentId::parse("Alice@Partner.Example")).str(), "alice@partner.example");
  EXPECT_EQ(parsed(AgentId::parse("a.b+c@x.example")).str(), "a.b+c@x.example");
}

TEST(AgentId, RefusesWhatIsNotEmailLike) {
  for (const char* bad : {"", "alice", "@partner.example", "alice@", "alice@@partner.example", "a@b@c.example",
                          "al ice@partner.example", ".alice@partner.example", "al..ice@partner.example",
                          "alice@partner"}) {
    EXPECT_FALSE(AgentId::parse(bad).ok()) << bad;
  }
}

TEST(Role, ParsesTheThreeRoles) {
  EXPECT_EQ(parsed(parse_role("admin-agent")), Role::admin_agent);
  EXPECT_EQ(parsed(parse_role("sales-agent")), Role::sales_agent);
  EXPECT_EQ(parsed(parse_role("helpdesk-agent")), Role::helpdesk_agent);
  EXPECT_NE(refusal_of(parse_role("root")).find("admin-agent, sales-agent, helpdesk-agent"), std::string::npos);
}

TEST(Quantity, AcceptsOneToAMillion) {
  EXPECT_EQ(parsed(Quantity::of(1)).count(), 1u);
  EXPECT_EQ(parsed(Quantity::of(1'000'000)).count(), 1'000'000u);
  EXPECT_EQ(parsed(Quantity::parse("25")).count(), 25u);
}

TEST(Quantity, RefusesZeroNegativeFractionsAndTooMany) {
  EXPECT_NE(refusal_of(Quantity::of(-1)).find("quantity -1 is out of range"), std::string::npos);
  EXPECT_FALSE(Quantity::of(0).ok());
  EXPECT_FALSE(Quantity::of(1'000'001).ok());
  for (const char* bad : {"", "-3", "2.5", "ten", "3 ", "+3", "99999999999999999999"}) {
    EXPECT_FALSE(Quantity::parse(bad).ok()) << bad;
  }
}

TEST(Sku, AcceptsSlugsAndRefusesOthers) {
  EXPECT_EQ(parsed(Sku::parse("windows-server-2022-datacenter")).str(), "windows-server-2022-datacenter");
  for (const char* bad : {"", "Windows", "a_b", "-a", "a-", "a b"}) EXPECT_FALSE(Sku::parse(bad).ok()) << bad;
  EXPECT_FALSE(Sku::parse(std::string(65, 'a')).ok());
}

TEST(ProductKey, AcceptsFiveGroupsFromTheKeyAlphabet) {
  EXPECT_TRUE(ProductKey::parse("VK7JG-MPHTM-C97JM-9MPGT-3V66T").ok());
  for (const char* bad : {"", "VK7JG-MPHTM-C97JM-9MPGT", "VK7JG-MPHTM-C97JM-9MPGT-3V66A",
                          "vk7jg-mphtm-c97jm-9mpgt-3v66t", "VK7JGMPHTMC97JM9MPGT3V66T0000",
                          "VK7JG-MPHTM-C97JM-9MPGT-3V660"}) {
    EXPECT_FALSE(ProductKey::parse(bad).ok()) << bad;
  }
}

TEST(Text, TrimsAndBoundsFreeText) {
  EXPECT_EQ(parsed(Reason::parse("  wrong edition \n")).str(), "wrong edition");
  EXPECT_EQ(parsed(Reason::parse("line one\nline two")).str(), "line one\nline two");
  EXPECT_EQ(parsed(Title::parse("日本語のタイトル")).str(), "日本語のタイトル");
  EXPECT_NE(refusal_of(Reason::parse("   ")).find("reason is empty"), std::string::npos);
  EXPECT_NE(refusal_of(Title::parse("two\nlines")).find("single line"), std::string::npos);
  EXPECT_NE(refusal_of(Title::parse(std::string(201, 'x'))).find("limit is 200"), std::string::npos);
  EXPECT_NE(refusal_of(Title::parse("bad \xff byte")).find("UTF-8"), std::string::npos);
  EXPECT_FALSE(Title::parse("overlong \xc0\xaf slash").ok());
  EXPECT_FALSE(Title::parse("surrogate \xed\xa0\x80").ok());
  EXPECT_FALSE(Title::parse("nul \x01 char").ok());
}

TEST(PhoneNumber, AcceptsCommonWritingsAndRefusesOthers) {
  EXPECT_TRUE(PhoneNumber::parse("+81 3-1234-5678").ok());
  EXPECT_TRUE(PhoneNumber::parse("(555) 123.4567").ok());
  for (const char* bad : {"", "1234", "call me", "12+345678", "+1 234 567 890 123 456 789 012"}) {
    EXPECT_FALSE(PhoneNumber::parse(bad).ok()) << bad;
  }
}

TEST(Impact, ParsesItsFourLevels) {
  EXPECT_EQ(parsed(parse_impact("critical")), Impact::critical);
  EXPECT_FALSE(parse_impact("urgent").ok());
}

TEST(ErrorCode, NamesRoundTripAndAreUnique) {
  for (int index = 0; index < error_code_count; ++index) {
    const auto code = static_cast<ErrorCode>(index);
    EXPECT_EQ(parse_code_name(code_name(code)), code);
  }
  EXPECT_EQ(code_name(ErrorCode::cancel_window_closed), "cancel_window_closed");
  EXPECT_FALSE(parse_code_name("no_such_code").has_value());
}

TEST(ResultType, AskingForTheWrongSideIsABug) {
  const Result<int> failed = invalid_input("nope");
  EXPECT_THROW((void)failed.value(), std::logic_error);
  const Result<int> fine = 3;
  EXPECT_THROW((void)fine.error(), std::logic_error);
}

}  // namespace
}  // namespace csp::domain
