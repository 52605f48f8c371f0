#include "cmd/ledger.h"

#include <algorithm>
#include <unordered_set>

#include "cmd/lookups.h"
#include "cmd/results.h"
#include "eventstore/sql_session.h"
#include "projections/replay.h"
#include "domain/event_codec.h"
#include "domain/streams.h"

namespace csp::cmd {
namespace {

using domain::Decision;
using domain::Error;
using domain::ErrorCode;
using eventstore::StoreError;
using eventstore::StoreResult;

constexpr int conflict_retries_max = 3;

// What a command needs appended besides its events: the versions its
// decision was based on, and the aliases it introduces.
struct StreamRead {
  std::string stream;
  std::int64_t version = 0;
  CacheSlot slot;
  std::vector<std::string> aliases;  // new ones this command introduces
};

template <class State>
StreamRead read_of(std::string stream, const Loaded<State>& loaded, std::vector<std::string> aliases = {}) {
  return StreamRead{std::move(stream), loaded.version, loaded.slot, std::move(aliases)};
}

struct Prepared {
  Decision decision;
  std::vector<StreamRead> streams;  // at most two
  // The subscription the command read, as the cache holds it: updated in
  // place once the events are applied, for the result.
  const domain::SubscriptionState* subscription = nullptr;

  const StreamRead* find(const std::string& stream) const {
    for (const auto& read : streams) {
      if (read.stream == stream) return &read;
    }
    return nullptr;
  }
};

Prepared refused(Error error) { return Prepared{Decision::refuse(std::move(error)), {}, nullptr}; }

// Decides one command against the states it reads.
class Planner {
 public:
  Planner(StateCache& cache, RememberedAliases& aliases, eventstore::WriteBatch& batch,
          const domain::CommandMeta& meta, const domain::Policy& policy, const domain::Catalogue& catalogue)
      : cache_(cache), aliases_(aliases), batch_(batch), meta_(meta), policy_(policy), catalogue_(catalogue) {}

  template <class AgentsCommandType>
  StoreResult<Prepared> decide_agents(const AgentsCommandType& command) {
    auto agents = cache_.load<domain::AgentsState>(batch_, std::string(domain::agents_stream));
    if (!agents) return std::move(agents).error();
    return Prepared{domain::decide(*agents->state, domain::AgentsCommand{command}, meta_),
                    {read_of(std::string(domain::agents_stream), *agents)}, nullptr};
  }
  StoreResult<Prepared> operator()(const domain::InitializeLedger& command) { return decide_agents(command); }
  StoreResult<Prepared> operator()(const domain::GrantRole& command) { return decide_agents(command); }
  StoreResult<Prepared> operator()(const domain::RevokeRole& command) { return decide_agents(command); }

  StoreResult<Prepared> operator()(const domain::RegisterCustomer& command) {
    auto agents = load_agents();
    if (!agents) return std::move(agents).error();
    const std::string stream = domain::customer_stream(command.tenant);
    auto customer = cache_.load<domain::CustomerState>(batch_, stream);
    if (!customer) return std::move(customer).error();
    return Prepared{domain::decide(*customer->state, command, meta_, *agents->state),
                    {read_of(stream, *customer, {domain_alias(command.domain)})}, nullptr};
  }

  StoreResult<Prepared> operator()(const domain::PurchaseSoftware& command) {
    auto agents = load_agents();
    if (!agents) return std::move(agents).error();
    auto customer_stream = stream_of_customer(command.customer);
    if (!customer_stream) return std::move(customer_stream).error();
    static const domain::CustomerState unknown_customer;
    const domain::CustomerState* customer = &unknown_customer;
    if (*customer_stream) {
      auto loaded = cache_.load<domain::CustomerState>(batch_, **customer_stream);
      if (!loaded) return std::move(loaded).error();
      customer = loaded->state;
    }
    const std::string stream = domain::subscription_stream(command.subscription);
    auto subscription = cache_.load<domain::SubscriptionState>(batch_, stream);
    if (!subscription) return std::move(subscription).error();
    return Prepared{domain::decide(*subscription->state, command, *customer, context(*agents->state)),
                    {read_of(stream, *subscription, {order_alias(command.order)})}, subscription->state};
  }

