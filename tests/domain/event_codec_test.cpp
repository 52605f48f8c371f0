// Every event survives encode/decode unchanged; corrupt payloads are refused.

#include <gtest/gtest.h>

#include <set>

#include <cereal/archives/portable_binary.hpp>

#include "domain/event_codec.h"
#include "domain/upcasters.h"
#include "fixtures.h"

namespace csp::domain {
namespace {

using namespace testing;

std::vector<Event> one_of_each() {
  const CustomerRegistered customer = registration("JP");
  const SubscriptionId subscription = uuid<SubscriptionId>(1, 3);
  const TicketId ticket = uuid<TicketId>(1, 5);
  const Timestamp when = at("2026-05-06T07:08:09.123456Z");
  CustomerRegistered named = customer;
  named.name = parsed(CustomerName::parse("Contoso 株式会社"));
  return {
      AgentRoleGranted{agent(admin), Role::admin_agent, when},
      AgentRoleRevoked{agent(sales), Role::sales_agent, when},
      named,
      SoftwarePurchased{subscription, uuid<OrderId>(1, 2), customer.tenant, customer.domain, customer.market,
                        windows_datacenter(), parsed(Quantity::of(3)), money("10.50", "USD"), money("31.50", "USD"),
                        when, at("2026-07-05T07:08:09Z")},
      ProductKeyIssued{subscription, "2022", key(3), when},
      DownloadLinkIssued{subscription, uuid<LinkId>(1, 4), "2022", "ja-jp", "vhdx", when, at("2026-05-20T07:08:09Z"), 50},
      DownloadRecorded{subscription, uuid<LinkId>(1, 4), actor("user@customer.example"), when, 7},
      DownloadDenied{subscription, uuid<LinkId>(1, 4), actor("someone"), when, DenialReason::download_limit_reached},
      PurchaseCancelled{subscription, uuid<OrderId>(1, 2), customer.tenant, ticket, reason("wrong edition"),
                        money("31.50", "USD"), when},
      ProductKeysRevoked{subscription, ticket, {key(3), key(4)}, {uuid<LinkId>(1, 4)}, when},
      RefundTicketOpened{ticket, subscription, uuid<OrderId>(1, 2), customer.tenant, customer.domain,
                         std::string(refund_issue_type), Impact::critical, parsed(Title::parse("Refund")),
                         "Customer: ...\nRequested amount: 31.50 USD", reason("wrong edition"), money("31.50", "USD"),
                         money("31.50", "USD"), contact(),
                         {Attachment{parsed(FileName::parse("a.pdf")), 12, std::string(64, 'c')}}, when},
      RefundTicketResolved{ticket, RefundStatus::refunded, money("31.50", "USD"), std::nullopt, when},
  };
}

TEST(EventCodec, TypeTableFollowsTheVariantAndNamesAreUnique) {
  const auto types = event_types();
  ASSERT_EQ(types.size(), std::variant_size_v<Event>);
  std::set<std::string_view> names;
  for (const auto& type : types) {
    EXPECT_TRUE(names.insert(type.type_name).second) << type.type_name;
    EXPECT_GE(type.schema_version, 1u);
  }
  // Type names are wire format: these literals must never change.
  EXPECT_EQ(types[0].type_name, "AgentRoleGranted");
  EXPECT_EQ(types[3].type_name, "SoftwarePurchased");
  EXPECT_EQ(types[7].type_name, "DownloadDenied");
  EXPECT_EQ(types[11].type_name, "RefundTicketResolved");
}

TEST(EventCodec, EveryEventTypeRoundTrips) {
  const auto samples = one_of_each();
  std::set<std::size_t> covered;
  for (const auto& event : samples) {
    covered.insert(event.index());
    const std::string bytes = encode_payload(event);
    auto decoded = decode_payload(event_type_name(event), event_schema_version(event), bytes);
    ASSERT_TRUE(decoded.ok()) << event_type_name(event) << ": " << decoded.error().message;
    EXPECT_EQ(*decoded, event) << event_type_name(event);
    EXPECT_EQ(encode_payload(*decoded), bytes) << event_type_name(event);
  }
  EXPECT_EQ(covered.size(), std::variant_size_v<Event>) << "a sample is missing for some event type";
}

TEST(EventCodec, RejectedResolutionRoundTrips) {
  const Event event = RefundTicketResolved{uuid<TicketId>(1, 5), RefundStatus::rejected, std::nullopt,
                                           reason("activated"), day0()};
  EXPECT_EQ(*decode_payload("RefundTicketResolved", 1, encode_payload(event)), event);
}

TEST(EventCodec, RefusesUnknownTypesAndVersions) {
  const std::string bytes = encode_payload(one_of_each()[0]);
  EXPECT_NE(decode_payload("AgentPromoted", 1, bytes).error().message.find("unknown event type"), std::string::npos);
  EXPECT_NE(decode_payload("AgentRoleGranted", 2, bytes).error().message.find("no decoder"), std::string::npos);
}

TEST(EventCodec, RefusesEveryTruncationAndTrailingBytes) {
  for (const auto& event : one_of_each()) {
    const std::string bytes = encode_payload(event);
    for (std::size_t length = 0; length < bytes.size(); ++length) {
      EXPECT_FALSE(decode_payload(event_type_name(event), event_schema_version(event), bytes.substr(0, length)).ok())
          << event_type_name(event) << " cut at " << length;
    }
    EXPECT_FALSE(decode_payload(event_type_name(event), event_schema_version(event), bytes + '\0').ok())
        << event_type_name(event);
  }
}

TEST(EventCodec, RefusesAPayloadDeclaringAnImpossibleSize) {
  std::string bytes = encode_payload(one_of_each()[0]);
  for (std::size_t at = 1; at < 9; ++at) bytes[at] = '\x7f';  // the agent id's length, now about 2^63
  const auto refused = decode_payload("AgentRoleGranted", 1, bytes);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("corrupt"), std::string::npos);
}

// A length that memory could hold (1 GiB) but the payload cannot: refused
// from the count alone, before a gigabyte is allocated and zeroed.
TEST(EventCodec, RefusesACountLargerThanThePayloadBeforeAllocatingIt) {
  std::string bytes = encode_payload(one_of_each()[0]);
  const std::string gibibyte_little_endian("\x00\x00\x00\x40\x00\x00\x00\x00", 8);
  bytes.replace(1, 8, gibibyte_little_endian);  // the agent id's length
  const auto refused = decode_payload("AgentRoleGranted", 1, bytes);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("declares 1073741824 elements in a payload of " + std::to_string(bytes.size()) + " bytes"),
            std::string::npos)
      << refused.error().message;
}

