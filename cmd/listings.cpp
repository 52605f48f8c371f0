#include "cmd/listings.h"

#include <stdexcept>
#include <string>

#include "cmd/catalogue_file.h"
#include "domain/streams.h"
#include "projections/stored_events.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

template <class Words>
std::string spaced(const Words& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + std::string(word);
  return text;
}

}  // namespace

eventstore::StoreResult<domain::AgentsState> current_agents(eventstore::EventStore& store) {
  auto events = store.read_stream(std::string(domain::agents_stream));
  if (!events) return std::move(events).error();
  domain::AgentsState agents;
  for (const auto& stored : *events) {
    auto event = projections::decode_stored(stored);
    if (!event) return std::move(event).error();
    agents = domain::evolve(std::move(agents), *event);
  }
  return agents;
}

eventstore::StoreResult<std::vector<json>> agent_rows(eventstore::EventStore& store) {
  auto agents = current_agents(store);
  if (!agents) return std::move(agents).error();
  std::vector<json> rows;
  for (const auto& [agent, roles] : agents->roles) {
    if (roles.empty()) continue;
    std::vector<std::string_view> names;
    for (const domain::Role role : roles) names.push_back(domain::role_name(role));
    rows.push_back(json{{"agent", agent.str()}, {"roles", spaced(names)}});
  }
  return rows;
}

std::vector<json> catalogue_rows() {
  auto catalogue = parse_catalogue_json(shipped_catalogue_json());
  if (!catalogue) throw std::logic_error("the shipped catalogue is invalid: " + catalogue.error().message);
  std::vector<json> rows;
  for (const auto& product : catalogue->products()) {
    rows.push_back(json{{"sku", product.sku.str()},
                        {"display_name", product.display_name},
                        {"family", product.family},
                        {"edition", product.edition},
                        {"kind", std::string(domain::product_kind_name(product.kind))},
                        {"versions", spaced(product.versions)},
                        {"languages", spaced(product.languages)},
                        {"file_types", spaced(product.file_types)},
                        {"hybrid_benefit_eligible", product.hybrid_benefit_eligible}});
  }
  return rows;
}

}  // namespace csp::cmd
