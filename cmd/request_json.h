#pragma once
// Commands as JSON objects, the form `run` files and the server take
// (DESIGN: field names are the flags' in snake_case). The flags path builds
// the same object, so both check input the same way.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

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

// `text` parsed as JSON, discarded when it is not JSON. A key given twice
// in one object (at any depth) is named in `repeated_key`, the first such:
// the parse itself would keep the last value silently, so a command read
// one way by a person could run another way.
nlohmann::ordered_json parse_json_noting_repeats(std::string_view text, std::optional<std::string>& repeated_key);

// One command's text, from a `run` line or a request body: invalid_input
// when it is not UTF-8 (naming the offset of the first bad byte), not JSON,
// or gives a key twice (naming the key).
domain::Result<nlohmann::ordered_json> parse_command_text(std::string_view text);
domain::Error repeated_key_error(const std::string& key);

// invalid_input naming the field when one is missing, of the wrong type,
// unknown for the command, or does not parse.
domain::Result<Request> parse_request(const nlohmann::ordered_json& object, const RequestDefaults& defaults);

}  // namespace csp::cmd
