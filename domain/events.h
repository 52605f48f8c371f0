#pragma once
// Every event the ledger records: plain data, past-tense names, each with a
// type name (wire format: never rename one) and a schema version. An event
// carries every fact its rule needed (L7) and its business time `at` (L2);
// who and which command are in the store's envelope.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "domain/catalogue.h"
#include "domain/contact.h"
#include "domain/domain_name.h"
#include "domain/email.h"
#include "domain/market.h"
#include "domain/money.h"
#include "domain/product_key.h"
#include "domain/quantity.h"
#include "domain/role.h"
#include "domain/text.h"
#include "domain/timestamp.h"
#include "domain/uuid.h"

namespace csp::domain {

#define CSP_EVENT_TYPE(name, version)                          \
  static constexpr std::string_view type_name = #name;         \
  static constexpr std::uint32_t schema_version = version;     \
  friend bool operator==(const name&, const name&) = default

struct AgentRoleGranted {
  AgentId agent;
  Role role = Role::helpdesk_agent;
  Timestamp at;
  CSP_EVENT_TYPE(AgentRoleGranted, 1);
  template <class Archive> void serialize(Archive& archive) { archive(agent, role, at); }
};

struct AgentRoleRevoked {
  AgentId agent;
  Role role = Role::helpdesk_agent;
  Timestamp at;
  CSP_EVENT_TYPE(AgentRoleRevoked, 1);
  template <class Archive> void serialize(Archive& archive) { archive(agent, role, at); }
};

// v2 added the optional name; v1 payloads are upcast on read (upcasters.h).
struct CustomerRegistered {
  TenantId tenant;
  DomainName domain;
  Market market;
  std::optional<CustomerName> name;
  Timestamp at;
  CSP_EVENT_TYPE(CustomerRegistered, 2);
  template <class Archive> void serialize(Archive& archive) { archive(tenant, domain, market, name, at); }
};

// R3, with the customer's market and the product as they were (L7), and the
// cancel deadline that R8 computed from the policy of the day.
struct SoftwarePurchased {
  SubscriptionId subscription;
  OrderId order;
  TenantId tenant;
  DomainName domain;
  Market market;
  Product product;
  Quantity quantity;
  Money unit_price;
  Money total_price;
  Timestamp at;
  Timestamp cancel_deadline;
  CSP_EVENT_TYPE(SoftwarePurchased, 1);
  template <class Archive> void serialize(Archive& archive) {
    archive(subscription, order, tenant, domain, market, product, quantity, unit_price, total_price, at,
            cancel_deadline);
  }
};

// R4: the first link for a version hands out that version's key.
struct ProductKeyIssued {
  SubscriptionId subscription;
  std::string version;
  ProductKey key;
  Timestamp at;
  CSP_EVENT_TYPE(ProductKeyIssued, 1);
  template <class Archive> void serialize(Archive& archive) { archive(subscription, version, key, at); }
};

// R4-R6, with the limits that applied (L7).
struct DownloadLinkIssued {
  SubscriptionId subscription;
  LinkId link;
  std::string version;
  std::string language;
  std::string file_type;
  Timestamp at;
  Timestamp expires_at;
  std::uint32_t downloads_max = 0;
  CSP_EVENT_TYPE(DownloadLinkIssued, 1);
  template <class Archive> void serialize(Archive& archive) {
    archive(subscription, link, version, language, file_type, at, expires_at, downloads_max);
  }
};

struct DownloadRecorded {
  SubscriptionId subscription;
  LinkId link;
  Actor downloaded_by;
  Timestamp at;
  std::uint32_t downloads_used = 0;  // counting this one
  CSP_EVENT_TYPE(DownloadRecorded, 1);
  template <class Archive> void serialize(Archive& archive) {
    archive(subscription, link, downloaded_by, at, downloads_used);
  }
};

// Stored as a number: never renumber one.
enum class DenialReason : std::uint8_t { link_expired = 1, download_limit_reached = 2, subscription_cancelled = 3 };

// L5: an attempt on an expired, used-up or revoked link is recorded too.
struct DownloadDenied {
  SubscriptionId subscription;
  LinkId link;
  Actor downloaded_by;
  Timestamp at;
  DenialReason reason = DenialReason::link_expired;
  CSP_EVENT_TYPE(DownloadDenied, 1);
  template <class Archive> void serialize(Archive& archive) { archive(subscription, link, downloaded_by, at, reason); }
};

struct PurchaseCancelled {
  SubscriptionId subscription;
  OrderId order;
  TenantId tenant;
  TicketId ticket;
  Reason reason;
  Money requested_amount;
  Timestamp at;
  CSP_EVENT_TYPE(PurchaseCancelled, 1);
  template <class Archive> void serialize(Archive& archive) {
    archive(subscription, order, tenant, ticket, reason, requested_amount, at);
  }
};

// R10: the keys and the links still live at cancellation, revoked together.
struct ProductKeysRevoked {
  SubscriptionId subscription;
  TicketId ticket;
  std::vector<ProductKey> keys;
  std::vector<LinkId> links;
  Timestamp at;
  CSP_EVENT_TYPE(ProductKeysRevoked, 1);
  template <class Archive> void serialize(Archive& archive) { archive(subscription, ticket, keys, links, at); }
};

// R9: the support ticket, with its four required items in the description.
struct RefundTicketOpened {
  TicketId ticket;
  SubscriptionId subscription;
  OrderId order;
  TenantId tenant;
  DomainName domain;
  std::string issue_type;
  Impact impact = Impact::minimal;
  Title title;
  std::string description;
  Reason reason;
  Money requested_amount;
  Money paid_amount;
  Contact contact;
  std::vector<Attachment> attachments;
  Timestamp at;
  CSP_EVENT_TYPE(RefundTicketOpened, 1);
  template <class Archive> void serialize(Archive& archive) {
    archive(ticket, subscription, order, tenant, domain, issue_type, impact, title, description, reason,
            requested_amount, paid_amount, contact, attachments, at);
  }
};

// Stored as a number: never renumber one.
enum class RefundStatus : std::uint8_t { refunded = 1, rejected = 2 };

// R11: exactly one of refunded_amount and rejection_reason is set.
struct RefundTicketResolved {
  TicketId ticket;
  RefundStatus status = RefundStatus::rejected;
  std::optional<Money> refunded_amount;
  std::optional<Reason> rejection_reason;
  Timestamp at;
  CSP_EVENT_TYPE(RefundTicketResolved, 1);
  template <class Archive> void serialize(Archive& archive) {
    archive(ticket, status, refunded_amount, rejection_reason, at);
  }
};

#undef CSP_EVENT_TYPE

// The order of alternatives is not wire format (type names are), but the
// event_types() table follows it.
using Event = std::variant<AgentRoleGranted, AgentRoleRevoked, CustomerRegistered, SoftwarePurchased,
                           ProductKeyIssued, DownloadLinkIssued, DownloadRecorded, DownloadDenied,
                           PurchaseCancelled, ProductKeysRevoked, RefundTicketOpened, RefundTicketResolved>;

std::string_view event_type_name(const Event& event);
std::uint32_t event_schema_version(const Event& event);
const Timestamp& event_time(const Event& event);

ErrorCode denial_error_code(DenialReason reason);
std::string_view refund_status_name(RefundStatus status);  // "refunded", "rejected"

}  // namespace csp::domain
