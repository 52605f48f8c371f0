// R1, R2, R3: purchases on behalf of customers.

#include <gtest/gtest.h>

#include "fixtures.h"

namespace csp::domain {
namespace {

using namespace testing;

class Purchase : public ::testing::Test {
 protected:
  World world;
  CustomerState customer = customer_in("JP");

  Decision buy(const Product& product, const std::string& who = admin, const CustomerState* buyer = nullptr) {
    const CommandMeta command_meta = meta(who, day0());
    const CustomerState& chosen = buyer ? *buyer : customer;
    return decide(SubscriptionState{}, purchase_of(product, chosen), chosen, world.context(command_meta));
  }
};

TEST_F(Purchase, R3_AdminAndSalesMayPurchase) {
  EXPECT_TRUE(has_events<SoftwarePurchased>(buy(windows_datacenter(), admin)));
  const Decision by_sales = buy(windows_datacenter(), sales);
  ASSERT_TRUE(has_events<SoftwarePurchased>(by_sales));
  EXPECT_EQ(by_sales.role_used, Role::sales_agent);
}

TEST_F(Purchase, R3_HelpdeskAndStrangersMayNotPurchase) {
  EXPECT_TRUE(is_refused(buy(windows_datacenter(), helpdesk), ErrorCode::not_authorized));
  EXPECT_TRUE(is_refused(buy(windows_datacenter(), "mallory@elsewhere.example"), ErrorCode::not_authorized));
}

TEST_F(Purchase, R3_YieldsOrderAndSubscriptionWithPriceTimesQuantity) {
  const Decision decision = buy(windows_datacenter());
  ASSERT_TRUE(has_events<SoftwarePurchased>(decision));
  const auto& purchased = only<SoftwarePurchased>(decision);
  EXPECT_EQ(purchased.order, uuid<OrderId>(1, 2));
  EXPECT_EQ(purchased.subscription, uuid<SubscriptionId>(1, 3));
  EXPECT_EQ(purchased.quantity.count(), 2u);
  EXPECT_EQ(purchased.unit_price, money("100.00", "USD"));
  EXPECT_EQ(purchased.total_price, money("200.00", "USD"));
  EXPECT_EQ(purchased.tenant, customer.registration->tenant);
}

TEST_F(Purchase, R3_PriceMustBePositive) {
  const CommandMeta command_meta = meta(admin, day0());
  const Decision decision = decide(SubscriptionState{}, purchase_of(sql_standard(), customer, 1, "0.00"), customer,
                                   world.context(command_meta));
  EXPECT_TRUE(is_refused(decision, ErrorCode::invalid_input));
}

TEST_F(Purchase, R3_CustomerMustBeRegistered) {
  const CommandMeta command_meta = meta(admin, day0());
  const CustomerState nobody;
  PurchaseSoftware command = purchase_of(sql_standard(), customer);
  EXPECT_TRUE(is_refused(decide(SubscriptionState{}, command, nobody, world.context(command_meta)),
                         ErrorCode::unknown_customer));
  command.customer = uuid<TenantId>(9, 1);  // not the customer whose state was loaded
  EXPECT_TRUE(is_refused(decide(SubscriptionState{}, command, customer, world.context(command_meta)),
                         ErrorCode::unknown_customer));
  command.customer = customer.registration->domain;
  EXPECT_TRUE(has_events<SoftwarePurchased>(decide(SubscriptionState{}, command, customer, world.context(command_meta))));
}

TEST_F(Purchase, R3_ProductMustBeInTheCatalogue) {
  const CommandMeta command_meta = meta(admin, day0());
  PurchaseSoftware command = purchase_of(sql_standard(), customer);
  command.product = sku("sql-server-2025-standard");
  EXPECT_TRUE(is_refused(decide(SubscriptionState{}, command, customer, world.context(command_meta)),
                         ErrorCode::unknown_product));
}

TEST_F(Purchase, ASubscriptionIdIsUsedOnce) {
  const SubscriptionState existing = given<SubscriptionState>(buy(sql_standard()).events);
  const CommandMeta command_meta = meta(admin, day0());
  EXPECT_TRUE(is_refused(decide(existing, purchase_of(sql_standard(), customer), customer, world.context(command_meta)),
                         ErrorCode::invalid_input));
}

TEST_F(Purchase, L7_RecordsProductSnapshotMarketAndCancelDeadline) {
  const auto& purchased = only<SoftwarePurchased>(buy(windows_datacenter()));
  EXPECT_EQ(purchased.product, windows_datacenter());
  EXPECT_EQ(purchased.market, market("JP"));
  EXPECT_EQ(purchased.cancel_deadline, at("2026-03-02T00:00:00Z"));  // day0 + 60 days
}

TEST_F(Purchase, R2_WindowsServerIsHybridBenefitEligibleSqlServerIsNot) {
  EXPECT_TRUE(only<SoftwarePurchased>(buy(windows_datacenter())).product.hybrid_benefit_eligible);
  EXPECT_FALSE(only<SoftwarePurchased>(buy(sql_standard())).product.hybrid_benefit_eligible);
  EXPECT_FALSE(only<SoftwarePurchased>(buy(reserved_instance())).product.hybrid_benefit_eligible);
}

TEST_F(Purchase, R1_ReservedInstancesSellWhereNotRestricted) {
  for (const char* code : {"JP", "US", "DE", "GB", "AU", "CA", "FR", "SG"}) {
    const CustomerState buyer = customer_in(code);
    EXPECT_TRUE(has_events<SoftwarePurchased>(buy(reserved_instance(), admin, &buyer))) << code;
  }
}

class RestrictedMarket : public Purchase, public ::testing::WithParamInterface<const char*> {};

TEST_P(RestrictedMarket, R1_RefusesReservedInstancesButSellsSoftware) {
  const CustomerState buyer = customer_in(GetParam());
  const Decision refused = buy(reserved_instance(), admin, &buyer);
  ASSERT_TRUE(is_refused(refused, ErrorCode::market_not_available));
  EXPECT_TRUE(refused.events.empty());
  EXPECT_NE(refused.refusal->message.find(GetParam()), std::string::npos);
  EXPECT_TRUE(has_events<SoftwarePurchased>(buy(windows_datacenter(), admin, &buyer)));
  EXPECT_TRUE(has_events<SoftwarePurchased>(buy(sql_standard(), admin, &buyer)));
}

INSTANTIATE_TEST_SUITE_P(TheEighteen, RestrictedMarket,
                         ::testing::Values("AR", "AZ", "BY", "BR", "CN", "IN", "ID", "KZ", "LI", "MY", "MX", "RU",
                                           "SA", "ZA", "KR", "TW", "TR", "UA"));

}  // namespace
}  // namespace csp::domain
