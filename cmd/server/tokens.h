#pragma once
// Who may call the server: the tokens file (DESIGN: one `TOKEN AGENT` pair
// per line, `#` starts a comment; a token may be given as `sha256:<64 hex>`,
// its SHA-256, so the file need not hold it in clear) and the lookup of a
// bearer token.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/result.h"

namespace csp::server {

class Tokens {
 public:
  // invalid_input naming `source` and the line when a line is not `TOKEN
  // AGENT`, a clear token is too short or long, a `sha256:` token is not 64
  // hex digits, the agent is no agent id, or a token is given twice (in
  // either form); also when no token is given at all, since such a server
  // could answer nobody.
  static domain::Result<Tokens> parse(std::string_view text, const std::string& source);
  // Also invalid_input, saying `chmod 600 FILE`, when the file's group or
  // others have any permission on it.
  static domain::Result<Tokens> read_file(const std::string& path);

  // The agent a bearer token stands for. The token's SHA-256 is compared
  // with every entry's in full, so the time taken tells neither how much of
  // a guess was right nor which form the file holds.
  std::optional<std::string> agent_of(std::string_view token) const;

  // `sha256:<64 lower-case hex>` for a token read from `input` (surrounding
  // white space, a newline included, dropped): the line's first word in a
  // tokens file. invalid_input when the token could not be used in clear.
  static domain::Result<std::string> hashed_form(std::string_view input);

 private:
  using Digest = std::array<unsigned char, 32>;
  struct Entry {
    Digest digest;
    std::string agent;
  };
  std::vector<Entry> entries_;
};

}  // namespace csp::server