  StoreResult<Prepared> operator()(const domain::IssueDownloadLink& command) {
    auto agents = load_agents();
    if (!agents) return std::move(agents).error();
    const std::string stream = domain::subscription_stream(command.subscription);
    auto subscription = cache_.load<domain::SubscriptionState>(batch_, stream);
    if (!subscription) return std::move(subscription).error();
    return Prepared{domain::decide(*subscription->state, command, context(*agents->state)),
                    {read_of(stream, *subscription, {link_alias(command.link)})}, subscription->state};
  }

  StoreResult<Prepared> operator()(const domain::RecordDownload& command) {
    auto stream = resolve(link_alias(command.link));
    if (!stream) return std::move(stream).error();
    if (!*stream) return refused(Error{ErrorCode::unknown_link, "download link " + command.link.str() + " does not exist"});
    auto agents = load_agents();
    if (!agents) return std::move(agents).error();
    auto subscription = cache_.load<domain::SubscriptionState>(batch_, **stream);
    if (!subscription) return std::move(subscription).error();
    return Prepared{domain::decide(*subscription->state, command, context(*agents->state)),
                    {read_of(**stream, *subscription)}, subscription->state};
  }

  StoreResult<Prepared> operator()(const domain::CancelPurchase& command) {
    auto agents = load_agents();
    if (!agents) return std::move(agents).error();
    std::string stream;
    if (const auto* order = std::get_if<domain::OrderId>(&command.purchase)) {
      auto found = resolve(order_alias(*order));
      if (!found) return std::move(found).error();
      if (!*found) return refused(Error{ErrorCode::unknown_subscription, "order " + order->str() + " does not exist"});
      stream = **found;
    } else {
      stream = domain::subscription_stream(std::get<domain::SubscriptionId>(command.purchase));
    }
    const std::string ticket_stream = domain::refund_stream(command.ticket);
    auto ticket = cache_.load<domain::RefundTicketState>(batch_, ticket_stream);
    if (!ticket) return std::move(ticket).error();
    if (ticket->version != 0) {
      return refused(domain::invalid_input("ticket id " + command.ticket.str() +
                                           " is already used; give a new --ticket-id or leave it out"));
    }
    auto subscription = cache_.load<domain::SubscriptionState>(batch_, stream);
    if (!subscription) return std::move(subscription).error();
    return Prepared{domain::decide(*subscription->state, command, context(*agents->state)),
                    {read_of(stream, *subscription), read_of(ticket_stream, *ticket)}, subscription->state};
  }

  StoreResult<Prepared> operator()(const domain::ResolveRefundTicket& command) {
    auto agents = load_agents();
    if (!agents) return std::move(agents).error();
    const std::string stream = domain::refund_stream(command.ticket);
    auto ticket = cache_.load<domain::RefundTicketState>(batch_, stream);
    if (!ticket) return std::move(ticket).error();
    return Prepared{domain::decide(*ticket->state, command, meta_, *agents->state), {read_of(stream, *ticket)}, nullptr};
  }

 private:
  StoreResult<Loaded<domain::AgentsState>> load_agents() {
    return cache_.load<domain::AgentsState>(batch_, std::string(domain::agents_stream));
  }

  domain::SubscriptionContext context(const domain::AgentsState& agents) const {
    return domain::SubscriptionContext{meta_, agents, policy_, catalogue_};
  }

  StoreResult<std::optional<std::string>> stream_of_customer(const domain::CustomerRef& customer) {
    if (const auto* tenant = std::get_if<domain::TenantId>(&customer)) {
      return std::optional<std::string>(domain::customer_stream(*tenant));
    }
    return resolve(domain_alias(std::get<domain::DomainName>(customer)));
  }

