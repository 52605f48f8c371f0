#include "cmd/verification.h"

#include <functional>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "cmd/ledger.h"
#include "cmd/output.h"
#include "cmd/progress.h"
#include "domain/streams.h"
#include "domain/text.h"
#include "eventstore/chain.h"
#include "eventstore/guards.h"
#include "eventstore/sql_session.h"
#include "eventstore/verify.h"
#include "projections/compare.h"
#include "projections/replay.h"
#include "projections/stored_read_models.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

// The stored read models against a fresh replay of the events they claim
// to hold. `replayed` is the replay of the whole log, reused when they hold
// all of it.
struct ReadModelCheck {
  std::string summary;
  std::vector<projections::RowDifference> differences;
  std::optional<std::string> unverifiable;  // why the rows could not be compared
  // The rows claim events past the log's end: the tail was cut after they
  // were written.
  std::optional<std::int64_t> checkpoint_past_log;
};

eventstore::StoreResult<ReadModelCheck> check_read_models(eventstore::EventStore& store,
                                                          const projections::ReadModels& replayed, bool shows_progress) {
  eventstore::sql::Session* session = eventstore::sql::session_of(store);
  if (session == nullptr) return ReadModelCheck{"this store keeps no read models of its own", {}, {}, {}};
  projections::StoredReadModels stored(*session, projections::live_tables);
  auto stored_checkpoint = stored.stored_checkpoint();
  if (!stored_checkpoint) return std::move(stored_checkpoint).error();
  const std::optional<projections::Checkpoint>& checkpoint = *stored_checkpoint;
  if (!checkpoint) return ReadModelCheck{"no stored read models to compare (csp-ledger audit replay builds them)", {}, {}, {}};
  if (checkpoint->layout != projections::read_models_layout) {
    // Rows this build cannot vouch for are not to be trusted silently.
    return ReadModelCheck{"", {}, "the stored read models claim layout " + std::to_string(checkpoint->layout) +
                                      ", this build writes layout " + std::to_string(projections::read_models_layout), {}};
  }
  if (checkpoint->position > replayed.checkpoint()) return ReadModelCheck{"", {}, {}, checkpoint->position};
  std::optional<projections::ReadModels> partial;
  if (checkpoint->position != replayed.checkpoint() || checkpoint->until_time) {
    TerminalProgress bar("replaying up to the read models' checkpoint", shows_progress);
    auto replay = projections::replay_in_memory(
        store, projections::ReplayLimit{checkpoint->position, checkpoint->until_time}, bar.callback());
    if (!replay) return std::move(replay).error();
    partial = std::move(replay).value();
  }
  auto differences = projections::differences(stored, partial ? *partial : replayed);
  if (!differences) return std::move(differences).error();
  std::string summary = "the stored read models equal a fresh replay up to position " + std::to_string(checkpoint->position);
  if (checkpoint->until_time) summary += " as of " + checkpoint->until_time->str();
  return ReadModelCheck{summary, std::move(differences).value(), {}, {}};
}

// An alias sends a command to a stream (an order id to its subscription,
// a link id, a domain to its customer): one changed behind the ledger's
// back would send downloads or cancellations elsewhere. Each must be one
// the events introduce, naming the stream of the event that introduced it.
struct AliasFault {
  std::string message;
  std::optional<std::int64_t> position;
};

eventstore::StoreResult<std::optional<AliasFault>> check_aliases(eventstore::EventStore& store,
                                                                 const projections::ReadModels& replayed) {
  // The rows of a replay of the whole log say which aliases its events
  // introduced, and the row's first position is the event that did.
  struct Expected {
    std::string stream;
    std::int64_t position = 0;
  };
  std::map<std::string, Expected, std::less<>> expected;
  for (const auto& [tenant, row] : replayed.customers()) {
    expected.emplace(domain_alias(row.domain), Expected{domain::customer_stream(tenant), row.first_position});
  }
  for (const auto& [id, row] : replayed.subscriptions()) {
    expected.emplace(order_alias(row.order), Expected{domain::subscription_stream(id), row.first_position});
  }
  for (const auto& [id, row] : replayed.links()) {
    expected.emplace(link_alias(id), Expected{domain::subscription_stream(row.subscription), row.first_position});
  }
  std::optional<AliasFault> first;
  const auto note = [&](AliasFault fault) {
    const auto rank = [](const AliasFault& f) { return f.position.value_or(std::numeric_limits<std::int64_t>::max()); };
    if (!first || rank(fault) < rank(*first)) first = std::move(fault);
  };
  eventstore::StoreStatus listed = store.for_each_alias([&](std::string_view alias, std::string_view stream) {
    const auto match = expected.find(alias);
    if (match == expected.end()) {
      note(AliasFault{"alias " + std::string(alias) + " names " + std::string(stream) + " but no event introduced it",
                      std::nullopt});
      return true;
    }
    if (match->second.stream != stream) {
      note(AliasFault{"alias " + std::string(alias) + " names " + std::string(stream.empty() ? "a missing stream" : stream) +
                          ", but the event at position " + std::to_string(match->second.position) + " that introduced it is in " +
                          match->second.stream,
                      match->second.position});
    }
    expected.erase(match);
    return true;
  });
  if (!listed) return listed.error();
  for (const auto& [alias, introduced] : expected) {
    note(AliasFault{"alias " + alias + " of the event at position " + std::to_string(introduced.position) + " is missing",
                    introduced.position});
  }
  return first;
}

