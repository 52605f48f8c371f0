#include "cmd/server/tokens.h"

#include <sys/stat.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "domain/email.h"

namespace csp::server {
namespace {

constexpr std::size_t token_bytes_min = 16;
constexpr std::size_t token_bytes_max = 512;
constexpr std::string_view hashed_prefix = "sha256:";
constexpr std::string_view white_space = " \t\r\n";

std::vector<std::string> words_of(const std::string& line) {
  std::istringstream input(line);
  std::vector<std::string> words;
  std::string word;
  while (input >> word) words.push_back(word);
  return words;
}

std::array<unsigned char, 32> sha256_of(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1 || length != digest.size()) {
    throw std::runtime_error("OpenSSL could not compute a SHA-256");
  }
  return digest;
}

int hex_value(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit >= 'a' && digit <= 'f') return digit - 'a' + 10;
  if (digit >= 'A' && digit <= 'F') return digit - 'A' + 10;
  return -1;
}

std::optional<std::array<unsigned char, 32>> digest_of_hex(std::string_view hex) {
  std::array<unsigned char, 32> digest{};
  if (hex.size() != digest.size() * 2) return std::nullopt;
  for (std::size_t i = 0; i < digest.size(); ++i) {
    const int high = hex_value(hex[2 * i]);
    const int low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    digest[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return digest;
}

std::string length_rule() {
  return "a token must be " + std::to_string(token_bytes_min) + " to " + std::to_string(token_bytes_max) +
         " characters long (example: openssl rand -hex 24)";
}

// The digest a tokens-file word stands for, or what is wrong with it.
domain::Result<std::array<unsigned char, 32>> digest_of_word(const std::string& word) {
  if (word.starts_with(hashed_prefix)) {
    const auto digest = digest_of_hex(std::string_view(word).substr(hashed_prefix.size()));
    if (!digest) {
      return domain::invalid_input("a hashed token is sha256: and 64 hex digits, the SHA-256 of the token "
                                   "(csp-ledgerd --hash-token prints it)");
    }
    return *digest;
  }
  if (word.size() < token_bytes_min || word.size() > token_bytes_max) return domain::invalid_input(length_rule());
  return sha256_of(word);
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
    auto digest = digest_of_word(words[0]);
    if (!digest) return domain::invalid_input(where + digest.error().message);
    auto agent = domain::AgentId::parse(words[1]);
    if (!agent) return domain::invalid_input(where + agent.error().message);
    for (const auto& entry : tokens.entries_) {
      if (entry.digest == *digest) return domain::invalid_input(where + "this token is already given to " + entry.agent);
    }
    tokens.entries_.push_back(Entry{*digest, agent->str()});
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
  const Digest given = sha256_of(token);
  std::optional<std::string> found;
  for (const auto& entry : entries_) {
    if (CRYPTO_memcmp(entry.digest.data(), given.data(), given.size()) == 0) found = entry.agent;
  }
  return found;
}

domain::Result<std::string> Tokens::hashed_form(std::string_view input) {
  const auto first = input.find_first_not_of(white_space);
  if (first == std::string_view::npos) return domain::invalid_input("no token on standard input (example: openssl rand -hex 24)");
  const std::string_view token = input.substr(first, input.find_last_not_of(white_space) - first + 1);
  if (token.find_first_of(white_space) != std::string_view::npos) {
    return domain::invalid_input("a token has no white space in it: give one token, on one line");
  }
  if (token.starts_with(hashed_prefix)) return domain::invalid_input("this is a hashed token already: give the token itself");
  if (token.size() < token_bytes_min || token.size() > token_bytes_max) return domain::invalid_input(length_rule());
  static constexpr char hex_digits[] = "0123456789abcdef";
  std::string hashed(hashed_prefix);
  for (const unsigned char byte : sha256_of(token)) {
    hashed += hex_digits[byte >> 4];
    hashed += hex_digits[byte & 0x0f];
  }
  return hashed;
}

}  // namespace csp::server
