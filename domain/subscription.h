#pragma once
// The `subscription-<id>` stream: a purchase, its keys and links, downloads,
// and its cancellation.

#include <optional>
#include <variant>
#include <vector>

#include "domain/agents.h"
#include "domain/catalogue.h"
#include "domain/commands.h"
#include "domain/customer.h"
#include "domain/decision.h"
#include "domain/events.h"
#include "domain/policy.h"

namespace csp::domain {

struct LinkState {
  LinkId id;
  std::string version;
  Timestamp issued_at;
  Timestamp expires_at;
  std::uint32_t downloads_max = 0;
  std::uint32_t downloads_used = 0;
  bool is_revoked = false;

  // R5: usable while before expires_at and under the download limit.
  bool is_live_at(const Timestamp& at) const;
};

struct IssuedKey {
  std::string version;
  ProductKey key;
};

struct SubscriptionState {
  std::optional<SoftwarePurchased> purchase;
  std::vector<IssuedKey> keys;
  std::vector<LinkState> links;
  std::optional<TicketId> cancellation_ticket;
  std::optional<Timestamp> latest_at;

  bool is_cancelled() const { return cancellation_ticket.has_value(); }
  const LinkState* find_link(const LinkId& link) const;
};

// Everything a subscription decision reads besides its own stream.
struct SubscriptionContext {
  const CommandMeta& meta;
  const AgentsState& agents;
  const Policy& policy;
  const Catalogue& catalogue;
};

// R1, R3: `customer` is the state of the customer the command names.
Decision decide(const SubscriptionState& state, const PurchaseSoftware& command, const CustomerState& customer,
                const SubscriptionContext& context);
// R4-R6.
Decision decide(const SubscriptionState& state, const IssueDownloadLink& command, const SubscriptionContext& context);
// R5, R10, L5.
Decision decide(const SubscriptionState& state, const RecordDownload& command, const SubscriptionContext& context);
// R7-R10. Its events go to two streams: the subscription's and the new
// ticket's (see stream_of), in one atomic append.
Decision decide(const SubscriptionState& state, const CancelPurchase& command, const SubscriptionContext& context);

SubscriptionState evolve(SubscriptionState state, const Event& event);

}  // namespace csp::domain
