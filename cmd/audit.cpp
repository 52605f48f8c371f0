// `audit verify` prints the check of verification.h (a fault exits 4 and
// names the first position involved); `audit replay` rebuilds the stored
// read models from the log.

#include <chrono>
#include <iomanip>
#include <iostream>

#include "cmd/digest_audit.h"
#include "cmd/ed25519.h"
#include "cmd/ledger.h"
#include "cmd/output.h"
#include "cmd/progress.h"
#include "cmd/session.h"
#include "cmd/verification.h"
#include "eventstore/sql_session.h"
#include "projections/replay.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

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

int report_audit_fault(const Globals& globals, const AuditFault& fault) {
  print_error("audit_fault", fault.message);
  if (globals.is_json) std::cout << json_line(json{{"ok", false}, {"error", audit_fault_json(fault)}}) << "\n";
  return exit_audit_fault;
}

int audit_verify(const Globals& globals, const DigestToCheck& digest_to_check) {
  std::optional<LogDigest> digest;
  std::optional<std::string> trusted_key;
  if (!digest_to_check.digest_path.empty()) {
    auto read = read_digest_file(digest_to_check.digest_path, "--digest");
    if (!read) return report(globals, read.error());
    digest = std::move(read).value();
  }
  if (!digest_to_check.public_key_path.empty()) {
    auto key = read_public_key_pem(digest_to_check.public_key_path);
    if (!key) return report(globals, key.error());
    trusted_key = std::move(key).value();
  }
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  // The digest first: a log rewritten and re-chained passes every other check.
  std::optional<DigestProven> proven;
  if (digest) {
    DigestOutcome checked = check_digest(*opened->store, *digest, trusted_key);
    if (const auto* failure = std::get_if<eventstore::StoreError>(&checked)) return report(globals, *failure);
    if (const auto* fault = std::get_if<AuditFault>(&checked)) return report_audit_fault(globals, *fault);
    proven = std::get<DigestProven>(std::move(checked));
  }
  AuditOutcome outcome = verify_ledger(*opened->store, true);
  if (const auto* failure = std::get_if<eventstore::StoreError>(&outcome)) return report(globals, *failure);
  if (const auto* fault = std::get_if<AuditFault>(&outcome)) return report_audit_fault(globals, *fault);
  auto& passed = std::get<AuditPassed>(outcome);
  if (proven) {
    passed.result["digest"] = proven->result;
    passed.sentence += "; " + proven->sentence;
  }
  if (globals.is_json) {
    std::cout << json_line({{"ok", true}, {"command", "audit verify"}, {"result", passed.result}}) << "\n";
  } else {
    std::cout << "audit verify: " << passed.sentence << ".\n";
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
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
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
    rebuilt = projections::rebuild_stored(*opened->store, limit, bar.callback());
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
