// The server's pure parts: tokens file, status mapping, request targets,
// command bodies, the connection table, the log budget.

#include <algorithm>
#include <cctype>
#include <functional>

#include <gtest/gtest.h>

#include "cmd/server/command_body.h"
#include "cmd/server/connection_table.h"
#include "cmd/server/http_status.h"
#include "cmd/server/log_budget.h"
#include "cmd/server/query_string.h"
#include "cmd/server/tokens.h"

namespace csp::server {
namespace {

TEST(ConnectionTable, AFullTableShedsTheLongestWaitingOfTheAddressWithMostWaiting) {
  ConnectionTable table(4, 3);
  const auto a = boost::asio::ip::make_address("10.0.0.1");
  const auto b = boost::asio::ip::make_address("10.0.0.2");
  const auto c = boost::asio::ip::make_address("10.0.0.3");
  std::vector<std::string> shed;
  const auto admit = [&](const boost::asio::ip::address& from, const std::string& name) {
    auto admission = table.admit(from);
    if (admission.verdict != ConnectionTable::Admission::Verdict::admitted) return admission.verdict;
    if (admission.shed) admission.shed();
    table.attach(admission.id, [&shed, name] { shed.push_back(name); });
    return admission.verdict;
  };
  using Verdict = ConnectionTable::Admission::Verdict;
  EXPECT_EQ(admit(a, "a1"), Verdict::admitted);
  EXPECT_EQ(admit(b, "b1"), Verdict::admitted);
  EXPECT_EQ(admit(b, "b2"), Verdict::admitted);
  EXPECT_EQ(admit(b, "b3"), Verdict::admitted);
  EXPECT_EQ(admit(b, "b4"), Verdict::address_full) << "3 per address";
  EXPECT_TRUE(shed.empty());
  EXPECT_EQ(admit(c, "c1"), Verdict::admitted);
  EXPECT_EQ(shed, std::vector<std::string>{"b1"}) << "b waits most, b1 longest";
  EXPECT_EQ(table.connections(), 5u) << "b1 is asked to close, not closed yet";
  table.release(2);  // b1 closes
  EXPECT_EQ(table.connections(), 4u);
}

// Admits `count` connections from `from`, each attached with `shed` and `stop`.
void admit_attached(ConnectionTable& table, const boost::asio::ip::address& from, int count, const std::function<void()>& shed,
                    const std::function<void()>& stop = {}) {
  for (int i = 0; i < count; ++i) {
    const auto admission = table.admit(from);
    ASSERT_EQ(admission.verdict, ConnectionTable::Admission::Verdict::admitted);
    table.attach(admission.id, shed, stop);
  }
}

TEST(ConnectionTable, ConnectionsBeingAnsweredAreNeverShed) {
  ConnectionTable table(2, 10);
  const auto a = boost::asio::ip::make_address("10.0.0.1");
  int shed = 0;
  admit_attached(table, a, 2, [&shed] { ++shed; });
  table.set_waiting(1, false);
  table.set_waiting(2, false);
  EXPECT_EQ(table.admit(a).verdict, ConnectionTable::Admission::Verdict::full);
  table.set_waiting(1, true);
  const auto admission = table.admit(a);
  EXPECT_EQ(admission.verdict, ConnectionTable::Admission::Verdict::admitted);
  ASSERT_TRUE(admission.shed);
  admission.shed();
  EXPECT_EQ(shed, 1);
  // Its request arrived meanwhile: it keeps its place, and the table is full again.
  table.spare(1);
  EXPECT_EQ(table.admit(a).verdict, ConnectionTable::Admission::Verdict::full);
}

TEST(ConnectionTable, StopAllAsksEveryAttachedConnectionBusyOrNot) {
  ConnectionTable table(4, 4);
  const auto a = boost::asio::ip::make_address("10.0.0.1");
  int stopped = 0;
  admit_attached(table, a, 2, [] {}, [&stopped] { ++stopped; });
  ASSERT_EQ(table.admit(a).verdict, ConnectionTable::Admission::Verdict::admitted);
  table.set_waiting(1, false);
  table.stop_all();
  EXPECT_EQ(stopped, 2) << "the unattached one has no way to be asked";
}

TEST(LogBudget, ABurstIsWrittenThenTheRestCountedUntilTheRateRefills) {
  LogBudget budget(3, 2);  // 3 at once, then one every 500 ms
  const LogBudget::Clock::time_point start{};
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(budget.try_spend(start)) << i;
  EXPECT_FALSE(budget.try_spend(start));
  EXPECT_FALSE(budget.try_spend(start + std::chrono::milliseconds(499)));
  EXPECT_TRUE(budget.try_spend(start + std::chrono::milliseconds(500)));
  EXPECT_FALSE(budget.try_spend(start + std::chrono::milliseconds(500)));
  EXPECT_EQ(budget.take_suppressed(), 3u);
  EXPECT_EQ(budget.take_suppressed(), 0u);
  // A long pause refills the burst, and no more than the burst.
  const auto later = start + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(budget.try_spend(later)) << i;
  EXPECT_FALSE(budget.try_spend(later));
  // A time from before (a thread that lost the race for the lock) refills nothing.
  EXPECT_FALSE(budget.try_spend(later - std::chrono::seconds(10)));
  EXPECT_EQ(budget.take_suppressed(), 2u);
}

TEST(Tokens, ReadsPairsAndCommentsAndFindsTheAgent) {
  auto tokens = Tokens::parse("# who may call\n\nabcdefghijklmnop alice@partner.example  # admin\n  qrstuvwxyz012345 sam@partner.example\n", "t.txt");
  ASSERT_TRUE(tokens) << tokens.error().message;
  EXPECT_EQ(tokens->agent_of("abcdefghijklmnop"), "alice@partner.example");
  EXPECT_EQ(tokens->agent_of("qrstuvwxyz012345"), "sam@partner.example");
  EXPECT_EQ(tokens->agent_of("abcdefghijklmno"), std::nullopt);
  EXPECT_EQ(tokens->agent_of("abcdefghijklmnopq"), std::nullopt);
  EXPECT_EQ(tokens->agent_of(""), std::nullopt);
}

TEST(Tokens, AMalformedFileIsRefusedNamingTheLine) {
  auto missing_agent = Tokens::parse("abcdefghijklmnop alice@partner.example\nqrstuvwxyz012345\n", "t.txt");
  ASSERT_FALSE(missing_agent);
  EXPECT_NE(missing_agent.error().message.find("t.txt line 2"), std::string::npos) << missing_agent.error().message;
  auto bad_agent = Tokens::parse("abcdefghijklmnop not-an-agent\n", "t.txt");
  ASSERT_FALSE(bad_agent);
  EXPECT_NE(bad_agent.error().message.find("line 1"), std::string::npos);
  EXPECT_FALSE(Tokens::parse("short alice@partner.example\n", "t.txt"));
  EXPECT_FALSE(Tokens::parse("abcdefghijklmnop a@x.example\nabcdefghijklmnop b@x.example\n", "t.txt"));
  EXPECT_FALSE(Tokens::parse("# nothing\n", "t.txt"));
}

TEST(Tokens, AHashedTokenIsFoundByTheTokenNotByItsHash) {
  const auto hashed = Tokens::hashed_form("abcdefghijklmnop\n");
  ASSERT_TRUE(hashed) << hashed.error().message;
  // printf %s abcdefghijklmnop | sha256sum
  EXPECT_EQ(*hashed, "sha256:f39dac6cbaba535e2c207cd0cd8f154974223c848f727f98b3564cea569b41cf");
  auto tokens = Tokens::parse(*hashed + " alice@partner.example\nqrstuvwxyz012345 sam@partner.example\n", "t.txt");
  ASSERT_TRUE(tokens) << tokens.error().message;
  EXPECT_EQ(tokens->agent_of("abcdefghijklmnop"), "alice@partner.example");
  EXPECT_EQ(tokens->agent_of("qrstuvwxyz012345"), "sam@partner.example");
  EXPECT_EQ(tokens->agent_of(*hashed), std::nullopt);
  EXPECT_EQ(tokens->agent_of("abcdefghijklmno"), std::nullopt);
  EXPECT_EQ(tokens->agent_of(""), std::nullopt);
  // Upper-case hex is the same digest.
  std::string upper = *hashed;
  std::transform(upper.begin() + 7, upper.end(), upper.begin() + 7, [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto upper_tokens = Tokens::parse(upper + " alice@partner.example\n", "t.txt");
  ASSERT_TRUE(upper_tokens) << upper_tokens.error().message;
  EXPECT_EQ(upper_tokens->agent_of("abcdefghijklmnop"), "alice@partner.example");
}

TEST(Tokens, ATokenGivenInClearAndHashedIsGivenTwice) {
  const auto hashed = Tokens::hashed_form("abcdefghijklmnop");
  ASSERT_TRUE(hashed);
  auto twice = Tokens::parse("abcdefghijklmnop a@x.example\n" + *hashed + " b@x.example\n", "t.txt");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("line 2: this token is already given to a@x.example"), std::string::npos) << twice.error().message;
}

TEST(Tokens, AHashedTokenIsSha256AndExactly64HexDigits) {
  const std::string digits(64, 'a');
  EXPECT_TRUE(Tokens::parse("sha256:" + digits + " a@x.example\n", "t.txt"));
  for (const std::string& wrong : {"sha256:" + digits.substr(1), "sha256:" + digits + "a", "sha256:" + digits.substr(1) + "g", std::string("sha256:")}) {
    auto refused = Tokens::parse("# first\n" + wrong + " a@x.example\n", "t.txt");
    ASSERT_FALSE(refused) << wrong;
    EXPECT_NE(refused.error().message.find("t.txt line 2: a hashed token is sha256: and 64 hex digits"), std::string::npos)
        << refused.error().message;
  }
  EXPECT_FALSE(Tokens::hashed_form("  \n"));
  EXPECT_FALSE(Tokens::hashed_form("abcdefgh ijklmnop"));
  EXPECT_FALSE(Tokens::hashed_form("short"));
  EXPECT_FALSE(Tokens::hashed_form("sha256:" + digits));
}

TEST(HttpStatus, EachRefusalCodeHasTheStatusOfTheDesign) {
  using domain::ErrorCode;
  EXPECT_EQ(http_status_of(ErrorCode::invalid_input), 400u);
  EXPECT_EQ(http_status_of(ErrorCode::not_authorized), 403u);
  for (auto code : {ErrorCode::unknown_customer, ErrorCode::unknown_product, ErrorCode::unknown_subscription,
                    ErrorCode::unknown_link, ErrorCode::unknown_ticket}) {
    EXPECT_EQ(http_status_of(code), 404u) << domain::code_name(code);
  }
  EXPECT_EQ(http_status_of(ErrorCode::concurrency_conflict), 409u);
  for (int i = 0; i < domain::error_code_count; ++i) {
    const auto code = static_cast<ErrorCode>(i);
    const auto name = domain::code_name(code);
    if (code == ErrorCode::invalid_input || code == ErrorCode::not_authorized || code == ErrorCode::concurrency_conflict ||
        name.starts_with("unknown_")) {
      continue;
    }
    EXPECT_EQ(http_status_of(code), 422u) << name;
  }
}

TEST(Target, SplitsThePathAndDecodesParameters) {
  auto target = parse_target("/reports/links?customer=contoso%2Eonmicrosoft.com&as_of=2026-01-01T00%3A00%3A00Z&x=a+b");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->path, "/reports/links");
  EXPECT_EQ(target->parameters.at("customer"), "contoso.onmicrosoft.com");
  EXPECT_EQ(target->parameters.at("as_of"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(target->parameters.at("x"), "a b");
  EXPECT_FALSE(parse_target("/events?from=1&from=2"));
  EXPECT_FALSE(parse_target("/events?from=%2"));
  EXPECT_FALSE(parse_target("/events?from=%zz"));
}

TEST(CommandBody, OneObjectOrJsonLinesWithTheTokensAgent) {
  const std::string agent = "alice@partner.example";
  CommandBody one = parse_command_body(R"({"command":"GrantRole","agent":"sam@partner.example","role":"sales-agent","id":"c-9"})", agent);
  ASSERT_EQ(one.commands.size(), 1u);
  EXPECT_FALSE(one.is_json_lines);
  ASSERT_TRUE(one.commands[0].request);
  EXPECT_EQ(one.commands[0].request->meta.actor.str(), agent);
  EXPECT_EQ(one.commands[0].command_id, "c-9");
  EXPECT_FALSE(one.commands[0].has_business_time);

  CommandBody lines = parse_command_body(
      "{\"command\":\"RecordDownload\",\"link\":\"b1000000-0000-4000-8000-000000000001\",\"at\":\"2026-01-01T00:00:00Z\"}\n"
      "\n{oops\n{\"command\":\"RecordDownload\",\"link\":\"b1000000-0000-4000-8000-000000000001\",\"actor\":\"x@y.example\"}\n",
      agent);
  ASSERT_EQ(lines.commands.size(), 3u);
  EXPECT_TRUE(lines.is_json_lines);
  EXPECT_TRUE(lines.commands[0].has_business_time);
  ASSERT_TRUE(lines.commands[1].refusal);
  EXPECT_EQ(lines.commands[1].refusal->message, "line 3: not valid JSON");
  ASSERT_TRUE(lines.commands[2].refusal);
  EXPECT_EQ(lines.commands[2].refusal->code, domain::ErrorCode::invalid_input);
}

TEST(CommandBody, AttachmentsAreNotReadFromTheServersDisk) {
  CommandBody body = parse_command_body(
      R"({"command":"CancelPurchase","subscription":"a1000000-0000-4000-8000-000000000001","customer":"contoso.onmicrosoft.com",)"
      R"("reason":"r","amount":"1.00","contact_name":"K","contact_email":"k@contoso.example","contact_phone":"+81 3-1234-5678","attach":["/etc/passwd"]})",
      "alice@partner.example");
  ASSERT_TRUE(body.commands[0].refusal);
  EXPECT_NE(body.commands[0].refusal->message.find("does not read files"), std::string::npos) << body.commands[0].refusal->message;
}

}  // namespace
}  // namespace csp::server
