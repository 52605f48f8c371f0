#pragma once
// Who may call the server: the tokens file (DESIGN: one `TOKEN AGENT` pair
// per line, `#` starts a comment) and the lookup of a bearer token.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace csp::server {

class Tokens {
 public:
  // invalid_input naming `source` and the line when a line is not `TOKEN
  // AGENT`, the agent is no agent id, or a token is given twice; also when
  // no token is given at all, since such a server could answer nobody.
  static domain::Result<Tokens> parse(std::string_view text, const std::string& source);
  // Also invalid_input, saying `chmod 600 FILE`, when the file's group or
  // others have any permission on it.
  static domain::Result<Tokens> read_file(const std::string& path);

  // The agent a bearer token stands for. Every known token is compared in
  // full, so the time taken does not tell how much of a guess was right.
  std::optional<std::string> agent_of(std::string_view token) const;

 private:
  struct Entry {
    std::string token;
    std::string agent;
  };
  std::vector<Entry> entries_;
};

}  // namespace csp::server
