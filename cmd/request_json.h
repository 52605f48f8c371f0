#pragma once
// Commands as JSON objects, the form `run` files and the server take
// (DESIGN: field names are the flags' in snake_case). The flags path builds
// the same object, so both check input the same way.

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "cmd/ledger.h"
#include "domain/contact.h"
#include "domain/result.h"

namespace csp::cmd {

// Everything a request may need that the caller did not give.
struct RequestDefaults {
  std::function<domain::Timestamp()> now;
  std::function<std::string()> new_uuid;
  std::function<domain::ProductKey()> new_product_key;
  // Reads a file named by "attach" into what the ticket records.
  std::function<domain::Result<domain::Attachment>(const std::string& path)> read_attachment;
};

RequestDefaults system_defaults();

// invalid_input naming the field when one is missing, of the wrong type,
// unknown for the command, or does not parse.
domain::Result<Request> parse_request(const nlohmann::ordered_json& object, const RequestDefaults& defaults);

}  // namespace csp::cmd
