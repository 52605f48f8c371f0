// R7, R8, R9, R10: cancellation, its refund ticket and the revocation.

#include <gtest/gtest.h>

#include "domain/streams.h"
#include "fixtures.h"

namespace csp::domain {
namespace {

using namespace testing;
using std::chrono::days;
using std::chrono::seconds;

class Cancellation : public ::testing::Test {
 protected:
  World world;
  CustomerState customer = customer_in("JP");
  SubscriptionState subscription = purchased(windows_datacenter());

  SubscriptionState purchased(const Product& product) {
    const CommandMeta command_meta = meta(admin, day0());
    return given<SubscriptionState>(
        decide(SubscriptionState{}, purchase_of(product, customer), customer, world.context(command_meta)).events);
  }

  Decision run(const SubscriptionState& state, const CancelPurchase& command, const Timestamp& when,
               const std::string& who = admin) {
    const CommandMeta command_meta = meta(who, when);
    return decide(state, command, world.context(command_meta));
  }

  template <class Command>
  void apply(const Command& command, const Timestamp& when, const std::string& who = admin) {
    const CommandMeta command_meta = meta(who, when);
    for (const auto& event : decide(subscription, command, world.context(command_meta)).events) {
      if (stream_of(event) == subscription_stream(uuid<SubscriptionId>(1, 3))) {
        subscription = evolve(std::move(subscription), event);
      }
    }
  }
};

TEST_F(Cancellation, R7_OnlyAdminMayCancel) {
  EXPECT_TRUE(is_refused(run(subscription, cancel_request(customer), day0(), sales), ErrorCode::not_authorized));
  EXPECT_TRUE(is_refused(run(subscription, cancel_request(customer), day0(), helpdesk), ErrorCode::not_authorized));
  EXPECT_TRUE((has_events<PurchaseCancelled, ProductKeysRevoked, RefundTicketOpened>(
      run(subscription, cancel_request(customer), day0()))));
}

TEST_F(Cancellation, R8_AllowedAtExactlySixtyDays) {
  EXPECT_TRUE((has_events<PurchaseCancelled, ProductKeysRevoked, RefundTicketOpened>(
      run(subscription, cancel_request(customer), plus(day0(), days{60})))));
}

TEST_F(Cancellation, R8_RefusedOneSecondAfterSixtyDays) {
  const Decision late = run(subscription, cancel_request(customer), plus(day0(), days{60} + seconds{1}));
  ASSERT_TRUE(is_refused(late, ErrorCode::cancel_window_closed));
  EXPECT_TRUE(late.events.empty());
  EXPECT_NE(late.refusal->message.find("2026-03-02T00:00:00Z"), std::string::npos);
}

TEST_F(Cancellation, L7_DeadlineComesFromThePurchaseNotTodaysPolicy) {
  world.policy.cancel_window = days{1};
  EXPECT_TRUE((has_events<PurchaseCancelled, ProductKeysRevoked, RefundTicketOpened>(
      run(subscription, cancel_request(customer), plus(day0(), days{30})))));
}

TEST_F(Cancellation, R9_RefundOfExactlyThePaidAmountIsAllowed) {
  const Decision decision = run(subscription, cancel_request(customer, "200.00"), day0());
  ASSERT_TRUE((has_events<PurchaseCancelled, ProductKeysRevoked, RefundTicketOpened>(decision)));
  EXPECT_EQ(only<RefundTicketOpened>(decision, 2).requested_amount, money("200.00", "USD"));
}

TEST_F(Cancellation, R9_RefundOfOneMinorUnitMoreIsRefused) {
  const Decision decision = run(subscription, cancel_request(customer, "200.01"), day0());
  ASSERT_TRUE(is_refused(decision, ErrorCode::amount_exceeds_paid));
  EXPECT_TRUE(decision.events.empty());
}

TEST_F(Cancellation, R9_RequestedAmountIsPositiveAndInThePaidCurrencysPrecision) {
  EXPECT_TRUE(is_refused(run(subscription, cancel_request(customer, "0.00"), day0()), ErrorCode::invalid_input));
  const Decision too_precise = run(subscription, cancel_request(customer, "10.001"), day0());
  ASSERT_TRUE(is_refused(too_precise, ErrorCode::invalid_input));
  EXPECT_NE(too_precise.refusal->message.find("USD"), std::string::npos);
  EXPECT_EQ(only<PurchaseCancelled>(run(subscription, cancel_request(customer, "10.5"), day0())).requested_amount,
            money("10.50", "USD"));
}

TEST_F(Cancellation, R9_CustomerMustBeThePurchasesCustomer) {
  CancelPurchase command = cancel_request(customer);
  command.customer = customer_in("JP", 2).registration->tenant;
  EXPECT_TRUE(is_refused(run(subscription, command, day0()), ErrorCode::customer_mismatch));
  command.customer = parsed(DomainName::parse("customer2.onmicrosoft.com"));
  EXPECT_TRUE(is_refused(run(subscription, command, day0()), ErrorCode::customer_mismatch));
  command.customer = customer.registration->domain;
  EXPECT_TRUE(run(subscription, command, day0()).is_accepted());
}

TEST_F(Cancellation, R9_PurchaseNamedByOrderOrSubscription) {
  CancelPurchase command = cancel_request(customer);
  command.purchase = uuid<OrderId>(1, 2);
  EXPECT_TRUE(run(subscription, command, day0()).is_accepted());
  command.purchase = uuid<OrderId>(2, 2);
  EXPECT_TRUE(is_refused(run(subscription, command, day0()), ErrorCode::unknown_subscription));
  EXPECT_TRUE(is_refused(run(SubscriptionState{}, cancel_request(customer), day0()), ErrorCode::unknown_subscription));
}

TEST_F(Cancellation, R9_TicketHoldsTheFourItemsAndTheContact) {
  CancelPurchase command = cancel_request(customer, "150.00");
  command.impact = Impact::important;
  command.attachments.push_back(Attachment{parsed(FileName::parse("invoice.pdf")), 2048, std::string(64, 'a')});
  const auto& ticket = only<RefundTicketOpened>(run(subscription, command, day0()), 2);
  EXPECT_EQ(ticket.issue_type, "CSP customer purchase on behalf / refund");
  for (const std::string& item : {customer.registration->tenant.str(), uuid<OrderId>(1, 2).str(),
                                  std::string("ordered the wrong edition"), std::string("150.00 USD")}) {
    EXPECT_NE(ticket.description.find(item), std::string::npos) << item;
  }
  EXPECT_EQ(ticket.title.str(), "Refund for order " + uuid<OrderId>(1, 2).str());
  EXPECT_EQ(ticket.contact, contact());
  EXPECT_EQ(ticket.impact, Impact::important);
  EXPECT_EQ(ticket.paid_amount, money("200.00", "USD"));
  ASSERT_EQ(ticket.attachments.size(), 1u);
}

TEST_F(Cancellation, R9_AttachmentsNeedADigestAndAreBounded) {
  CancelPurchase command = cancel_request(customer);
  command.attachments.push_back(Attachment{parsed(FileName::parse("invoice.pdf")), 2048, "not-a-digest"});
  EXPECT_TRUE(is_refused(run(subscription, command, day0()), ErrorCode::invalid_input));
  command.attachments.assign(11, Attachment{parsed(FileName::parse("a.pdf")), 1, std::string(64, 'b')});
  EXPECT_TRUE(is_refused(run(subscription, command, day0()), ErrorCode::invalid_input));
}

TEST_F(Cancellation, R10_KeysAndLiveLinksAreRevokedInTheSameDecision) {
  apply(link_request(1), day0());                       // will have expired by the cancellation
  apply(link_request(2), plus(day0(), days{10}));       // live
  const Decision decision = run(subscription, cancel_request(customer), plus(day0(), days{20}));
  ASSERT_TRUE((has_events<PurchaseCancelled, ProductKeysRevoked, RefundTicketOpened>(decision)));
  const auto& revoked = only<ProductKeysRevoked>(decision, 1);
  EXPECT_EQ(revoked.keys, std::vector<ProductKey>{key(1)});
  EXPECT_EQ(revoked.links, std::vector<LinkId>{uuid<LinkId>(2, 4)});
  EXPECT_EQ(revoked.ticket, uuid<TicketId>(1, 5));
  EXPECT_EQ(stream_of(decision.events[0]), subscription_stream(uuid<SubscriptionId>(1, 3)));
  EXPECT_EQ(stream_of(decision.events[1]), subscription_stream(uuid<SubscriptionId>(1, 3)));
  EXPECT_EQ(stream_of(decision.events[2]), refund_stream(uuid<TicketId>(1, 5)));
}

TEST_F(Cancellation, R10_DownloadsAfterCancellationAreRefusedAndRecorded) {
  apply(link_request(1), day0());
  apply(cancel_request(customer), plus(day0(), days{1}));
  ASSERT_TRUE(subscription.is_cancelled());
  const CommandMeta command_meta = meta("someone", plus(day0(), days{2}));
  const Decision decision = decide(subscription, RecordDownload{uuid<LinkId>(1, 4)}, world.context(command_meta));
  ASSERT_TRUE(is_refused(decision, ErrorCode::subscription_cancelled));
  ASSERT_TRUE(has_events<DownloadDenied>(decision));
  EXPECT_EQ(only<DownloadDenied>(decision).reason, DenialReason::subscription_cancelled);
  const CommandMeta issue_meta = meta(admin, plus(day0(), days{2}));
  EXPECT_TRUE(is_refused(decide(subscription, link_request(2), world.context(issue_meta)),
                         ErrorCode::subscription_cancelled));
}

TEST_F(Cancellation, ACancelledPurchaseCannotBeCancelledAgain) {
  apply(cancel_request(customer), day0());
  EXPECT_TRUE(is_refused(run(subscription, cancel_request(customer, "1.00", 1, 2), day0()),
                         ErrorCode::subscription_cancelled));
}

TEST_F(Cancellation, AReservedInstanceHasNoKeysToRevoke) {
  EXPECT_TRUE((has_events<PurchaseCancelled, RefundTicketOpened>(
      run(purchased(reserved_instance()), cancel_request(customer), day0()))));
}

TEST_F(Cancellation, L6_CancellationCannotGoBackInTime) {
  apply(link_request(1), plus(day0(), days{3}));
  EXPECT_TRUE(is_refused(run(subscription, cancel_request(customer), plus(day0(), days{2})),
                         ErrorCode::time_went_backwards));
}

TEST_F(Cancellation, R10_ExpiredLinkIsDeniedAsCancelledAfterCancellation) {
  apply(link_request(1), day0());                        // expired at day 14, not in the revoked list
  apply(cancel_request(customer), plus(day0(), days{20}));
  const CommandMeta command_meta = meta("someone", plus(day0(), days{21}));
  const Decision decision = decide(subscription, RecordDownload{uuid<LinkId>(1, 4)}, world.context(command_meta));
  ASSERT_TRUE(is_refused(decision, ErrorCode::subscription_cancelled));
  ASSERT_TRUE(has_events<DownloadDenied>(decision));
  EXPECT_EQ(only<DownloadDenied>(decision).reason, DenialReason::subscription_cancelled);
}

TEST_F(Cancellation, R10_RevokedLinksAreMarkedRevokedInState) {
  apply(link_request(1), day0());
  apply(cancel_request(customer), plus(day0(), days{1}));
  const LinkState* link = subscription.find_link(uuid<LinkId>(1, 4));
  ASSERT_NE(link, nullptr);
  EXPECT_TRUE(link->is_revoked);
  EXPECT_FALSE(link->is_live_at(plus(day0(), days{2})));
}

TEST_F(Cancellation, R10_LinkExpiringAtTheCancellationInstantIsNotRevoked) {
  apply(link_request(1), day0());
  const Decision decision = run(subscription, cancel_request(customer), plus(day0(), days{14}));
  ASSERT_TRUE((has_events<PurchaseCancelled, ProductKeysRevoked, RefundTicketOpened>(decision)));
  EXPECT_TRUE(only<ProductKeysRevoked>(decision, 1).links.empty());
}

}  // namespace
}  // namespace csp::domain
