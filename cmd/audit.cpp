// `audit verify` and `audit replay`: the hash chain of the whole log, the
// log replayed, and the stored read models compared with or rebuilt from
// that replay. A fault exits 4 and names the first position involved.

#include <chrono>
#include <iomanip>
#include <limits>
#include <map>
#include <iostream>

#include "cmd/ledger.h"
#include "cmd/output.h"
#include "domain/streams.h"
#include "domain/text.h"
#include "cmd/progress.h"
#include "cmd/session.h"
#include "eventstore/chain.h"
#include "eventstore/sql_session.h"
#include "eventstore/verify.h"
#include "projections/compare.h"
#include "projections/replay.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

// A fault the audit found, printed the way DESIGN asks and given exit 4.
int audit_fault(const Globals& globals, const std::string& message, std::optional<std::int64_t> position,
                const std::string& fault, json details = json::object()) {
  print_error("audit_fault", message);
  if (globals.is_json) {
    json body = error_json("audit_fault", message);
    json& error = body["error"];
    if (position) error["position"] = *position;
    error["fault"] = fault;
    // Stored cells are what a tamperer chose: printable, like the message.
    for (auto& [key, value] : details.items()) error[key] = value.is_string() ? json(domain::printable(value.get<std::string>())) : value;
    std::cout << json_line(body) << "\n";
  }
  return exit_audit_fault;
}

projections::Progress progress_to(TerminalProgress& bar) {
  return [&bar](std::int64_t done, std::int64_t total) { bar.show(done, total); };
}

// The stored read models against a fresh replay of the events they claim
// to hold. `replayed` is the replay of the whole log, reused when they hold
// all of it.
struct ReadModelCheck {
  std::string summary;
  std::vector<projections::RowDifference> differences;
  std::optional<std::string> unverifiable;  // why the rows could not be compared
};

eventstore::StoreResult<ReadModelCheck> check_read_models(eventstore::EventStore& store,
                                                          const projections::ReadModels& replayed) {
  eventstore::sql::Session* session = eventstore::sql::session_of(store);
  if (session == nullptr) return ReadModelCheck{"this store keeps no read models of its own", {}, {}};
  // The checkpoint and every table from one moment: a writer committing
  // meanwhile must not look like a difference.
  const projections::ReadSnapshot snapshot(*session);
  if (!snapshot.status()) return snapshot.status().error();
  projections::StoredReadModels stored(*session, projections::live_tables);
  auto stored_checkpoint = stored.stored_checkpoint();
  if (!stored_checkpoint) return std::move(stored_checkpoint).error();
  const std::optional<projections::Checkpoint>& checkpoint = *stored_checkpoint;
  if (!checkpoint) return ReadModelCheck{"no stored read models to compare (csp-ledger audit replay builds them)", {}, {}};
  if (checkpoint->layout != projections::read_models_layout) {
    // Rows this build cannot vouch for are not to be trusted silently.
    return ReadModelCheck{"", {}, "the stored read models claim layout " + std::to_string(checkpoint->layout) +
                                      ", this build writes layout " + std::to_string(projections::read_models_layout)};
  }
  std::optional<projections::ReadModels> partial;
  if (checkpoint->position != replayed.checkpoint() || checkpoint->until_time) {
    TerminalProgress bar("replaying up to the read models' checkpoint");
    auto replay = projections::replay_in_memory(
        store, projections::ReplayLimit{checkpoint->position, checkpoint->until_time}, progress_to(bar));
    if (!replay) return std::move(replay).error();
    partial = std::move(replay).value();
  }
  auto differences = projections::differences(stored, partial ? *partial : replayed);
  if (!differences) return std::move(differences).error();
  std::string summary = "the stored read models equal a fresh replay up to position " + std::to_string(checkpoint->position);
  if (checkpoint->until_time) summary += " as of " + checkpoint->until_time->str();
  return ReadModelCheck{summary, std::move(differences).value(), {}};
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

// The first event whose business time is at or before `time`; empty when
// every event is later. Business time orders each stream, not the log, so
// the scan goes on until one is found.
eventstore::StoreResult<std::optional<std::int64_t>> first_position_by(eventstore::EventStore& store,
                                                                       const domain::Timestamp& time) {
  std::optional<std::int64_t> found;
  eventstore::StoreStatus scanned = store.for_each(1, [&](const eventstore::StoredEvent& stored) {
    if (stored.business_time_us <= time.micros_since_epoch()) found = stored.position;
    return !found;
  });
  if (!scanned) return scanned.error();
  return found;
}

}  // namespace

