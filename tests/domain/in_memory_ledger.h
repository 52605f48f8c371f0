#pragma once
// A minimal command handler over an in-memory log, for domain tests only: it
// folds each stream the command touches, decides, and appends what the
// decision records. The real handler lives in cmd/ and stores the log.

#include <map>
#include <string>
#include <vector>

#include "domain/streams.h"
#include "fixtures.h"

namespace csp::domain::testing {

class InMemoryLedger {
 public:
  explicit InMemoryLedger(Catalogue products = catalogue(), Policy rules = Policy::from_seed())
      : products_(std::move(products)), policy_(std::move(rules)) {}

  Decision handle(const Command& command, const CommandMeta& command_meta) {
    Decision decision = std::visit([&](const auto& alternative) { return route(alternative, command_meta); }, command);
    for (const auto& event : decision.events) {
      streams_[stream_of(event)].push_back(event);
      log_.push_back(event);
    }
    return decision;
  }

  const std::vector<Event>& log() const { return log_; }

 private:
  template <class State>
  State fold(const std::string& stream) const {
    const auto found = streams_.find(stream);
    return found == streams_.end() ? State{} : given<State>(found->second);
  }

  AgentsState roster() const { return fold<AgentsState>(std::string(agents_stream)); }

  template <class AgentsCommandType>
  Decision route_agents(const AgentsCommandType& command, const CommandMeta& command_meta) {
    return decide(roster(), AgentsCommand{command}, command_meta);
  }
  Decision route(const InitializeLedger& command, const CommandMeta& m) { return route_agents(command, m); }
  Decision route(const GrantRole& command, const CommandMeta& m) { return route_agents(command, m); }
  Decision route(const RevokeRole& command, const CommandMeta& m) { return route_agents(command, m); }

  Decision route(const RegisterCustomer& command, const CommandMeta& m) {
    return decide(fold<CustomerState>(customer_stream(command.tenant)), command, m, roster());
  }
  Decision route(const PurchaseSoftware& command, const CommandMeta& m) {
    const auto customer = fold<CustomerState>(customer_stream(std::get<TenantId>(command.customer)));
    const AgentsState agents = roster();
    return decide(fold<SubscriptionState>(subscription_stream(command.subscription)), command, customer,
                  SubscriptionContext{m, agents, policy_, products_});
  }
  Decision route(const IssueDownloadLink& command, const CommandMeta& m) {
    const AgentsState agents = roster();
    return decide(fold<SubscriptionState>(subscription_stream(command.subscription)), command,
                  SubscriptionContext{m, agents, policy_, products_});
  }
  Decision route(const RecordDownload& command, const CommandMeta& m) {
    const AgentsState agents = roster();
    return decide(fold<SubscriptionState>(stream_of_link(command.link)), command,
                  SubscriptionContext{m, agents, policy_, products_});
  }
  Decision route(const CancelPurchase& command, const CommandMeta& m) {
    const AgentsState agents = roster();
    return decide(fold<SubscriptionState>(subscription_stream(std::get<SubscriptionId>(command.purchase))), command,
                  SubscriptionContext{m, agents, policy_, products_});
  }
  Decision route(const ResolveRefundTicket& command, const CommandMeta& m) {
    return decide(fold<RefundTicketState>(refund_stream(command.ticket)), command, m, roster());
  }

  std::string stream_of_link(const LinkId& link) const {
    for (const auto& event : log_) {
      if (const auto* issued = std::get_if<DownloadLinkIssued>(&event); issued && issued->link == link) {
        return subscription_stream(issued->subscription);
      }
    }
    return "no-such-stream";
  }

  Catalogue products_;
  Policy policy_;
  std::map<std::string, std::vector<Event>> streams_;
  std::vector<Event> log_;
};

}  // namespace csp::domain::testing
