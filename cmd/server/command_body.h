#pragma once
// The body of POST /commands: one JSON object, or JSON lines (the `run`
// form), turned into requests on the connection's thread so the writer only
// runs them.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cmd/ledger.h"
#include "domain/error.h"

namespace csp::server {

struct SubmittedCommand {
  std::optional<cmd::Request> request;   // empty: refused before it could run
  std::optional<domain::Error> refusal;  // why, when `request` is empty
  // Without `at`, the writer stamps the time it runs the command: stamped
  // here, two requests racing to the queue could reach a stream out of time
  // order (L6).
  bool has_business_time = false;
  std::string command_id;  // as given, for the log; empty when none
};

struct CommandBody {
  std::vector<SubmittedCommand> commands;
  bool is_json_lines = false;  // answered with one result line per command
};

// The actor of every command is `agent`, the token's: an `actor` field
// naming anyone else is refused (invalid_input), one naming the agent is
// allowed so a `run` file can be posted as it is. Attachments name files
// on the server's disk, which a caller may not read: "attach" is refused.
CommandBody parse_command_body(std::string_view body, const std::string& agent);

}  // namespace csp::server
