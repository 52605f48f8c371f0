#include "cmd/private_fields.h"

#include <map>
#include <string>
#include <vector>

#include "cmd/listings.h"
#include "domain/events.h"

namespace csp::cmd {
namespace {

// The events whose payload bytes hold a secret or personal data, and the
// readable fields that show it (named as event_json writes them, in its
// order). A key's event and a revocation show no key, and their bytes hold
// keys only sealed, yet a hash or the bytes would still tell two keys apart.
const std::map<std::string_view, std::vector<std::string_view>> private_fields_by_type = {
    {domain::ProductKeyIssued::type_name, {}},
    {domain::RefundTicketOpened::type_name, {"contact", "attachments"}},
    {domain::ProductKeysRevoked::type_name, {}},
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
  // A digest covers every value of its command, contacts included: with the
  // rest of the command in view, it would confirm a guess of them.
  line.erase("command_digest");
  const std::string type = line.at("type").get<std::string>();
  const auto found = private_fields_by_type.find(type);
  if (found == private_fields_by_type.end()) return;
  // The hash, too, would confirm a guess of the bytes.
  line.erase("payload_hex");
  line.erase("hash");
  nlohmann::ordered_json& event = line.at("event");
  nlohmann::ordered_json withheld = nlohmann::ordered_json::array();
  for (const std::string_view field : found->second) {
    if (event.erase(std::string(field)) == 1) withheld.push_back(std::string(field));
  }
  if (!withheld.empty()) line["withheld"] = std::move(withheld);
}

}  // namespace csp::cmd
