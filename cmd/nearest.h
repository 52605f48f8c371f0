#pragma once
// The valid name a mistyped one most likely meant, for messages that name both.

#include <string>
#include <vector>

namespace csp::cmd {

// Of `candidates`, the one fewest edits (insert, delete, replace) away from
// `typed`; the first of those tied. Empty when there are no candidates.
std::string nearest(const std::string& typed, const std::vector<std::string>& candidates);

}  // namespace csp::cmd
