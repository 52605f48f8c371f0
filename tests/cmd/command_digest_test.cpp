// The canonical form L3 compares: what it covers, what it leaves out, and
// that it does not depend on how the command was written.

#include <functional>

#include <gtest/gtest.h>

#include "cmd/command_digest.h"
#include "cmd/request_json.h"
#include "eventstore/chain.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

RequestDefaults fixed_defaults(std::string uuid) {
  RequestDefaults defaults = system_defaults();
  defaults.now = [] { return *domain::Timestamp::parse("2026-01-01T00:00:00Z"); };
  defaults.new_uuid = [uuid] { return uuid; };
  return defaults;
}

std::optional<eventstore::Hash> digest_of(const std::string& text, const std::string& made_up_uuid) {
  auto request = parse_request(json::parse(text), fixed_defaults(made_up_uuid));
  if (!request) throw std::runtime_error(request.error().message);
  return request->digest;
}

const std::string purchase =
    R"({"id":"p-1","command":"PurchaseSoftware","actor":"sam@partner.example","customer":"contoso.onmicrosoft.com",)"
    R"("product":"sql-server-2022-standard","quantity":2,"unit_price":"12.5","currency":"USD"})";

TEST(CommandDigest, L3_TheCanonicalFormHasSortedKeysAndLeavesOutIdTimeAndMadeUpIds) {
  auto request = parse_request(json::parse(purchase), fixed_defaults("aaaaaaaa-1111-4111-8111-111111111111"));
  ASSERT_TRUE(request.ok()) << request.error().message;
  const auto canonical =
      canonical_command_json(request->command, request->meta.actor, {"order_id", "subscription_id"});
  EXPECT_EQ(canonical.dump(),
            R"({"actor":"sam@partner.example","command":"PurchaseSoftware","currency":"USD",)"
            R"("customer":"contoso.onmicrosoft.com","product":"sql-server-2022-standard","quantity":2,)"
            R"("unit_price":"12.50"})");
  EXPECT_EQ(request->digest, command_digest(canonical));
  EXPECT_EQ(eventstore::hash_hex(command_digest(canonical)).size(), 64u);
}

TEST(CommandDigest, L3_TheSameCommandWrittenAnotherWayHasTheSameDigest) {
  const auto first = digest_of(purchase, "aaaaaaaa-1111-4111-8111-111111111111");
  ASSERT_TRUE(first.has_value());
  // Other key order, quantity as text, another time, other made-up ids.
  const std::string rewritten =
      R"({"currency":"USD","unit_price":"12.50","quantity":"2","product":"sql-server-2022-standard",)"
      R"("customer":"contoso.onmicrosoft.com","actor":"sam@partner.example","at":"2026-02-01T00:00:00Z",)"
      R"("command":"PurchaseSoftware","id":"p-1"})";
  EXPECT_EQ(digest_of(rewritten, "bbbbbbbb-1111-4111-8111-111111111111"), first);
}

TEST(CommandDigest, L3_AnyChangedFieldChangesTheDigest) {
  const auto first = digest_of(purchase, "aaaaaaaa-1111-4111-8111-111111111111");
  for (const auto& [field, value] : std::vector<std::pair<std::string, json>>{
           {"quantity", 3},
           {"unit_price", "12.51"},
           {"currency", "EUR"},
           {"product", "sql-server-2022-enterprise"},
           {"customer", "fabrikam.onmicrosoft.com"},
           {"actor", "kim@partner.example"},
           {"order_id", "aaaaaaaa-1111-4111-8111-111111111111"}}) {
    json changed = json::parse(purchase);
    changed[field] = value;
    EXPECT_NE(digest_of(changed.dump(), "aaaaaaaa-1111-4111-8111-111111111111"), first) << field;
  }
}

TEST(CommandDigest, L3_AnAmountWrittenWithOtherZerosIsTheSameAmount) {
  const auto cancel = [](const std::string& amount) {
    return R"({"id":"c-1","command":"CancelPurchase","actor":"sam@partner.example","order":)"
           R"("aaaaaaaa-1111-4111-8111-111111111111","customer":"contoso.onmicrosoft.com","reason":"wrong edition",)"
           R"("amount":")" + amount + R"(","contact_name":"Kenji","contact_email":"kenji@contoso.example",)"
           R"("contact_phone":"+81 3 1234 5678"})";
  };
  const auto resolve = [](const std::string& amount) {
    return R"({"id":"r-1","command":"ResolveRefundTicket","actor":"hal@partner.example","ticket":)"
           R"("cccccccc-1111-4111-8111-111111111111","refunded":")" + amount + R"("})";
  };
  const std::string uuid = "bbbbbbbb-1111-4111-8111-111111111111";
  for (const auto& make : {std::function<std::string(const std::string&)>(cancel), std::function<std::string(const std::string&)>(resolve)}) {
    const auto first = digest_of(make("150"), uuid);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(digest_of(make("150.00"), uuid), first);
    EXPECT_EQ(digest_of(make("0150.0"), uuid), first);
    EXPECT_NE(digest_of(make("150.01"), uuid), first);
    EXPECT_NE(digest_of(make("15"), uuid), first);
    EXPECT_EQ(digest_of(make("0.50"), uuid), digest_of(make("0.5"), uuid));
  }
}

TEST(CommandDigest, ACommandWithoutAnIdHasNoDigest) {
  json without = json::parse(purchase);
  without.erase("id");
  EXPECT_FALSE(digest_of(without.dump(), "aaaaaaaa-1111-4111-8111-111111111111").has_value());
}

}  // namespace
}  // namespace csp::cmd
