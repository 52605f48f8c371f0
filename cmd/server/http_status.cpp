#include "cmd/server/http_status.h"

namespace csp::server {

unsigned http_status_of(domain::ErrorCode code) {
  using domain::ErrorCode;
  switch (code) {
    case ErrorCode::invalid_input:
      return 400;
    case ErrorCode::not_authorized:
      return 403;
    case ErrorCode::unknown_customer:
    case ErrorCode::unknown_product:
    case ErrorCode::unknown_subscription:
    case ErrorCode::unknown_link:
    case ErrorCode::unknown_ticket:
      return 404;
    case ErrorCode::concurrency_conflict:
      return 409;
    case ErrorCode::market_not_available:
    case ErrorCode::nothing_to_download:
    case ErrorCode::link_expired:
    case ErrorCode::download_limit_reached:
    case ErrorCode::subscription_cancelled:
    case ErrorCode::cancel_window_closed:
    case ErrorCode::amount_exceeds_paid:
    case ErrorCode::customer_mismatch:
    case ErrorCode::ticket_already_resolved:
    case ErrorCode::time_went_backwards:
      return 422;
  }
  return 422;
}

}  // namespace csp::server
