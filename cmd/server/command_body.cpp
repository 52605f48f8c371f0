#include "cmd/server/command_body.h"

#include "cmd/request_json.h"
#include "cmd/system.h"

namespace csp::server {
namespace {

using json = nlohmann::ordered_json;

cmd::RequestDefaults server_defaults() {
  cmd::RequestDefaults defaults;
  // A placeholder: the writer stamps commands without `at` (see has_business_time).
  defaults.now = [] { return domain::Timestamp(); };
  defaults.new_uuid = [] { return cmd::new_uuid(); };
  defaults.new_product_key = [] { return cmd::new_product_key(); };
  defaults.read_attachment = [](const std::string& path) -> domain::Result<domain::Attachment> {
    return domain::invalid_input("attachment \"" + path +
                                 "\": the server does not read files from its own disk; send the cancellation without "
                                 "\"attach\", or run it with `csp-ledger cancel --attach`");
  };
  return defaults;
}

std::string where(bool is_json_lines, std::size_t line_number) {
  return is_json_lines ? "line " + std::to_string(line_number) + ": " : std::string();
}

SubmittedCommand refused(domain::Error error) {
  SubmittedCommand command;
  command.refusal = std::move(error);
  return command;
}

SubmittedCommand command_of(json object, const std::string& agent, const std::string& prefix) {
  static const cmd::RequestDefaults defaults = server_defaults();
  if (!object.is_object()) return refused(domain::invalid_input(prefix + "a command must be a JSON object"));
  SubmittedCommand command;
  if (const auto id = object.find("id"); id != object.end() && id->is_string()) command.command_id = id->get<std::string>();
  if (const auto actor = object.find("actor"); actor != object.end() && *actor != json(agent)) {
    return refused(domain::invalid_input(prefix + "field \"actor\": the actor is the agent of the bearer token (" + agent +
                                         "); leave the field out"));
  }
  object["actor"] = agent;
  command.has_business_time = object.contains("at");
  auto request = cmd::parse_request(object, defaults);
  if (!request) {
    command.refusal = domain::Error{request.error().code, prefix + request.error().message};
    return command;
  }
  command.request = std::move(request).value();
  return command;
}

}  // namespace

CommandBody parse_command_body(std::string_view body, const std::string& agent) {
  CommandBody parsed;
  std::optional<std::string> repeated_key;
  json whole = cmd::parse_json_noting_repeats(body, repeated_key);
  if (!whole.is_discarded()) {
    parsed.commands.push_back(repeated_key ? refused(cmd::repeated_key_error(*repeated_key))
                                           : command_of(std::move(whole), agent, ""));
    return parsed;
  }
  std::vector<std::pair<std::size_t, std::string_view>> lines;
  std::size_t line_number = 0;
  for (std::size_t start = 0; start < body.size();) {
    const std::size_t end = std::min(body.find('\n', start), body.size());
    const std::string_view line = body.substr(start, end - start);
    ++line_number;
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) lines.emplace_back(line_number, line);
    start = end + 1;
  }
  if (lines.empty()) {
    parsed.commands.push_back(refused(domain::invalid_input("the body holds no command: send a JSON object or JSON lines")));
    return parsed;
  }
  parsed.is_json_lines = lines.size() > 1;
  for (const auto& [number, line] : lines) {
    const std::string prefix = where(parsed.is_json_lines, number);
    auto object = cmd::parse_command_text(line);
    if (!object) {
      parsed.commands.push_back(refused(domain::Error{object.error().code, prefix + object.error().message}));
    } else {
      parsed.commands.push_back(command_of(std::move(object).value(), agent, prefix));
    }
  }
  return parsed;
}

}  // namespace csp::server