TEST(EventCodec, RefusesStoredValuesThatNoLongerParse) {
  std::string bytes = encode_payload(registration("JP"));
  const std::size_t market_at = bytes.find("JP");
  ASSERT_NE(market_at, std::string::npos);
  bytes.replace(market_at, 2, "XX");
  const auto refused = decode_payload("CustomerRegistered", 2, bytes);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("market \"XX\""), std::string::npos) << refused.error().message;
}

TEST(EventCodec, RefusesOutOfRangeEnums) {
  const Event granted = AgentRoleGranted{agent(admin), Role::admin_agent, day0()};
  std::string bytes = encode_payload(granted);
  // Layout: one portable-binary header byte, the agent id (8-byte length and
  // its characters), then the role byte.
  const std::size_t role_at = 1 + 8 + admin.size();
  ASSERT_EQ(bytes.at(role_at), static_cast<char>(Role::admin_agent));
  bytes[role_at] = 9;
  EXPECT_FALSE(decode_payload("AgentRoleGranted", 1, bytes).ok());
}

// The bytes CustomerRegistered v1 wrote: tenant, domain, market, at.
std::string customer_registered_v1_bytes(const CustomerRegistered& event) {
  std::ostringstream output;
  {
    cereal::PortableBinaryOutputArchive archive(output);
    archive(event.tenant, event.domain, event.market, event.at);
  }
  return output.str();
}

TEST(Upcasting, CustomerRegisteredV1BecomesV2WithoutAName) {
  const CustomerRegistered original = registration("JP");
  const auto upcast = upcast_customer_registered_v1(customer_registered_v1_bytes(original));
  ASSERT_TRUE(upcast.ok()) << upcast.error().message;
  const auto decoded = decode_payload("CustomerRegistered", 2, *upcast);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<CustomerRegistered>(*decoded), original);
  EXPECT_FALSE(decode_payload("CustomerRegistered", 1, customer_registered_v1_bytes(original)).ok());
}

TEST(Upcasting, CorruptV1PayloadIsRefused) {
  const std::string bytes = customer_registered_v1_bytes(registration("JP"));
  EXPECT_FALSE(upcast_customer_registered_v1(bytes.substr(0, bytes.size() - 1)).ok());
  EXPECT_FALSE(upcast_customer_registered_v1(bytes + "x").ok());
}

TEST(Upcasting, EveryStepStartsBelowTheCurrentVersion) {
  for (const auto& step : upcast_steps()) {
    bool is_known = false;
    for (const auto& type : event_types()) {
      if (type.type_name != step.event_type) continue;
      is_known = true;
      EXPECT_LT(step.from_version, type.schema_version) << step.event_type;
    }
    EXPECT_TRUE(is_known) << step.event_type;
  }
}

}  // namespace
}  // namespace csp::domain
