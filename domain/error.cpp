#include "domain/error.h"

#include <array>
#include <utility>

namespace csp::domain {
namespace {

constexpr std::array<std::string_view, error_code_count> code_names = {
    "invalid_input",
    "unknown_customer",
    "unknown_product",
    "unknown_subscription",
    "unknown_link",
    "unknown_ticket",
    "not_authorized",
    "market_not_available",
    "nothing_to_download",
    "link_expired",
    "download_limit_reached",
    "subscription_cancelled",
    "cancel_window_closed",
    "amount_exceeds_paid",
    "customer_mismatch",
    "ticket_already_resolved",
    "time_went_backwards",
    "concurrency_conflict",
};

static_assert(static_cast<int>(ErrorCode::concurrency_conflict) + 1 == error_code_count);

}  // namespace

std::string_view code_name(ErrorCode code) {
  return code_names.at(static_cast<std::size_t>(code));
}

std::optional<ErrorCode> parse_code_name(std::string_view name) {
  for (std::size_t index = 0; index < code_names.size(); ++index) {
    if (code_names[index] == name) return static_cast<ErrorCode>(index);
  }
  return std::nullopt;
}

Error invalid_input(std::string message) {
  return Error{ErrorCode::invalid_input, std::move(message)};
}

}  // namespace csp::domain
