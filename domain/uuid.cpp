#include "domain/uuid.h"

#include "domain/text.h"

namespace csp::domain::detail {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<std::size_t, 4> dash_offsets = {8, 13, 18, 23};
constexpr std::size_t canonical_length = 36;

}  // namespace

std::optional<UuidBytes> parse_uuid_bytes(std::string_view text) {
  if (text.size() == canonical_length + 2 && text.front() == '{' && text.back() == '}') {
    text = text.substr(1, canonical_length);
  }
  if (text.size() != canonical_length) return std::nullopt;
  UuidBytes bytes{};
  std::size_t nibble = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const bool is_dash_place = at == dash_offsets[0] || at == dash_offsets[1] ||
                               at == dash_offsets[2] || at == dash_offsets[3];
    if (is_dash_place) {
      if (text[at] != '-') return std::nullopt;
      continue;
    }
    const int value = hex_value(text[at]);
    if (value < 0) return std::nullopt;
    auto& byte = bytes[nibble / 2];
    byte = static_cast<std::uint8_t>(nibble % 2 == 0 ? value << 4 : byte | value);
    ++nibble;
  }
  return bytes;
}

std::string format_uuid(const UuidBytes& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(canonical_length);
  for (std::size_t index = 0; index < bytes.size(); ++index) {
    if (index == 4 || index == 6 || index == 8 || index == 10) text.push_back('-');
    text.push_back(digits[bytes[index] >> 4]);
    text.push_back(digits[bytes[index] & 0x0F]);
  }
  return text;
}

Error uuid_error(std::string_view what, std::string_view text) {
  return invalid_input(std::string(what) + " \"" + std::string(utf8_prefix(text, 80)) +
                       "\" is not a GUID (example: 8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10)");
}

}  // namespace csp::domain::detail
