#include <algorithm>
#include <string>

#include "domain/business_time.h"
#include "domain/subscription.h"

namespace csp::domain {
namespace {

std::string joined(const std::vector<std::string>& choices) {
  std::string text;
  for (const auto& choice : choices) text += (text.empty() ? "" : ", ") + choice;
  return text;
}

Status check_offered(const Product& product, const std::vector<std::string>& choices, const std::string& wanted,
                     std::string_view what) {
  if (product.offers(choices, wanted)) return Status::success();
  return invalid_input(std::string(what) + " \"" + wanted + "\" is not offered for " + product.sku.str() +
                       "; choose one of: " + joined(choices));
}

}  // namespace

Decision decide(const SubscriptionState& state, const IssueDownloadLink& command, const SubscriptionContext& context) {
  auto role_used = authorize(context.agents, context.meta.actor, {Role::admin_agent}, "issue keys and download links");
  if (!role_used) return Decision::refuse(role_used.error());
  if (!state.purchase) {
    return Decision::refuse(Error{ErrorCode::unknown_subscription,
                                  "subscription " + command.subscription.str() + " does not exist"});
  }
  if (Status time = check_time_moves_forward(state.latest_at, context.meta.at, "subscription"); !time) {
    return Decision::refuse(time.error());
  }
  if (state.is_cancelled()) {
    return Decision::refuse(Error{ErrorCode::subscription_cancelled, "subscription " + command.subscription.str() +
                                                                         " was cancelled; its keys are revoked"});
  }
  const Product& product = state.purchase->product;
  if (product.kind != ProductKind::software) {
    return Decision::refuse(Error{ErrorCode::nothing_to_download,
                                  product.sku.str() + " is an Azure Reserved Instance: it has no keys or downloads"});
  }
  for (const auto& check : {check_offered(product, product.versions, command.version, "version"),
                            check_offered(product, product.languages, command.language, "language"),
                            check_offered(product, product.file_types, command.file_type, "file type")}) {
    if (!check) return Decision::refuse(check.error());
  }
  if (state.find_link(command.link) != nullptr) {
    return Decision::refuse(invalid_input("link id " + command.link.str() + " is already used; give a new link id or leave it out"));
  }
  auto expires_at = context.meta.at.plus(context.policy.link_lifetime);
  if (!expires_at) return Decision::refuse(expires_at.error());

  std::vector<Event> events;
  const bool has_key = std::any_of(state.keys.begin(), state.keys.end(),
                                   [&](const IssuedKey& issued) { return issued.version == command.version; });
  if (!has_key) {
    events.emplace_back(ProductKeyIssued{command.subscription, command.version, command.key_if_first, context.meta.at});
  }
  // R6: a new link has its own window and count; older links keep theirs.
  events.emplace_back(DownloadLinkIssued{command.subscription, command.link, command.version, command.language,
                                         command.file_type, context.meta.at, *expires_at,
                                         context.policy.link_downloads_max});
  return Decision::accept(*role_used, std::move(events));
}

}  // namespace csp::domain
