#include "cmd/server/tokens.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "domain/email.h"

namespace csp::server {
namespace {

constexpr std::size_t token_bytes_min = 16;
constexpr std::size_t token_bytes_max = 512;

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream input(line);
  std::vector<std::string> words;
  std::string word;
  while (input >> word) words.push_back(word);
  return words;
}

// Constant in the length of `known`: no early exit at the first mismatch.
bool is_same_secret(std::string_view known, std::string_view given) {
  unsigned difference = known.size() == given.size() ? 0U : 1U;
  for (std::size_t i = 0; i < known.size(); ++i) {
    const char other = i < given.size() ? given[i] : '\0';
    difference |= static_cast<unsigned>(static_cast<unsigned char>(known[i]) ^ static_cast<unsigned char>(other));
  }
  return difference == 0;
}

}  // namespace

domain::Result<Tokens> Tokens::parse(std::string_view text, const std::string& source) {
  Tokens tokens;
  std::istringstream input{std::string(text)};
  std::string line;
  for (std::size_t number = 1; std::getline(input, line); ++number) {
    const std::string where = source + " line " + std::to_string(number) + ": ";
    if (const auto comment = line.find('#'); comment != std::string::npos) line.resize(comment);
    const auto words = words_of(line);
    if (words.empty()) continue;
    if (words.size() != 2) {
      return domain::invalid_input(where + "expected `TOKEN AGENT` (example: 3f9c0a7e5b1d4c2a8e6f alice@partner.example)");
    }
    if (words[0].size() < token_bytes_min || words[0].size() > token_bytes_max) {
      return domain::invalid_input(where + "a token must be " + std::to_string(token_bytes_min) + " to " +
                                   std::to_string(token_bytes_max) + " characters long (example: openssl rand -hex 24)");
    }
    auto agent = domain::AgentId::parse(words[1]);
    if (!agent) return domain::invalid_input(where + agent.error().message);
    for (const auto& entry : tokens.entries_) {
      if (entry.token == words[0]) return domain::invalid_input(where + "this token is already given to " + entry.agent);
    }
    tokens.entries_.push_back(Entry{words[0], agent->str()});
  }
  if (tokens.entries_.empty()) return domain::invalid_input(source + " holds no `TOKEN AGENT` line: nobody could call the server");
  return tokens;
}

domain::Result<Tokens> Tokens::read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return domain::invalid_input("cannot read the tokens file " + path + ": give --tokens FILE with `TOKEN AGENT` lines");
  // Whoever can read the file can act as any agent in it, and whoever can
  // write it can add one: only its owner may do either.
  struct stat status {};
  if (::stat(path.c_str(), &status) != 0) return domain::invalid_input("cannot read the tokens file " + path);
  if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(status.st_mode & 07777));
    return domain::invalid_input("the tokens file " + path + " has mode " + mode +
                                 ": other users can read or change it, and so act as its agents; run `chmod 600 " +
                                 path + "` and start again");
  }
  std::stringstream text;
  text << file.rdbuf();
  return parse(text.str(), path);
}

std::optional<std::string> Tokens::agent_of(std::string_view token) const {
  std::optional<std::string> found;
  for (const auto& entry : entries_) {
    if (is_same_secret(entry.token, token)) found = entry.agent;
  }
  return found;
}

}  // namespace csp::server
