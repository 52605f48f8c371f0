#include "cmd/private_fields.h"

#include <map>
#include <string>
#include <vector>

#include "cmd/listings.h"
#include "domain/events.h"

namespace csp::cmd {
namespace {

// Named as event_json writes them, in the order it writes them.
const std::map<std::string_view, std::vector<std::string_view>> private_fields_by_type = {
    {domain::ProductKeyIssued::type_name, {"product_key"}},
    {domain::RefundTicketOpened::type_name, {"contact", "attachments"}},
};

}  // namespace

eventstore::StoreResult<bool> reads_private_fields(eventstore::EventStore& store, std::string_view reader) {
  const auto agent = domain::AgentId::parse(reader);
  if (!agent) return false;
  auto agents = current_agents(store);
  if (!agents) return std::move(agents).error();
  return agents->holds(*agent, domain::Role::admin_agent);
}

void withhold_private_fields(nlohmann::ordered_json& line) {
  const std::string type = line.at("type").get<std::string>();
  nlohmann::ordered_json& event = line.at("event");
  const auto found = private_fields_by_type.find(type);
  if (found == private_fields_by_type.end()) return;
  nlohmann::ordered_json withheld = nlohmann::ordered_json::array();
  for (const std::string_view field : found->second) {
    if (event.erase(std::string(field)) == 1) withheld.push_back(std::string(field));
  }
  if (withheld.empty()) return;
  line.erase("payload_hex");
  line["withheld"] = std::move(withheld);
}

}  // namespace csp::cmd
