// The agents stream: initialization, role grants and revocations.

#include <gtest/gtest.h>

#include "fixtures.h"

namespace csp::domain {
namespace {

using namespace testing;

TEST(Agents, InitializeMakesTheFirstAdmin) {
  const Decision decision = decide(AgentsState{}, InitializeLedger{agent(admin)}, meta(admin, day0()));
  ASSERT_TRUE(has_events<AgentRoleGranted>(decision));
  EXPECT_EQ(only<AgentRoleGranted>(decision).role, Role::admin_agent);
  EXPECT_EQ(decision.role_used, Role::admin_agent);
  const AgentsState state = given<AgentsState>(decision.events);
  EXPECT_TRUE(state.is_initialized);
  EXPECT_TRUE(state.holds(agent(admin), Role::admin_agent));
}

TEST(Agents, InitializeTwiceIsRefused) {
  EXPECT_TRUE(is_refused(decide(agents(), InitializeLedger{agent(sales)}, meta(sales, day0())),
                         ErrorCode::invalid_input));
}

TEST(Agents, NothingButInitializeBeforeTheLedgerHasAgents) {
  const Decision decision = decide(AgentsState{}, GrantRole{agent(sales), Role::sales_agent}, meta(admin, day0()));
  ASSERT_TRUE(is_refused(decision, ErrorCode::invalid_input));
  EXPECT_NE(decision.refusal->message.find("initialized with its admin-agent"), std::string::npos);
  EXPECT_EQ(decision.refusal->message.find("csp-ledger"), std::string::npos) << "each front end adds its own hint";
}

TEST(Agents, AdminGrantsAndRevokesRoles) {
  const AgentsState state = agents();
  const Decision granted = decide(state, GrantRole{agent("bob@partner.example"), Role::sales_agent}, meta(admin, day0()));
  ASSERT_TRUE(has_events<AgentRoleGranted>(granted));
  const Decision revoked = decide(state, RevokeRole{agent(sales), Role::sales_agent}, meta(admin, day0()));
  ASSERT_TRUE(has_events<AgentRoleRevoked>(revoked));
  EXPECT_FALSE(evolve(state, revoked.events[0]).holds(agent(sales), Role::sales_agent));
}

TEST(Agents, OnlyAdminsManageRoles) {
  const Decision decision = decide(agents(), GrantRole{agent(sales), Role::admin_agent}, meta(sales, day0()));
  ASSERT_TRUE(is_refused(decision, ErrorCode::not_authorized));
  EXPECT_TRUE(decision.events.empty());
  EXPECT_NE(decision.refusal->message.find("needs admin-agent"), std::string::npos);
}

TEST(Agents, GrantingAHeldRoleOrRevokingAMissingOneIsRefused) {
  EXPECT_TRUE(is_refused(decide(agents(), GrantRole{agent(sales), Role::sales_agent}, meta(admin, day0())),
                         ErrorCode::invalid_input));
  EXPECT_TRUE(is_refused(decide(agents(), RevokeRole{agent(sales), Role::admin_agent}, meta(admin, day0())),
                         ErrorCode::invalid_input));
}

TEST(Agents, TheLastAdminCannotBeRevoked) {
  EXPECT_TRUE(is_refused(decide(agents(), RevokeRole{agent(admin), Role::admin_agent}, meta(admin, day0())),
                         ErrorCode::invalid_input));
  AgentsState two_admins = evolve(agents(), AgentRoleGranted{agent(sales), Role::admin_agent, day0()});
  EXPECT_TRUE(has_events<AgentRoleRevoked>(
      decide(two_admins, RevokeRole{agent(admin), Role::admin_agent}, meta(admin, day0()))));
}

TEST(Agents, L6_RoleChangesCannotGoBackInTime) {
  const AgentsState state = evolve(agents(), AgentRoleGranted{agent("bob@partner.example"), Role::sales_agent,
                                                              at("2026-02-01T00:00:00Z")});
  const Decision earlier = decide(state, GrantRole{agent("carol@partner.example"), Role::sales_agent},
                                  meta(admin, at("2026-01-31T23:59:59Z")));
  EXPECT_TRUE(is_refused(earlier, ErrorCode::time_went_backwards));
  EXPECT_TRUE(has_events<AgentRoleGranted>(decide(state, GrantRole{agent("carol@partner.example"), Role::sales_agent},
                                                  meta(admin, at("2026-02-01T00:00:00Z")))));
}

TEST(Agents, ActorThatIsNotAnAgentIdIsNotAuthorized) {
  const Decision decision = decide(agents(), GrantRole{agent(sales), Role::admin_agent}, meta("some user", day0()));
  EXPECT_TRUE(is_refused(decision, ErrorCode::not_authorized));
}

TEST(Customer, SalesAndAdminRegisterCustomersOnce) {
  const RegisterCustomer command{uuid<TenantId>(1, 1), parsed(DomainName::parse("contoso.onmicrosoft.com")),
                                 market("JP"), std::nullopt};
  const Decision by_sales = decide(CustomerState{}, command, meta(sales, day0()), agents());
  ASSERT_TRUE(has_events<CustomerRegistered>(by_sales));
  EXPECT_EQ(by_sales.role_used, Role::sales_agent);
  EXPECT_TRUE(has_events<CustomerRegistered>(decide(CustomerState{}, command, meta(admin, day0()), agents())));
  EXPECT_TRUE(is_refused(decide(CustomerState{}, command, meta(helpdesk, day0()), agents()), ErrorCode::not_authorized));
  const CustomerState registered = given<CustomerState>(by_sales.events);
  EXPECT_TRUE(is_refused(decide(registered, command, meta(sales, day0()), agents()), ErrorCode::invalid_input));
}

TEST(Customer, MatchesByTenantOrDomain) {
  const CustomerState customer = customer_in("JP");
  EXPECT_TRUE(customer.matches(customer.registration->tenant));
  EXPECT_TRUE(customer.matches(parsed(DomainName::parse("CUSTOMER1.onmicrosoft.com"))));
  EXPECT_FALSE(customer.matches(uuid<TenantId>(2, 1)));
  EXPECT_FALSE(CustomerState{}.matches(uuid<TenantId>(1, 1)));
}

}  // namespace
}  // namespace csp::domain
