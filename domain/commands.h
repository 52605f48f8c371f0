#pragma once
// What callers ask for. Commands are plain data built from parsed values; the
// caller (cmd/) supplies ids, keys and the time, so deciding is deterministic.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

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

// Who asks, under which idempotency key (L3), at which business time (L2).
// A command sent without a key gets its name from the store.
struct CommandMeta {
  std::optional<CommandId> id;
  Actor actor;
  Timestamp at;
};

// The first command of every ledger: makes `admin` its first admin-agent.
struct InitializeLedger {
  AgentId admin;
};

struct GrantRole {
  AgentId agent;
  Role role;
};

struct RevokeRole {
  AgentId agent;
  Role role;
};

struct RegisterCustomer {
  TenantId tenant;
  DomainName domain;
  Market market;
  std::optional<CustomerName> name;
};

// A customer named by tenant GUID or by primary domain (R9 allows either).
using CustomerRef = std::variant<TenantId, DomainName>;
std::string customer_ref_text(const CustomerRef& customer);

struct PurchaseSoftware {
  CustomerRef customer;
  Sku product;
  Quantity quantity;
  Money unit_price;
  OrderId order;
  SubscriptionId subscription;
};

struct IssueDownloadLink {
  SubscriptionId subscription;
  std::string version;
  std::string language;
  std::string file_type;
  LinkId link;
  // Used only when this is the first link for the version (R4).
  ProductKey key_if_first;
};

// The downloader is the command's actor: free text, the customer's user.
struct RecordDownload {
  LinkId link;
};

using PurchaseRef = std::variant<OrderId, SubscriptionId>;

struct CancelPurchase {
  PurchaseRef purchase;
  CustomerRef customer;
  Reason reason;
  DecimalAmount amount;  // requested refund, in the purchase's currency
  Contact contact;
  std::optional<Title> title;  // default: "Refund for order <order id>"
  Impact impact = Impact::minimal;
  std::vector<Attachment> attachments;
  TicketId ticket;
};

struct Refunded {
  DecimalAmount amount;  // in the ticket's currency
};
struct Rejected {
  Reason reason;
};

struct ResolveRefundTicket {
  TicketId ticket;
  std::variant<Refunded, Rejected> outcome;
};

using Command = std::variant<InitializeLedger, GrantRole, RevokeRole, RegisterCustomer, PurchaseSoftware,
                             IssueDownloadLink, RecordDownload, CancelPurchase, ResolveRefundTicket>;

// The name `run` files and results use: "PurchaseSoftware", ...
std::string_view command_name(const Command& command);

}  // namespace csp::domain
