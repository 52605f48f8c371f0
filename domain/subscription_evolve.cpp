#include <algorithm>
#include <stdexcept>
#include <string>

#include "domain/subscription.h"

namespace csp::domain {
namespace {

struct SubscriptionEvolver {
  SubscriptionState& state;

  void operator()(const SoftwarePurchased& event) const { state.purchase = event; }
  void operator()(const ProductKeyIssued& event) const { state.keys.push_back(IssuedKey{event.version, event.key}); }
  void operator()(const DownloadLinkIssued& event) const {
    state.links.push_back(LinkState{event.link, event.version, event.at, event.expires_at, event.downloads_max, 0, false});
  }
  void operator()(const DownloadRecorded& event) const { link(event.link).downloads_used = event.downloads_used; }
  void operator()(const DownloadDenied&) const {}
  void operator()(const PurchaseCancelled& event) const { state.cancellation_ticket = event.ticket; }
  void operator()(const ProductKeysRevoked& event) const {
    for (const auto& revoked : event.links) link(revoked).is_revoked = true;
  }
  template <class Other>
  void operator()(const Other&) const {
    throw std::logic_error("event " + std::string(Other::type_name) + " does not belong to a subscription stream");
  }

  LinkState& link(const LinkId& id) const {
    auto found = std::find_if(state.links.begin(), state.links.end(), [&](const LinkState& l) { return l.id == id; });
    if (found == state.links.end()) throw std::logic_error("event names link " + id.str() + " that was never issued");
    return *found;
  }
};

}  // namespace

bool LinkState::is_live_at(const Timestamp& at) const {
  return !is_revoked && at < expires_at && downloads_used < downloads_max;
}

const LinkState* SubscriptionState::find_link(const LinkId& link) const {
  const auto found = std::find_if(links.begin(), links.end(), [&](const LinkState& l) { return l.id == link; });
  return found == links.end() ? nullptr : &*found;
}

SubscriptionState evolve(SubscriptionState state, const Event& event) {
  std::visit(SubscriptionEvolver{state}, event);
  state.latest_at = event_time(event);
  return state;
}

}  // namespace csp::domain
