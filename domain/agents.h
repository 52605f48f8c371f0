#pragma once
// The `agents` stream: which agent holds which roles.

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <variant>

#include "domain/commands.h"
#include "domain/decision.h"
#include "domain/events.h"

namespace csp::domain {

struct AgentsState {
  bool is_initialized = false;
  std::map<AgentId, std::set<Role>> roles;
  std::optional<Timestamp> latest_at;

  bool holds(const AgentId& agent, Role role) const;
};

using AgentsCommand = std::variant<InitializeLedger, GrantRole, RevokeRole>;

// GrantRole and RevokeRole need admin-agent. Revoking the last admin-agent is
// refused, so a ledger can always be administered.
Decision decide(const AgentsState& state, const AgentsCommand& command, const CommandMeta& meta);
AgentsState evolve(AgentsState state, const Event& event);

// The role, among `allowed` in order of preference, that the actor holds;
// not_authorized naming the action and the roles it needs when none.
Result<Role> authorize(const AgentsState& agents, const Actor& actor, std::initializer_list<Role> allowed,
                       std::string_view action);

}  // namespace csp::domain
