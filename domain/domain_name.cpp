#include "domain/domain_name.h"

#include <algorithm>

#include "domain/text.h"

namespace csp::domain {
namespace {

constexpr std::size_t name_bytes_max = 253;
constexpr std::size_t label_bytes_max = 63;

bool is_label_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// Empty when the label is fine, else why it is not.
std::string label_problem(std::string_view label) {
  if (label.empty()) return "has an empty label (two dots in a row, or a dot at an end)";
  if (label.size() > label_bytes_max) return "has a label longer than 63 characters";
  if (label.front() == '-' || label.back() == '-') return "has a label that starts or ends with '-'";
  if (!std::all_of(label.begin(), label.end(), is_label_char)) {
    return "may hold only letters a-z, digits, '-' and '.'";
  }
  return {};
}

}  // namespace

Result<DomainName> DomainName::parse(std::string_view text) {
  std::string lowered(text);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  const auto refuse = [&](std::string_view why) {
    return invalid_input("domain name \"" + std::string(utf8_prefix(text, 80)) + "\" " + std::string(why) +
                         " (example: contoso.onmicrosoft.com)");
  };
  if (lowered.size() > name_bytes_max) return refuse("is longer than 253 characters");
  std::size_t label_count = 0;
  std::string_view rest = lowered;
  std::string_view last_label;
  while (true) {
    const std::size_t dot = rest.find('.');
    const std::string_view label = rest.substr(0, dot);
    if (const std::string problem = label_problem(label); !problem.empty()) return refuse(problem);
    ++label_count;
    last_label = label;
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  if (label_count < 2) return refuse("needs at least two labels");
  if (std::all_of(last_label.begin(), last_label.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return refuse("ends in a numeric label, which looks like an IP address");
  }
  DomainName name;
  name.name_ = std::move(lowered);
  return name;
}

}  // namespace csp::domain