int audit_verify(const Globals& globals) {
  auto opened = open_ledger(globals.db_path, false);
  if (!opened) return report(globals, opened.error());
  std::optional<eventstore::StoreResult<eventstore::ChainReport>> chain;
  {
    TerminalProgress bar("checking the chain");
    auto head = opened->store->head();
    if (!head) return report(globals, head.error());
    chain = eventstore::verify_chain(*opened->store, [&](std::int64_t done) { bar.show(done, head->position); });
  }
  if (!*chain) {
    // Rows the store cannot even read (a missing interned name, a mangled
    // head record) are what an audit is for: a fault, not a crash.
    if (chain->error().kind == eventstore::StoreError::Kind::corrupt) {
      return audit_fault(globals, chain->error().message, std::nullopt, "unreadable");
    }
    return report(globals, chain->error());
  }
  const eventstore::ChainReport& verified = **chain;
  json result{{"events_checked", verified.events_checked}, {"head_hash", eventstore::hash_hex(verified.head_hash)}};
  if (verified.first_break) {
    const auto& broken = *verified.first_break;
    const std::string kind(eventstore::chain_break_name(broken.kind));
    return audit_fault(globals,
                       "hash chain broken at position " + std::to_string(broken.position) + " (" + kind +
                           "): " + broken.explanation,
                       broken.position, kind);
  }
  // Every payload must still decode and fold: a log that chains but does
  // not replay is as broken.
  std::optional<eventstore::StoreResult<projections::ReadModels>> replayed;
  {
    TerminalProgress bar("replaying the log");
    replayed = projections::replay_in_memory(*opened->store, projections::ReplayLimit{}, progress_to(bar));
  }
  if (!*replayed) {
    const eventstore::StoreError& failure = replayed->error();
    if (failure.kind != eventstore::StoreError::Kind::corrupt) return report(globals, failure);
    return audit_fault(globals, "replay fails: " + failure.message, failure.position, "does_not_replay");
  }
  auto aliases = check_aliases(*opened->store, **replayed);
  if (!aliases) return report(globals, aliases.error());
  if (*aliases) return audit_fault(globals, (*aliases)->message, (*aliases)->position, "alias_differs");
  auto check = check_read_models(*opened->store, **replayed);
  if (!check) return report(globals, check.error());
  if (check->unverifiable) {
    return audit_fault(globals, *check->unverifiable + ". csp-ledger audit replay rebuilds the read models from the log",
                       std::nullopt, "read_model_layout");
  }
  if (!check->differences.empty()) {
    const projections::RowDifference& first = check->differences.front();
    std::string message = first.describe();
    if (check->differences.size() > 1) message += "; " + std::to_string(check->differences.size() - 1) + " more rows differ";
    return audit_fault(globals, message + ". csp-ledger audit replay rebuilds the read models from the log", first.position,
                       "read_model_differs",
                       json{{"model", first.model}, {"row", first.row}, {"column", first.column},
                            {"stored", first.stored}, {"replayed", first.replayed},
                            {"rows_differing", check->differences.size()}});
  }
  const projections::ReadModels& models = **replayed;
  result["subscriptions"] = models.subscriptions().size();
  result["links"] = models.links().size();
  result["refund_tickets"] = models.refunds().size();
  result["read_models"] = check->summary;
  if (globals.is_json) {
    std::cout << json_line({{"ok", true}, {"command", "audit verify"}, {"result", result}}) << "\n";
  } else {
    std::cout << "audit verify: the hash chain of " << verified.events_checked << " events is intact (head "
              << eventstore::hash_hex(verified.head_hash) << "), every event replays, and " << check->summary << ".\n";
  }
  return exit_done;
}

