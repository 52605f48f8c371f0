#include "domain/contact.h"

#include <algorithm>

#include "domain/text.h"

namespace csp::domain {

Result<PhoneNumber> PhoneNumber::parse(std::string_view text) {
  constexpr std::size_t digits_min = 5;
  constexpr std::size_t digits_max = 20;
  constexpr std::size_t length_max = 40;
  std::size_t digits = 0;
  bool is_well_formed = !text.empty() && text.size() <= length_max;
  for (std::size_t at = 0; is_well_formed && at < text.size(); ++at) {
    const char c = text[at];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+') {
      is_well_formed = at == 0;
    } else {
      is_well_formed = c == ' ' || c == '-' || c == '.' || c == '(' || c == ')';
    }
  }
  if (!is_well_formed || digits < digits_min || digits > digits_max) {
    return invalid_input("phone number \"" + std::string(utf8_prefix(text, 40)) +
                         "\" must hold 5 to 20 digits, with optional leading '+', spaces, dashes, dots or "
                         "parentheses (example: +81 3-1234-5678)");
  }
  PhoneNumber phone;
  phone.text_ = std::string(text);
  return phone;
}

std::string_view impact_name(Impact impact) {
  switch (impact) {
    case Impact::minimal: return "minimal";
    case Impact::moderate: return "moderate";
    case Impact::important: return "important";
    case Impact::critical: return "critical";
  }
  throw std::logic_error("impact out of range");
}

Result<Impact> parse_impact(std::string_view text) {
  for (const Impact impact : {Impact::minimal, Impact::moderate, Impact::important, Impact::critical}) {
    if (impact_name(impact) == text) return impact;
  }
  return invalid_input("impact \"" + std::string(utf8_prefix(text, 40)) +
                       "\" is not one of minimal, moderate, important, critical");
}

Status check_attachment(const Attachment& attachment) {
  constexpr std::size_t digest_hex_length = 64;
  const auto& digest = attachment.sha256_hex;
  const bool is_hex = std::all_of(digest.begin(), digest.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
  if (digest.size() != digest_hex_length || !is_hex) {
    return invalid_input("attachment " + attachment.name.str() + " has no valid SHA-256 digest (64 lowercase hex digits)");
  }
  return Status::success();
}

}  // namespace csp::domain
