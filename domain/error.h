#pragma once
// The refusal vocabulary shared by every layer. The names are wire format
// (CLI --json, HTTP bodies, `run` output): never rename one.

#include <optional>
#include <string>
#include <string_view>

namespace csp::domain {

enum class ErrorCode {
  invalid_input,
  unknown_customer,
  unknown_product,
  unknown_subscription,
  unknown_link,
  unknown_ticket,
  not_authorized,
  market_not_available,
  nothing_to_download,
  link_expired,
  download_limit_reached,
  subscription_cancelled,
  cancel_window_closed,
  amount_exceeds_paid,
  customer_mismatch,
  ticket_already_resolved,
  time_went_backwards,
  concurrency_conflict,
};

inline constexpr int error_code_count = 18;

std::string_view code_name(ErrorCode code);
std::optional<ErrorCode> parse_code_name(std::string_view name);

// A message a person can act on: it names the input that was wrong and says
// what to do about it.
struct Error {
  ErrorCode code = ErrorCode::invalid_input;
  std::string message;

  friend bool operator==(const Error&, const Error&) = default;
};

Error invalid_input(std::string message);

}  // namespace csp::domain
