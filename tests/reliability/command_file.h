#pragma once
// A `run` file of command stories, for the modes that kill csp-ledger.

#include <cstdint>
#include <string>
#include <vector>

namespace csp::reliability {

// Writes `commands` lines to `path`: stories of `story_commands` each, one
// after another, all by `actor`. Returns the command ids in file order.
std::vector<std::string> write_command_file(const std::string& path, std::int64_t commands, std::int64_t story_commands,
                                            const std::string& actor, std::uint64_t seed);

}  // namespace csp::reliability
