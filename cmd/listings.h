#pragma once
// The rows of `report agents` and `report catalogue` (and of `agent list`
// and `catalogue list`): what exists outside the read models, the agents
// from their own stream and the products from the shipped catalogue.

#include <vector>

#include <nlohmann/json.hpp>

#include "domain/agents.h"
#include "eventstore/store.h"

namespace csp::cmd {

// Who holds which role now: the agents stream folded.
eventstore::StoreResult<domain::AgentsState> current_agents(eventstore::EventStore& store);

// One row per agent holding a role: agent, roles (space-separated).
eventstore::StoreResult<std::vector<nlohmann::ordered_json>> agent_rows(eventstore::EventStore& store);

// One row per SKU, sorted: sku, display_name, family, edition, kind,
// versions, languages, file_types (each space-separated), hybrid_benefit_eligible.
std::vector<nlohmann::ordered_json> catalogue_rows();

}  // namespace csp::cmd
