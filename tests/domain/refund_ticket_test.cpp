// R11: a refund ticket is open until refunded or rejected, once.

#include <gtest/gtest.h>

#include "fixtures.h"

namespace csp::domain {
namespace {

using namespace testing;
using std::chrono::days;

class RefundTickets : public ::testing::Test {
 protected:
  AgentsState roster = agents();
  RefundTicketState ticket = opened("150.00");

  static RefundTicketState opened(const std::string& requested) {
    const CustomerState customer = customer_in("JP");
    World world;
    const CommandMeta purchase_meta = meta(admin, day0());
    const SubscriptionState subscription = given<SubscriptionState>(
        decide(SubscriptionState{}, purchase_of(sql_standard(), customer), customer, world.context(purchase_meta))
            .events);
    const CommandMeta cancel_meta = meta(admin, plus(day0(), days{1}));
    const Decision cancelled = decide(subscription, cancel_request(customer, requested), world.context(cancel_meta));
    return given<RefundTicketState>({cancelled.events.back()});
  }

  Decision resolve(const RefundTicketState& state, std::variant<Refunded, Rejected> outcome,
                   const std::string& who = admin) {
    return decide(state, ResolveRefundTicket{uuid<TicketId>(1, 5), std::move(outcome)},
                  meta(who, plus(day0(), days{2})), roster);
  }
};

TEST_F(RefundTickets, R11_ANewTicketIsOpen) {
  ASSERT_TRUE(ticket.opened.has_value());
  EXPECT_FALSE(ticket.resolution.has_value());
}

TEST_F(RefundTickets, R11_RefundedUpToTheRequestedAmount) {
  const Decision partial = resolve(ticket, Refunded{decimal("100.00")});
  ASSERT_TRUE(has_events<RefundTicketResolved>(partial));
  EXPECT_EQ(only<RefundTicketResolved>(partial).status, RefundStatus::refunded);
  EXPECT_EQ(only<RefundTicketResolved>(partial).refunded_amount, money("100.00", "USD"));
  EXPECT_TRUE(has_events<RefundTicketResolved>(resolve(ticket, Refunded{decimal("150.00")})));
}

TEST_F(RefundTickets, R11_RefundedOneMinorUnitOverTheRequestIsRefused) {
  EXPECT_TRUE(is_refused(resolve(ticket, Refunded{decimal("150.01")}), ErrorCode::amount_exceeds_paid));
  EXPECT_TRUE(is_refused(resolve(ticket, Refunded{decimal("0.00")}), ErrorCode::invalid_input));
  EXPECT_TRUE(is_refused(resolve(ticket, Refunded{decimal("10.001")}), ErrorCode::invalid_input));
}

TEST_F(RefundTickets, R11_RejectedWithAReason) {
  const Decision rejected = resolve(ticket, Rejected{reason("licence already activated")});
  ASSERT_TRUE(has_events<RefundTicketResolved>(rejected));
  EXPECT_EQ(only<RefundTicketResolved>(rejected).status, RefundStatus::rejected);
  EXPECT_EQ(only<RefundTicketResolved>(rejected).rejection_reason->str(), "licence already activated");
}

TEST_F(RefundTickets, R11_AResolvedTicketCannotBeResolvedAgain) {
  const RefundTicketState resolved = evolve(ticket, resolve(ticket, Rejected{reason("duplicate")}).events[0]);
  EXPECT_TRUE(is_refused(resolve(resolved, Refunded{decimal("1.00")}), ErrorCode::ticket_already_resolved));
  EXPECT_TRUE(is_refused(resolve(resolved, Rejected{reason("again")}), ErrorCode::ticket_already_resolved));
}

TEST_F(RefundTickets, R11_OnlyAdminResolvesAndTheTicketMustExist) {
  EXPECT_TRUE(is_refused(resolve(ticket, Rejected{reason("no")}, sales), ErrorCode::not_authorized));
  EXPECT_TRUE(is_refused(resolve(RefundTicketState{}, Rejected{reason("no")}), ErrorCode::unknown_ticket));
}

TEST_F(RefundTickets, L6_ResolutionCannotPrecedeTheTicket) {
  const Decision early = decide(ticket, ResolveRefundTicket{uuid<TicketId>(1, 5), Rejected{reason("no")}},
                                meta(admin, day0()), roster);
  EXPECT_TRUE(is_refused(early, ErrorCode::time_went_backwards));
}

TEST_F(RefundTickets, L2_ResolutionCarriesTheCommandsTime) {
  EXPECT_EQ(only<RefundTicketResolved>(resolve(ticket, Rejected{reason("no")})).at, plus(day0(), days{2}));
  EXPECT_EQ(only<RefundTicketResolved>(resolve(ticket, Refunded{decimal("1.00")})).at, plus(day0(), days{2}));
}

TEST_F(RefundTickets, L6_ResolutionAdvancesTheTicketsLatestTime) {
  const RefundTicketState resolved = evolve(ticket, resolve(ticket, Rejected{reason("duplicate")}).events[0]);
  EXPECT_EQ(resolved.latest_at, plus(day0(), days{2}));
  const Decision earlier = decide(resolved, ResolveRefundTicket{uuid<TicketId>(1, 5), Rejected{reason("again")}},
                                  meta(admin, plus(day0(), std::chrono::hours{36})), roster);
  EXPECT_TRUE(is_refused(earlier, ErrorCode::time_went_backwards));
}

}  // namespace
}  // namespace csp::domain
