#include "domain/business_time.h"

#include <string>

namespace csp::domain {

Status check_time_moves_forward(const std::optional<Timestamp>& latest_at, const Timestamp& at,
                                std::string_view stream_what) {
  if (latest_at && at < *latest_at) {
    return Error{ErrorCode::time_went_backwards,
                 "time " + at.str() + " is before the latest event of this " + std::string(stream_what) + " (" +
                     latest_at->str() + "); give a business time of " + latest_at->str() + " or later"};
  }
  return Status::success();
}

}  // namespace csp::domain
