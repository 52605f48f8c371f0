#pragma once
// What deciding a command will look up in the store, known from the
// command alone: lets a batch read it all ahead in a few round trips
// (WriteBatch::read_ahead). Only a hint: a lookup missed here is read
// when the decision needs it, so this may lag the Planner without harm.

#include <string>
#include <vector>

#include "domain/commands.h"

namespace csp::cmd {

struct CommandLookups {
  std::vector<std::string> resolved_aliases;    // resolved to find a stream
  std::vector<std::string> introduced_aliases;  // checked to be free
  std::vector<std::string> streams;             // read directly
};

CommandLookups lookups_of(const domain::Command& command);

}  // namespace csp::cmd
