// The read models as a pure fold of the events the deciders produce.

#include <gtest/gtest.h>

#include "folded_fixture.h"

namespace csp::projections {
namespace {

using namespace domain::testing;
using std::chrono::days;
using testing::Folded;

TEST_F(Folded, CustomersSubscriptionsAndLinksAppear) {
  const ReadModels models = fold();
  ASSERT_EQ(models.customers().size(), 1u);
  EXPECT_EQ(models.customers().begin()->second.subscriptions, 1);
  ASSERT_EQ(models.subscriptions().size(), 1u);
  const SubscriptionRow& subscription = models.subscriptions().begin()->second;
  EXPECT_FALSE(subscription.is_cancelled);
  EXPECT_EQ(subscription.amount, money("200.00", "USD"));
  EXPECT_TRUE(subscription.is_hybrid_benefit_eligible);
  ASSERT_EQ(models.links().size(), 1u);
  EXPECT_EQ(models.checkpoint(), static_cast<std::int64_t>(ledger.log().size()));
}

TEST_F(Folded, R5_LinkStatusDependsOnTheQueryTime) {
  const LinkRow link = fold().links().begin()->second;
  EXPECT_EQ(link.status_at(plus(day0(), days{14}) /* at the expiry */), LinkStatus::expired);
  EXPECT_EQ(link.status_at(plus(day0(), days{13})), LinkStatus::live);
  for (int count = 0; count < 50; ++count) run(domain::RecordDownload{uuid<domain::LinkId>(1, 4)}, "user", day0());
  EXPECT_EQ(fold().links().begin()->second.status_at(day0()), LinkStatus::exhausted);
}

TEST_F(Folded, R10_R11_CancellationRevokesAndOpensARefund) {
  run(cancel_request(customer, "150.00"), admin, plus(day0(), days{2}));
  ReadModels models = fold();
  EXPECT_TRUE(models.subscriptions().begin()->second.is_cancelled);
  EXPECT_EQ(models.links().begin()->second.status_at(plus(day0(), days{3})), LinkStatus::revoked);
  ASSERT_EQ(models.revocations().size(), 1u);
  EXPECT_EQ(models.revocations().begin()->second.keys_revoked, 1);
  ASSERT_EQ(models.refunds().size(), 1u);
  EXPECT_EQ(models.refunds().begin()->second.status, RefundStatus::open);
  run(domain::ResolveRefundTicket{uuid<domain::TicketId>(1, 5), domain::Refunded{decimal("100.00")}}, admin,
      plus(day0(), days{3}));
  const RefundRow refund = fold().refunds().begin()->second;
  EXPECT_EQ(refund.status, RefundStatus::refunded);
  EXPECT_EQ(refund.refunded_amount, money("100.00", "USD"));
}

TEST_F(Folded, EventsMustComeInPositionOrder) {
  ReadModels models;
  models.apply(ledger.log()[0], 5);
  EXPECT_THROW(models.apply(ledger.log()[1], 5), std::logic_error);
}

}  // namespace
}  // namespace csp::projections
