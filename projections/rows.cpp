#include "projections/rows.h"

#include <stdexcept>

namespace csp::projections {

std::string_view link_status_name(LinkStatus status) {
  switch (status) {
    case LinkStatus::live: return "live";
    case LinkStatus::expired: return "expired";
    case LinkStatus::exhausted: return "exhausted";
    case LinkStatus::revoked: return "revoked";
  }
  throw std::logic_error("link status out of range");
}

std::string_view refund_status_name(RefundStatus status) {
  switch (status) {
    case RefundStatus::open: return "open";
    case RefundStatus::refunded: return "refunded";
    case RefundStatus::rejected: return "rejected";
  }
  throw std::logic_error("refund status out of range");
}

LinkStatus LinkRow::status_at(const domain::Timestamp& as_of) const {
  if (is_revoked) return LinkStatus::revoked;
  if (downloads_used >= downloads_max) return LinkStatus::exhausted;
  if (as_of >= expires_at) return LinkStatus::expired;
  return LinkStatus::live;
}

}  // namespace csp::projections
