#pragma once
// L6: business time never goes backwards within one stream.

#include <optional>
#include <string_view>

#include "domain/result.h"
#include "domain/timestamp.h"

namespace csp::domain {

// time_went_backwards when `at` is earlier than the stream's latest event;
// the same instant is allowed.
Status check_time_moves_forward(const std::optional<Timestamp>& latest_at, const Timestamp& at,
                                std::string_view stream_what);

}  // namespace csp::domain
