#include "domain/events.h"

namespace csp::domain {

std::string_view event_type_name(const Event& event) {
  return std::visit([](const auto& alternative) { return std::decay_t<decltype(alternative)>::type_name; }, event);
}

std::uint32_t event_schema_version(const Event& event) {
  return std::visit([](const auto& alternative) { return std::decay_t<decltype(alternative)>::schema_version; },
                    event);
}

const Timestamp& event_time(const Event& event) {
  return std::visit([](const auto& alternative) -> const Timestamp& { return alternative.at; }, event);
}

ErrorCode denial_error_code(DenialReason reason) {
  switch (reason) {
    case DenialReason::link_expired: return ErrorCode::link_expired;
    case DenialReason::download_limit_reached: return ErrorCode::download_limit_reached;
    case DenialReason::subscription_cancelled: return ErrorCode::subscription_cancelled;
  }
  throw std::logic_error("denial reason out of range");
}

std::string_view refund_status_name(RefundStatus status) {
  switch (status) {
    case RefundStatus::refunded: return "refunded";
    case RefundStatus::rejected: return "rejected";
  }
  throw std::logic_error("refund status out of range");
}

}  // namespace csp::domain
