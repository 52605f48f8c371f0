#include "cmd/server/query_string.h"

#include <charconv>

namespace csp::server {
namespace {

std::optional<std::string> percent_decoded(std::string_view text) {
  std::string decoded;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      decoded += ' ';
    } else if (text[i] == '%') {
      unsigned char byte = 0;
      const char* first = text.data() + i + 1;
      if (i + 2 >= text.size() || std::from_chars(first, first + 2, byte, 16).ptr != first + 2) return std::nullopt;
      decoded += static_cast<char>(byte);
      i += 2;
    } else {
      decoded += text[i];
    }
  }
  return decoded;
}

}  // namespace

std::optional<Target> parse_target(std::string_view target) {
  Target parsed;
  const std::size_t question = target.find('?');
  auto path = percent_decoded(target.substr(0, question));
  if (!path) return std::nullopt;
  parsed.path = std::move(*path);
  if (question == std::string_view::npos) return parsed;
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t equals = pair.find('=');
    auto name = percent_decoded(pair.substr(0, equals));
    auto value = percent_decoded(equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1));
    if (!name || !value) return std::nullopt;
    if (!parsed.parameters.emplace(std::move(*name), std::move(*value)).second) return std::nullopt;
  }
  return parsed;
}

domain::Result<std::int64_t> whole_number(const std::string& parameter, const std::string& value, const char* example) {
  std::int64_t number = 0;
  const auto parsed = std::from_chars(value.data(), value.data() + value.size(), number);
  if (parsed.ec != std::errc() || parsed.ptr != value.data() + value.size()) {
    return domain::invalid_input(parameter + " \"" + value + "\" is not a whole number (example: " + example + ")");
  }
  return number;
}

}  // namespace csp::server
