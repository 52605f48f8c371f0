#include "domain/text.h"

#include <cstdint>

namespace csp::domain::detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trimmed(std::string_view raw) {
  while (!raw.empty() && is_space(raw.front())) raw.remove_prefix(1);
  while (!raw.empty() && is_space(raw.back())) raw.remove_suffix(1);
  return raw;
}

// Length of the UTF-8 sequence starting at text[at], or 0 when it is malformed
// (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_sequence_length(std::string_view text, std::size_t at) {
  const auto lead = static_cast<std::uint8_t>(text[at]);
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) { length = 2; code_point = lead & 0x1Fu; }
  else if ((lead & 0xF0) == 0xE0) { length = 3; code_point = lead & 0x0Fu; }
  else if ((lead & 0xF8) == 0xF0) { length = 4; code_point = lead & 0x07u; }
  else return 0;
  if (at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    const auto next = static_cast<std::uint8_t>(text[at + i]);
    if ((next & 0xC0) != 0x80) return 0;
    code_point = (code_point << 6) | (next & 0x3Fu);
  }
  constexpr std::uint32_t smallest_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < smallest_for_length[length]) return 0;
  if (code_point > 0x10FFFF || (code_point >= 0xD800 && code_point <= 0xDFFF)) return 0;
  return length;
}

}  // namespace

Result<std::string> checked_text(std::string_view raw, std::string_view what,
                                 std::size_t bytes_max, bool allows_newlines) {
  const std::string_view text = trimmed(raw);
  const std::string name(what);
  if (text.empty()) return invalid_input(name + " is empty: give a non-blank value");
  if (text.size() > bytes_max) {
    return invalid_input(name + " is " + std::to_string(text.size()) + " bytes long; the limit is " +
                         std::to_string(bytes_max) + " bytes");
  }
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<std::uint8_t>(text[at]);
    const bool is_newline = byte == '\n' || byte == '\r';
    if ((byte < 0x20 && !(allows_newlines && (is_newline || byte == '\t'))) || byte == 0x7F) {
      return invalid_input(name + " contains a control character at byte " + std::to_string(at) +
                           (allows_newlines ? "" : "; it must be a single line"));
    }
    const std::size_t length = utf8_sequence_length(text, at);
    if (length == 0) {
      return invalid_input(name + " is not valid UTF-8 (bad byte at offset " + std::to_string(at) + ")");
    }
    at += length;
  }
  return std::string(text);
}

}  // namespace csp::domain::detail

namespace csp::domain {

std::string printable(std::string_view text) {
  static constexpr char hex_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<std::uint8_t>(text[at]);
    const std::size_t length = detail::utf8_sequence_length(text, at);
    if (length == 0 || byte < 0x20 || byte == 0x7F) {
      out += "\\x";
      out += hex_digits[byte >> 4];
      out += hex_digits[byte & 0x0F];
      ++at;
      continue;
    }
    out.append(text.substr(at, length));
    at += length;
  }
  return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t bytes_max) {
  if (text.size() <= bytes_max) return text;
  std::size_t end = bytes_max;
  // Back off continuation bytes (10xxxxxx) to the start of the sequence
  // the cut falls in; a UTF-8 sequence is at most 4 bytes.
  for (int step = 0; step < 4 && end > 0 && (static_cast<std::uint8_t>(text[end]) & 0xC0) == 0x80; ++step) --end;
  return text.substr(0, end);
}

std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = detail::utf8_sequence_length(text, at);
    if (length == 0) return at;
    at += length;
  }
  return std::nullopt;
}

}  // namespace csp::domain
