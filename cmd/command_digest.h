#pragma once
// What L3 compares when a command id comes again: a digest of the whole
// command, so an id reused for a changed command is refused instead of
// answering the first command's result.

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/commands.h"
#include "eventstore/envelope.h"

namespace csp::cmd {

// The command's fields named as in the `run` JSON, with "command" and
// "actor", as a std::map-backed object, so its dump has sorted keys. Left
// out: the id (the key itself), `at` (a retry's default time is a new
// now), the product key a link may get, and `made_up_fields`, the ids the
// caller did not choose (a retry makes up others). Parsed values are
// written in their canonical text, so a `run` line, a request body and
// flags that mean the same command give the same form.
nlohmann::json canonical_command_json(const domain::Command& command, const domain::Actor& actor,
                                      const std::vector<std::string_view>& made_up_fields);

// SHA-256 of the canonical form's compact dump (UTF-8).
eventstore::Hash command_digest(const nlohmann::json& canonical);

}  // namespace csp::cmd