  StoreResult<std::optional<std::string>> resolve(const std::string& alias) {
    if (const std::string* known = aliases_.find(alias)) return std::optional<std::string>(*known);
    auto stream = batch_.resolve_alias(alias);
    if (!stream || !*stream) return stream;
    aliases_.remember(alias, **stream);
    return stream;
  }

  StateCache& cache_;
  RememberedAliases& aliases_;
  eventstore::WriteBatch& batch_;
  const domain::CommandMeta& meta_;
  const domain::Policy& policy_;
  const domain::Catalogue& catalogue_;
};

Error alias_refusal(const std::string& message) {
  // The store names the alias first: "order:<id> already names ...".
  const std::string alias = message.substr(0, message.find(' '));
  const std::string value = alias.substr(alias.find(':') + 1);
  if (alias.rfind("order:", 0) == 0) {
    return domain::invalid_input("order id " + value + " is already used; give a new --order-id or leave it out");
  }
  if (alias.rfind("link:", 0) == 0) {
    return domain::invalid_input("link id " + value + " is already used; give a new --link-id or leave it out");
  }
  return domain::invalid_input("domain " + value + " is already registered to another customer");
}

StoreResult<std::vector<domain::Event>> decode_all(const std::vector<eventstore::StoredEvent>& stored) {
  std::vector<domain::Event> events;
  domain::PayloadDecoder decoder;
  for (const auto& event : stored) {
    auto decoded = projections::decode_stored(event, decoder);
    if (!decoded) return std::move(decoded).error();
    events.push_back(std::move(decoded).value());
  }
  return events;
}

// The command whose decision starts with this event.
std::string_view command_that_recorded(const domain::Event& event) {
  struct Namer {
    std::string_view operator()(const domain::AgentRoleGranted&) const { return "GrantRole"; }
    std::string_view operator()(const domain::AgentRoleRevoked&) const { return "RevokeRole"; }
    std::string_view operator()(const domain::CustomerRegistered&) const { return "RegisterCustomer"; }
    std::string_view operator()(const domain::SoftwarePurchased&) const { return "PurchaseSoftware"; }
    std::string_view operator()(const domain::ProductKeyIssued&) const { return "IssueDownloadLink"; }
    std::string_view operator()(const domain::DownloadLinkIssued&) const { return "IssueDownloadLink"; }
    std::string_view operator()(const domain::DownloadRecorded&) const { return "RecordDownload"; }
    std::string_view operator()(const domain::DownloadDenied&) const { return "RecordDownload"; }
    std::string_view operator()(const domain::PurchaseCancelled&) const { return "CancelPurchase"; }
    std::string_view operator()(const domain::ProductKeysRevoked&) const { return "CancelPurchase"; }
    std::string_view operator()(const domain::RefundTicketOpened&) const { return "CancelPurchase"; }
    std::string_view operator()(const domain::RefundTicketResolved&) const { return "ResolveRefundTicket"; }
  };
  return std::visit(Namer{}, event);
}

}  // namespace

std::string order_alias(const domain::OrderId& order) { return "order:" + order.str(); }
std::string link_alias(const domain::LinkId& link) { return "link:" + link.str(); }
std::string domain_alias(const domain::DomainName& domain) { return "domain:" + domain.str(); }

std::vector<std::string> aliases_introduced_by(const domain::Event& event) {
  if (const auto* purchased = std::get_if<domain::SoftwarePurchased>(&event)) return {order_alias(purchased->order)};
  if (const auto* issued = std::get_if<domain::DownloadLinkIssued>(&event)) return {link_alias(issued->link)};
  if (const auto* registered = std::get_if<domain::CustomerRegistered>(&event)) return {domain_alias(registered->domain)};
  return {};
}

Ledger::Ledger(eventstore::EventStore& store, domain::Catalogue catalogue, domain::Policy policy)
    : store_(store), catalogue_(std::move(catalogue)), policy_(std::move(policy)) {
  store_.set_upcasters(&projections::ledger_upcasters());
  if (eventstore::sql::Session* session = eventstore::sql::session_of(store_)) {
    read_models_ = std::make_unique<projections::StoredReadModels>(*session, projections::live_tables);
  }
}

void Ledger::set_cached_entries_max(std::size_t entries) {
  cache_.set_streams_max(entries);
  aliases_.set_aliases_max(entries);
  if (read_models_) read_models_->set_table_rows_max(entries);
}

void Ledger::forget_states() {
  cache_.clear();
  aliases_.clear();
}

// Rows not yet written go too: catch-up folds them again from the log.
void Ledger::forget_read_models() {
  if (read_models_) read_models_->forget();
  are_read_models_current_ = false;
  unwritten_position_ = 0;
}

void Ledger::forget_cached_state() {
  forget_states();
  forget_read_models();
}

StoreResult<std::unique_ptr<eventstore::WriteBatch>> Ledger::begin_batch() {
  if (is_batch_uncommitted_) forget_cached_state();
  auto batch = store_.begin_batch();
  if (!batch) return batch;
  if (!(*batch)->is_log_unchanged_by_others()) {
    if (has_begun_a_batch_) other_writer_seen_at_ = std::chrono::steady_clock::now();
    auto followed = follow_others(**batch);
    if (!followed) return std::move(followed).error();
    if (!*followed) forget_what_others_changed();
  }
  has_begun_a_batch_ = true;
  is_batch_uncommitted_ = true;
  // Read models that are behind (new, rebuilt up to an earlier point, or
  // left behind by another writer) catch up before this batch adds to them.
  if (read_models_ && !are_read_models_current_) {
    if (eventstore::StoreStatus caught_up = projections::catch_up(store_, *read_models_); !caught_up) {
      return caught_up.error();
    }
    are_read_models_current_ = true;
  }
  return batch;
}

StoreResult<bool> Ledger::follow_others(eventstore::WriteBatch& batch) {
  const auto appended = batch.appended_by_others();
  if (!appended || appended->head_position - appended->after_position > others_events_followed_max) return false;
  if (read_models_ && are_read_models_current_) {
    // Rows not cached here are left as stored: the stored rows must hold
    // the others' events, as they do when the others wrote their rows
    // with their commit.
    auto checkpoint = read_models_->read_checkpoint();
    if (!checkpoint) return std::move(checkpoint).error();
    if (checkpoint->position != appended->head_position || checkpoint->until_time ||
        checkpoint->layout != projections::read_models_layout) {
      return false;
    }
  }
  auto stored = batch.read_positions(appended->after_position + 1, appended->head_position - appended->after_position);
  if (!stored) return std::move(stored).error();
  for (const auto& event : *stored) {
    auto decoded = projections::decode_stored(event);
    if (!decoded) return std::move(decoded).error();
    cache_.follow(event.stream_id, event.stream_version, *decoded);
    if (read_models_ && are_read_models_current_) {
      if (eventstore::StoreStatus followed = read_models_->follow(*decoded, event.position); !followed) {
        return followed.error();
      }
    }
  }
  return true;
}

void Ledger::forget_what_others_changed() {
  cache_.begin_batch();
  forget_read_models();
}

eventstore::StoreStatus Ledger::commit(eventstore::WriteBatch& batch) {
  const auto due = read_models_due();
  return commit(batch, due && *due <= std::chrono::steady_clock::now());
}

eventstore::StoreStatus Ledger::commit(eventstore::WriteBatch& batch, bool writes_rows_now) {
  const bool writes_rows = writes_rows_now && unwritten_position_ > 0;
  if (writes_rows) {
    if (eventstore::StoreStatus flushed = read_models_->flush(); !flushed) return flushed;
    const projections::Checkpoint checkpoint{unwritten_position_, std::nullopt, projections::read_models_layout, false};
    if (eventstore::StoreStatus written = read_models_->write_checkpoint(checkpoint); !written) return written;
  }
  eventstore::StoreStatus committed = batch.commit();
  if (!committed) return committed;
  is_batch_uncommitted_ = false;
  if (writes_rows) {
    unwritten_position_ = 0;
    rows_written_at_ = std::chrono::steady_clock::now();
  }
  return committed;
}

std::optional<std::chrono::steady_clock::time_point> Ledger::read_models_due() const {
  if (unwritten_position_ == 0) return std::nullopt;
  // Another writer (a second server node, a command line) makes the next
  // batch here drop the rows kept waiting and fold them again from the
  // stored checkpoint; while one is about, they are written with every
  // commit instead, so the stored rows stay at the head.
  const bool is_another_writer_about =
      other_writer_seen_at_ && std::chrono::steady_clock::now() - *other_writer_seen_at_ < other_writer_window;
  if (is_another_writer_about) return rows_written_at_;
  if (read_models_ && read_models_->changed_rows() >= rows_waiting_max_) return rows_written_at_;
  return rows_written_at_ + flush_interval_;
}

eventstore::StoreStatus Ledger::flush_read_models() {
  if (unwritten_position_ == 0) return eventstore::StoreStatus::success();
  // Straight to the store: it refuses (throws) while a batch is open,
  // before anything here changes.
  auto batch = store_.begin_batch();
  if (!batch || is_batch_uncommitted_) {
    // The last batch was dropped: what waited may hold its rows, and goes.
    forget_cached_state();
    is_batch_uncommitted_ = false;
    return batch ? eventstore::StoreStatus::success() : eventstore::StoreStatus(std::move(batch).error());
  }
  if (!(*batch)->is_log_unchanged_by_others()) {
    // Another process wrote: it folded these events into the rows itself,
    // or rebuilt them on purpose (`audit replay --until`). The next command
    // catches up; writing nothing here leaves a deliberate cut alone.
    other_writer_seen_at_ = std::chrono::steady_clock::now();
    forget_what_others_changed();
    return eventstore::StoreStatus::success();
  }
  eventstore::StoreStatus written = commit(**batch, true);
  // Rows that could not be written are dropped: the next batch folds them
  // again from the log.
  if (!written) forget_cached_state();
  return written;
}

eventstore::StoreStatus Ledger::project(const std::vector<std::vector<domain::Event>>& events_by_write,
                                        const std::vector<std::int64_t>& positions) {
  if (!read_models_) return eventstore::StoreStatus::success();
  // The store numbers a command's events write by write, as they were given.
  std::size_t next = 0;
  for (const auto& events : events_by_write) {
    for (const auto& event : events) {
      if (eventstore::StoreStatus applied = read_models_->apply(event, positions.at(next)); !applied) return applied;
      unwritten_position_ = std::max(unwritten_position_, positions.at(next));
      ++next;
    }
  }
  return eventstore::StoreStatus::success();
}

eventstore::StoreStatus Ledger::read_ahead(const std::vector<const Request*>& requests, eventstore::WriteBatch& batch) {
  if (!batch.reads_ahead()) return eventstore::StoreStatus::success();
  // Aliases are resolved first: the streams they name are read next.
  eventstore::WriteBatch::ReadAhead first;
  eventstore::WriteBatch::ReadAhead second;
  std::unordered_set<std::string> seen_streams;
  std::unordered_set<std::string> seen_aliases;
  std::vector<std::string> to_resolve;
  const auto want_stream = [&](eventstore::WriteBatch::ReadAhead& into, const std::string& stream) {
    if (!seen_streams.insert(stream).second) return;
    if (const auto from = cache_.version_to_read_from(stream)) into.streams.push_back({stream, *from});
  };
  const auto want_alias = [&](const std::string& alias) {
    if (seen_aliases.insert(alias).second) first.aliases.push_back(alias);
  };
  for (const Request* request : requests) {
    if (request->meta.id) first.command_ids.push_back(request->meta.id->str());
    const CommandLookups lookups = lookups_of(request->command);
    for (const auto& alias : lookups.resolved_aliases) {
      if (const std::string* known = aliases_.find(alias)) {
        want_stream(first, *known);
      } else if (!seen_aliases.contains(alias)) {
        want_alias(alias);
        to_resolve.push_back(alias);
      }
    }
    for (const auto& alias : lookups.introduced_aliases) want_alias(alias);
    for (const auto& stream : lookups.streams) want_stream(first, stream);
  }
  if (first.is_empty()) return eventstore::StoreStatus::success();
  if (eventstore::StoreStatus read = batch.read_ahead(first); !read) return read;
  for (const auto& alias : to_resolve) {
    auto stream = batch.resolve_alias(alias);
    if (!stream) return std::move(stream).error();
    if (*stream) want_stream(second, **stream);
  }
  if (second.is_empty()) return eventstore::StoreStatus::success();
  return batch.read_ahead(second);
}

StoreResult<Outcome> Ledger::execute(const Request& request, eventstore::WriteBatch& batch) {
  cache_.begin_command();
  if (request.meta.id) {
    auto record = batch.find_command(request.meta.id->str());
    if (!record) return std::move(record).error();
    if (*record) return replay(request, **record, batch);
  }
  for (int attempt_number = 0; attempt_number <= conflict_retries_max; ++attempt_number) {
    bool is_conflict = false;
    auto outcome = attempt(request, batch, is_conflict);
    if (!is_conflict) return outcome;
    // Another writer moved a stream: reload states. The read-model rows
    // stay, since this batch's earlier commands changed them.
    forget_states();
  }
  Outcome outcome;
  outcome.command_name = std::string(domain::command_name(request.command));
  outcome.refusal = Error{ErrorCode::concurrency_conflict,
                          "other commands kept changing the same records; nothing was written: try again"};
  return outcome;
}

namespace {

bool holds_keys(const domain::Event& event) {
  return std::holds_alternative<domain::ProductKeyIssued>(event) ||
         std::holds_alternative<domain::ProductKeysRevoked>(event);
}

// Seals every product key of `events` in place, as they are to be stored.
domain::Status seal_keys(std::vector<domain::Event>& events, const KeyAccess& keys) {
  for (auto& event : events) {
    if (auto* issued = std::get_if<domain::ProductKeyIssued>(&event)) {
      auto key = keys.seal(issued->key);
      if (!key) return std::move(key).error();
      issued->key = std::move(key).value();
    } else if (auto* revoked = std::get_if<domain::ProductKeysRevoked>(&event)) {
      for (auto& revoked_key : revoked->keys) {
        auto key = keys.seal(revoked_key);
        if (!key) return std::move(key).error();
        revoked_key = std::move(key).value();
      }
    }
  }
  return domain::Status::success();
}

}  // namespace

StoreResult<Outcome> Ledger::attempt(const Request& request, eventstore::WriteBatch& batch, bool& is_conflict) {
  Outcome outcome;
  outcome.command_name = std::string(domain::command_name(request.command));
  auto prepared = std::visit(Planner(cache_, aliases_, batch, request.meta, policy_, catalogue_), request.command);
  if (!prepared) return std::move(prepared).error();
  const Decision& decision = prepared->decision;
  outcome.refusal = decision.refusal;
  if (decision.events.empty()) return outcome;
  // Most commands hold no key: only those that do are copied to be sealed.
  std::optional<std::vector<domain::Event>> sealed;
  if (std::any_of(decision.events.begin(), decision.events.end(), holds_keys)) {
    sealed = decision.events;
    if (domain::Status sealed_all = seal_keys(*sealed, keys_); !sealed_all) {
      outcome.refusal = std::move(sealed_all).error();
      outcome.refusal->message += "; nothing was written";
      return outcome;
    }
  }
  const std::vector<domain::Event>& events = sealed ? *sealed : decision.events;

  eventstore::AppendRequest append{request.meta.id ? request.meta.id->str() : std::string(), {}, request.digest};
  std::vector<std::vector<domain::Event>> events_by_write;
  std::vector<CacheSlot> slots;
  const std::string role = decision.role_used ? std::string(domain::role_name(*decision.role_used)) : std::string();
  for (const auto& event : events) {
    const std::string stream = domain::stream_of(event);
    std::size_t index = 0;
    while (index < append.writes.size() && append.writes[index].stream_id != stream) ++index;
    if (index == append.writes.size()) {
      const StreamRead* read = prepared->find(stream);
      if (read == nullptr) throw std::logic_error("decision wrote to unread stream " + stream);
      append.writes.push_back(eventstore::StreamWrite{stream, read->version, {}, {}});
      if (decision.is_accepted()) append.writes.back().aliases = read->aliases;
      events_by_write.emplace_back();
      slots.push_back(read->slot);
    }
    append.writes[index].events.push_back(eventstore::NewEvent{
        std::string(domain::event_type_name(event)), domain::event_schema_version(event), encoder_.encode(event),
        request.meta.actor.str(), role, domain::event_time(event).micros_since_epoch()});
    events_by_write[index].push_back(event);
  }
  auto appended = batch.append(append);
  if (!appended) {
    if (appended.error().kind == StoreError::Kind::conflict) {
      is_conflict = true;
      return outcome;
    }
    if (appended.error().kind == StoreError::Kind::alias_taken) {
      outcome.refusal = alias_refusal(appended.error().message);
      return outcome;
    }
    // The replay check above refuses this first; the store's own check is
    // the same refusal, never a failure of the batch.
    if (appended.error().kind == StoreError::Kind::command_differs) {
      outcome.refusal = domain::invalid_input(appended.error().message);
      return outcome;
    }
    return std::move(appended).error();
  }
  for (std::size_t index = 0; index < slots.size(); ++index) cache_.apply(slots[index], events_by_write[index]);
  if (eventstore::StoreStatus projected = project(events_by_write, appended->positions); !projected) {
    return projected.error();
  }
  outcome.positions = appended->positions;
  outcome.result = result_of(outcome.command_name, events, prepared->subscription, keys_);
  return outcome;
}

StoreResult<Outcome> Ledger::replay(const Request& request, const eventstore::CommandRecord& record,
                                    eventstore::WriteBatch& batch) {
  auto stored = batch.read_positions(record.first_position, record.event_count);
  if (!stored) return std::move(stored).error();
  auto events = decode_all(*stored);
  if (!events) return std::move(events).error();
  Outcome outcome;
  outcome.command_name = std::string(domain::command_name(request.command));
  // The first result goes back only to the same command from the same actor:
  // an id is no key to someone else's result (a product key, say).
  const std::string_view first_name = command_that_recorded(events->front());
  const bool is_same_command = first_name == outcome.command_name ||
                               (first_name == "GrantRole" && outcome.command_name == "InitializeLedger");
  if (!is_same_command || stored->front().actor != request.meta.actor.str()) {
    outcome.refusal = domain::invalid_input("command id " + request.meta.id->str() + " was used for " +
                                            std::string(first_name) + " by " + stored->front().actor +
                                            "; give this command an id of its own");
    return outcome;
  }
  // L3: the id binds the whole command. A record kept before digests were
  // is compared by name and actor only.
  if (record.digest && request.digest && *record.digest != *request.digest) {
    outcome.refusal = domain::invalid_input("command id '" + request.meta.id->str() +
                                            "' was already used for a different command; give this command an id of "
                                            "its own");
    return outcome;
  }
  outcome.is_replay = true;
  outcome.refusal = refusal_recorded_in(*events);
  for (const auto& event : *stored) outcome.positions.push_back(event.position);
  const domain::SubscriptionState* subscription = nullptr;
  for (const auto& event : *stored) {
    if (event.stream_id.rfind("subscription-", 0) != 0) continue;
    auto state = cache_.load<domain::SubscriptionState>(batch, event.stream_id);
    if (!state) return std::move(state).error();
    subscription = state->state;
  }
  outcome.result = result_of(outcome.command_name, *events, subscription, keys_);
  return outcome;
}

}  // namespace csp::cmd
