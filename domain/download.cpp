#include <string>

#include "domain/business_time.h"
#include "domain/subscription.h"

namespace csp::domain {
namespace {

Decision deny(const SubscriptionState& state, const LinkState& link, const SubscriptionContext& context,
              DenialReason reason, std::string message) {
  const Error error{denial_error_code(reason), std::move(message)};
  return Decision::refuse_recording(
      error, {DownloadDenied{state.purchase->subscription, link.id, context.meta.actor, context.meta.at, reason}});
}

}  // namespace

Decision decide(const SubscriptionState& state, const RecordDownload& command, const SubscriptionContext& context) {
  const LinkState* link = state.purchase ? state.find_link(command.link) : nullptr;
  if (link == nullptr) {
    return Decision::refuse(Error{ErrorCode::unknown_link, "download link " + command.link.str() + " does not exist"});
  }
  if (Status time = check_time_moves_forward(state.latest_at, context.meta.at, "subscription"); !time) {
    return Decision::refuse(time.error());
  }
  const std::string id = command.link.str();
  if (state.is_cancelled() || link->is_revoked) {
    return deny(state, *link, context, DenialReason::subscription_cancelled,
                "download link " + id + " was revoked when its subscription was cancelled (R10)");
  }
  if (context.meta.at >= link->expires_at) {
    return deny(state, *link, context, DenialReason::link_expired,
                "download link " + id + " expired at " + link->expires_at.str() + " (R5)");
  }
  if (link->downloads_used >= link->downloads_max) {
    return deny(state, *link, context, DenialReason::download_limit_reached,
                "download link " + id + " has used all " + std::to_string(link->downloads_max) +
                    " downloads (R5)");
  }
  return Decision::accept(std::nullopt, {DownloadRecorded{state.purchase->subscription, link->id, context.meta.actor,
                                                          context.meta.at, link->downloads_used + 1}});
}

}  // namespace csp::domain