int audit_replay(const Globals& globals, const std::string& until, bool is_confirmed) {
  projections::ReplayLimit limit;
  if (!until.empty()) {
    if (until.find_first_not_of("0123456789") == std::string::npos) {
      try {
        limit.position = std::stoll(until);
      } catch (const std::out_of_range&) {
        return report(globals, domain::invalid_input("--until: position " + until + " is out of range"));
      }
    } else {
      auto time = domain::Timestamp::parse(until);
      if (!time) {
        return report(globals, domain::invalid_input("--until: give a log position (a whole number) or an RFC 3339 time: " +
                                                     time.error().message));
      }
      limit.time = *time;
    }
  }
  auto opened = open_ledger(globals.db_path, false);
  if (!opened) return report(globals, opened.error());
  if (eventstore::sql::session_of(*opened->store) == nullptr) {
    return report(globals, domain::invalid_input("this store keeps no read models of its own"));
  }
  // No lock says whether a server holds the ledger, and any reader would
  // see the earlier ledger: so any rebuild short of the head is confirmed.
  if (!until.empty() && !is_confirmed) {
    auto head = opened->store->head();
    if (!head) return report(globals, head.error());
    if (!limit.position || *limit.position < head->position) {
      return report(globals, domain::invalid_input(
                                 "--until " + until + " rebuilds the read models as the ledger stood then, and every "
                                 "reader (reports here and on any server of this ledger) sees that earlier ledger until "
                                 "the next command; give --yes as well to do so"));
    }
  }
  if (limit.time && !limit.position) {
    auto first = first_position_by(*opened->store, *limit.time);
    if (!first) return report(globals, first.error());
    // Nothing happened by then: the read models are those of position 0.
    if (!*first) limit.position = 0;
  }
  const auto started = std::chrono::steady_clock::now();
  // The write lock for the whole rebuild: no command lands between the
  // replay and the swap, and readers see the old read models until commit.
  auto batch = opened->store->begin_batch();
  if (!batch) return report(globals, batch.error());
  std::optional<eventstore::StoreResult<projections::Checkpoint>> rebuilt;
  {
    TerminalProgress bar("rebuilding the read models");
    rebuilt = projections::rebuild_stored(*opened->store, limit, progress_to(bar));
  }
  if (!*rebuilt) return report(globals, rebuilt->error());
  if (eventstore::StoreStatus committed = (*batch)->commit(); !committed) return report(globals, committed.error());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const projections::Checkpoint& checkpoint = **rebuilt;
  json result{{"position", checkpoint.position}};
  if (checkpoint.until_time) result["until_time"] = checkpoint.until_time->str();
  if (!until.empty() && checkpoint.position == 0) result["before_first_event"] = true;
  result["seconds"] = seconds;
  result["events_per_second"] = seconds > 0 ? static_cast<std::int64_t>(static_cast<double>(checkpoint.position) / seconds) : 0;
  if (globals.is_json) {
    std::cout << json_line({{"ok", true}, {"command", "audit replay"}, {"result", result}}) << "\n";
  } else if (!until.empty() && checkpoint.position == 0) {
    std::cout << "audit replay: --until " << until << " is before the first event: the read models are empty, as of "
              << "position 0, until the next command or csp-ledger audit replay brings them up to date.\n";
  } else {
    std::cout << "audit replay: the read models were rebuilt from the log up to position " << checkpoint.position
              << (checkpoint.until_time ? " as of " + checkpoint.until_time->str() : std::string()) << " in "
              << std::fixed << std::setprecision(2) << seconds << " s (" << result["events_per_second"].get<std::int64_t>() << " events/s).\n";
  }
  return exit_done;
}

}  // namespace csp::cmd
