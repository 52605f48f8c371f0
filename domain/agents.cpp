#include "domain/agents.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "domain/business_time.h"

namespace csp::domain {
namespace {

std::size_t admin_count(const AgentsState& state) {
  return static_cast<std::size_t>(std::count_if(state.roles.begin(), state.roles.end(), [](const auto& entry) {
    return entry.second.contains(Role::admin_agent);
  }));
}

Error not_initialized() {
  return invalid_input("the ledger has no agents yet: it must first be initialized with its admin-agent");
}

struct AgentsDecider {
  const AgentsState& state;
  const CommandMeta& meta;

  Decision operator()(const InitializeLedger& command) const {
    if (state.is_initialized) return Decision::refuse(invalid_input("the ledger is already initialized"));
    return Decision::accept(Role::admin_agent, {AgentRoleGranted{command.admin, Role::admin_agent, meta.at}});
  }

  Decision operator()(const GrantRole& command) const {
    auto role_used = authorize_admin("grant roles");
    if (!role_used) return Decision::refuse(role_used.error());
    if (state.holds(command.agent, command.role)) {
      return Decision::refuse(invalid_input("agent " + command.agent.str() + " already holds " +
                                            std::string(role_name(command.role))));
    }
    return Decision::accept(*role_used, {AgentRoleGranted{command.agent, command.role, meta.at}});
  }

  Decision operator()(const RevokeRole& command) const {
    auto role_used = authorize_admin("revoke roles");
    if (!role_used) return Decision::refuse(role_used.error());
    if (!state.holds(command.agent, command.role)) {
      return Decision::refuse(invalid_input("agent " + command.agent.str() + " does not hold " +
                                            std::string(role_name(command.role))));
    }
    if (command.role == Role::admin_agent && admin_count(state) == 1) {
      return Decision::refuse(invalid_input("agent " + command.agent.str() +
                                            " is the last admin-agent; grant admin-agent to someone else first"));
    }
    return Decision::accept(*role_used, {AgentRoleRevoked{command.agent, command.role, meta.at}});
  }

  Result<Role> authorize_admin(std::string_view action) const {
    if (!state.is_initialized) return not_initialized();
    if (Status time = check_time_moves_forward(state.latest_at, meta.at, "agents stream"); !time) return time.error();
    return authorize(state, meta.actor, {Role::admin_agent}, action);
  }
};

}  // namespace

bool AgentsState::holds(const AgentId& agent, Role role) const {
  const auto found = roles.find(agent);
  return found != roles.end() && found->second.contains(role);
}

Decision decide(const AgentsState& state, const AgentsCommand& command, const CommandMeta& meta) {
  return std::visit(AgentsDecider{state, meta}, command);
}

AgentsState evolve(AgentsState state, const Event& event) {
  if (const auto* granted = std::get_if<AgentRoleGranted>(&event)) {
    state.roles[granted->agent].insert(granted->role);
    state.is_initialized = true;
  } else if (const auto* revoked = std::get_if<AgentRoleRevoked>(&event)) {
    auto found = state.roles.find(revoked->agent);
    if (found != state.roles.end()) {
      found->second.erase(revoked->role);
      if (found->second.empty()) state.roles.erase(found);
    }
  } else {
    throw std::logic_error("event " + std::string(event_type_name(event)) + " does not belong to the agents stream");
  }
  state.latest_at = event_time(event);
  return state;
}

Result<Role> authorize(const AgentsState& agents, const Actor& actor, std::initializer_list<Role> allowed,
                       std::string_view action) {
  std::string needed;
  for (const Role role : allowed) needed += (needed.empty() ? "" : " or ") + std::string(role_name(role));
  auto agent = AgentId::parse(actor.str());
  if (!agent) {
    return Error{ErrorCode::not_authorized, "actor \"" + actor.str() + "\" is not an agent id; to " +
                                                std::string(action) + " the actor must be an agent holding " + needed};
  }
  for (const Role role : allowed) {
    if (agents.holds(*agent, role)) return role;
  }
  return Error{ErrorCode::not_authorized, "agent " + agent->str() + " may not " + std::string(action) + ": it needs " +
                                              needed};
}

}  // namespace csp::domain