// The rows chain, but the way to rewrite them was opened: what a chain
// cannot show (a rewrite put back as it was, or one to come) is this.
AuditFault guards_fault(const std::vector<eventstore::MissingGuard>& missing) {
  std::string names;
  json triggers = json::array();
  for (const auto& guard : missing) {
    names += (names.empty() ? "" : ", ") + guard.trigger + " on " + guard.table;
    triggers.push_back(guard.trigger);
  }
  return AuditFault{"the triggers that keep the log append-only (L1) are missing or disabled: " + names +
                        "; the schema was changed behind the ledger's back, so its rows could have been rewritten",
                    std::nullopt, "guard_missing", json{{"triggers", triggers}}};
}

}  // namespace

AuditOutcome verify_ledger(eventstore::EventStore& store, bool shows_progress) {
  // The chain, the replay, the aliases and the stored rows all from one
  // moment: a command committing meanwhile (a server's writer, another
  // node) must not look like an alias or a row no event made.
  std::optional<projections::ReadSnapshot> snapshot;
  if (eventstore::sql::Session* session = eventstore::sql::session_of(store)) {
    snapshot.emplace(*session);
    if (!snapshot->status()) return snapshot->status().error();
  }
  std::optional<eventstore::StoreResult<eventstore::ChainReport>> chain;
  {
    TerminalProgress bar("checking the chain", shows_progress);
    auto head = store.head();
    if (!head) return head.error();
    chain = eventstore::verify_chain(store, [&](std::int64_t done) { bar.show(done, head->position); });
  }
  if (!*chain) {
    // Rows the store cannot even read (a missing interned name, a mangled
    // head record) are what an audit is for: a fault, not a crash.
    if (chain->error().kind == eventstore::StoreError::Kind::corrupt) {
      return AuditFault{chain->error().message, std::nullopt, "unreadable"};
    }
    return chain->error();
  }
  const eventstore::ChainReport& verified = **chain;
  if (verified.first_break) {
    const auto& broken = *verified.first_break;
    const std::string kind(eventstore::chain_break_name(broken.kind));
    return AuditFault{"hash chain broken at position " + std::to_string(broken.position) + " (" + kind + "): " +
                          broken.explanation,
                      broken.position, kind};
  }
  // Every payload must still decode and fold: a log that chains but does
  // not replay is as broken.
  std::optional<eventstore::StoreResult<projections::ReadModels>> replayed;
  {
    TerminalProgress bar("replaying the log", shows_progress);
    replayed = projections::replay_in_memory(store, projections::ReplayLimit{}, bar.callback());
  }
  if (!*replayed) {
    const eventstore::StoreError& failure = replayed->error();
    if (failure.kind != eventstore::StoreError::Kind::corrupt) return failure;
    return AuditFault{"replay fails: " + failure.message, failure.position, "does_not_replay"};
  }
  auto aliases = check_aliases(store, **replayed);
  if (!aliases) return aliases.error();
  if (*aliases) return AuditFault{(*aliases)->message, (*aliases)->position, "alias_differs"};
  auto check = check_read_models(store, **replayed, shows_progress);
  if (!check) return check.error();
  if (check->checkpoint_past_log) {
    const std::int64_t end = verified.events_checked;
    return AuditFault{"the stored read models hold the events up to position " + std::to_string(*check->checkpoint_past_log) +
                          " but the log ends at position " + std::to_string(end) + ": events were removed from the end",
                      end + 1, "missing"};
  }
  if (check->unverifiable) {
    return AuditFault{*check->unverifiable + ". csp-ledger audit replay rebuilds the read models from the log", std::nullopt,
                      "read_model_layout"};
  }
  if (!check->differences.empty()) {
    const projections::RowDifference& first = check->differences.front();
    std::string message = first.describe();
    if (check->differences.size() > 1) message += "; " + std::to_string(check->differences.size() - 1) + " more rows differ";
    return AuditFault{message + ". csp-ledger audit replay rebuilds the read models from the log", first.position,
                      "read_model_differs",
                      json{{"model", first.model}, {"row", first.row}, {"column", first.column}, {"stored", first.stored},
                           {"replayed", first.replayed}, {"rows_differing", check->differences.size()}}};
  }
  // Last: a rewrite the steps above can place is the better answer.
  if (eventstore::sql::Session* session = eventstore::sql::session_of(store)) {
    auto missing = eventstore::missing_guards(*session);
    if (!missing) return std::move(missing).error();
    if (!missing->empty()) return guards_fault(*missing);
  }
  const projections::ReadModels& models = **replayed;
  json result{{"events_checked", verified.events_checked}, {"head_hash", eventstore::hash_hex(verified.head_hash)}};
  result["subscriptions"] = models.subscriptions().size();
  result["links"] = models.links().size();
  result["refund_tickets"] = models.refunds().size();
  result["read_models"] = check->summary;
  std::string sentence = "the hash chain of " + std::to_string(verified.events_checked) + " events is intact (head " +
                         eventstore::hash_hex(verified.head_hash) + "), every event replays, and " + check->summary;
  return AuditPassed{std::move(result), std::move(sentence)};
}

nlohmann::ordered_json audit_fault_json(const AuditFault& fault) {
  json error = error_json("audit_fault", fault.message)["error"];
  if (fault.position) error["position"] = *fault.position;
  error["fault"] = fault.fault;
  for (const auto& [key, value] : fault.details.items()) {
    error[key] = value.is_string() ? json(domain::printable(value.get<std::string>())) : value;
  }
  return error;
}

}  // namespace csp::cmd
