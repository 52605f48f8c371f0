// `audit verify`: the hash chain of the whole log, and the read models
// replayed from it. A fault exits 4 and names the first position involved.

#include <unistd.h>

#include <iostream>

#include "cmd/output.h"
#include "cmd/session.h"
#include "eventstore/chain.h"
#include "eventstore/verify.h"
#include "projections/read_models.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

// A progress line on a terminal only: scripts and pipes get none.
class Progress {
 public:
  explicit Progress(std::int64_t total) : total_(total), is_terminal_(isatty(STDERR_FILENO) == 1) {}
  void show(std::int64_t done) const {
    if (!is_terminal_ || total_ <= 0) return;
    std::cerr << "\rchecking the chain: " << done << " / " << total_ << " events (" << (done * 100 / total_) << "%)"
              << std::flush;
  }
  void finish() const {
    if (is_terminal_ && total_ > 0) std::cerr << "\r" << std::string(72, ' ') << "\r";
  }

 private:
  std::int64_t total_;
  bool is_terminal_;
};

}  // namespace

namespace {

// A fault the audit found, printed the way DESIGN asks and given exit 4.
int audit_fault(const Globals& globals, const std::string& message, std::optional<std::int64_t> position,
                const std::string& fault) {
  print_error("audit_fault", message);
  if (globals.is_json) {
    json error{{"code", "audit_fault"}, {"message", message}};
    if (position) error["position"] = *position;
    error["fault"] = fault;
    std::cout << json_line({{"ok", false}, {"error", error}}) << "\n";
  }
  return exit_audit_fault;
}

}  // namespace

int audit_verify(const Globals& globals) {
  auto opened = open_ledger(globals.db_path, false);
  if (!opened) return report(globals, opened.error());
  auto head = opened->store->head();
  if (!head) return report(globals, head.error());
  const Progress progress(head->position);
  auto chain = eventstore::verify_chain(*opened->store, [&](std::int64_t done) { progress.show(done); });
  progress.finish();
  if (!chain) {
    // Rows the store cannot even read (a missing interned name, a mangled
    // head record) are what an audit is for: a fault, not a crash.
    if (chain.error().kind == eventstore::StoreError::Kind::corrupt) {
      return audit_fault(globals, chain.error().message, std::nullopt, "unreadable");
    }
    return report(globals, chain.error());
  }
  json result{{"events_checked", chain->events_checked}, {"head_hash", eventstore::hash_hex(chain->head_hash)}};
  if (chain->first_break) {
    const auto& broken = *chain->first_break;
    const std::string kind(eventstore::chain_break_name(broken.kind));
    return audit_fault(globals,
                       "hash chain broken at position " + std::to_string(broken.position) + " (" + kind +
                           "): " + broken.explanation,
                       broken.position, kind);
  }
  // Every payload must still decode and fold into the read models: a log
  // that chains but does not replay is as broken.
  projections::ReadModels models;
  std::optional<std::string> replay_fault;
  std::int64_t fault_position = 0;
  eventstore::StoreStatus replayed = opened->store->for_each(1, [&](const eventstore::StoredEvent& stored) {
    auto event = projections::decode_stored(stored);
    if (!event) {
      replay_fault = event.error().message;
    } else {
      try {
        models.apply(*event, stored.position);
      } catch (const std::logic_error& failure) {
        replay_fault = failure.what();
      }
    }
    fault_position = stored.position;
    return !replay_fault;
  });
  if (!replayed) return report(globals, replayed.error());
  if (replay_fault) {
    return audit_fault(globals, "replay fails at position " + std::to_string(fault_position) + ": " + *replay_fault,
                       fault_position, "does_not_replay");
  }
  result["subscriptions"] = models.subscriptions().size();
  result["links"] = models.links().size();
  result["refund_tickets"] = models.refunds().size();
  if (globals.is_json) {
    std::cout << json_line({{"ok", true}, {"command", "audit verify"}, {"result", result}}) << "\n";
  } else {
    std::cout << "audit verify: the hash chain of " << chain->events_checked << " events is intact (head "
              << eventstore::hash_hex(chain->head_hash) << ") and every event replays.\n";
  }
  return exit_done;
}

}  // namespace csp::cmd
