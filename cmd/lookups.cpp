#include "cmd/lookups.h"

#include "cmd/ledger.h"
#include "domain/streams.h"

namespace csp::cmd {
namespace {

struct LookupsOf {
  CommandLookups operator()(const domain::InitializeLedger&) const { return agents(); }
  CommandLookups operator()(const domain::GrantRole&) const { return agents(); }
  CommandLookups operator()(const domain::RevokeRole&) const { return agents(); }
  CommandLookups operator()(const domain::RegisterCustomer& command) const {
    return with_agents({}, {domain_alias(command.domain)}, {domain::customer_stream(command.tenant)});
  }
  CommandLookups operator()(const domain::PurchaseSoftware& command) const {
    CommandLookups lookups = with_agents({}, {order_alias(command.order)}, {domain::subscription_stream(command.subscription)});
    if (const auto* tenant = std::get_if<domain::TenantId>(&command.customer)) {
      lookups.streams.push_back(domain::customer_stream(*tenant));
    } else {
      lookups.resolved_aliases.push_back(domain_alias(std::get<domain::DomainName>(command.customer)));
    }
    return lookups;
  }
  CommandLookups operator()(const domain::IssueDownloadLink& command) const {
    return with_agents({}, {link_alias(command.link)}, {domain::subscription_stream(command.subscription)});
  }
  CommandLookups operator()(const domain::RecordDownload& command) const {
    return with_agents({link_alias(command.link)}, {}, {});
  }
  CommandLookups operator()(const domain::CancelPurchase& command) const {
    CommandLookups lookups = with_agents({}, {}, {domain::refund_stream(command.ticket)});
    if (const auto* order = std::get_if<domain::OrderId>(&command.purchase)) {
      lookups.resolved_aliases.push_back(order_alias(*order));
    } else {
      lookups.streams.push_back(domain::subscription_stream(std::get<domain::SubscriptionId>(command.purchase)));
    }
    return lookups;
  }
  CommandLookups operator()(const domain::ResolveRefundTicket& command) const {
    return with_agents({}, {}, {domain::refund_stream(command.ticket)});
  }

  static CommandLookups agents() { return with_agents({}, {}, {}); }
  static CommandLookups with_agents(std::vector<std::string> resolved, std::vector<std::string> introduced,
                                    std::vector<std::string> streams) {
    streams.emplace_back(domain::agents_stream);
    return CommandLookups{std::move(resolved), std::move(introduced), std::move(streams)};
  }
};

}  // namespace

CommandLookups lookups_of(const domain::Command& command) { return std::visit(LookupsOf{}, command); }

}  // namespace csp::cmd
