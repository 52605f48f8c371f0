#pragma once
// What a person can do about a refusal, in the words of the front end that
// met it: a csp-ledger command on the command line, an endpoint over HTTP.
// The domain's messages say only what was wrong, so that neither front end
// sends its callers to the other's commands.

#include <string_view>

#include "domain/error.h"

namespace csp::cmd {

enum class FrontEnd { command_line, http };

// `error` with the front end's hint appended, when its code has one.
// `actor` is who acted on the command line (the agent a role could be
// granted to); over HTTP it is the token's agent and is not needed.
domain::Error with_hint(domain::Error error, FrontEnd front_end, std::string_view actor);

}  // namespace csp::cmd
