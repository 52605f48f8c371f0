#pragma once
// One invocation of csp-ledger: the ledger file opened, and the actions the
// subcommands run. Each returns the process exit status.

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cmd/history.h"
#include "cmd/ledger.h"
#include "eventstore/store.h"

namespace csp::cmd {

struct Globals {
  std::string db_path;
  bool is_json = false;
};

struct OpenedLedger {
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<Ledger> ledger;
};

// Opens (or, for init, creates) the ledger file with the shipped catalogue
// and the seed policy.
eventstore::StoreResult<OpenedLedger> open_ledger(const std::string& path, bool creates);

// One command given by flags, already gathered as its `run` JSON object.
int execute_one(const Globals& globals, const nlohmann::ordered_json& fields);
// `run FILE|-`.
int run_file(const Globals& globals, const std::string& path, std::size_t cached_entries_max);
// `history`: the events of one thing (history.h), printed.
// `reader` (--actor) is the agent whose roles decide what is shown: the
// private fields of private_fields.h only to an admin-agent, and to nobody
// when `reader` is empty.
int show_history(const Globals& globals, const HistorySelector& selector, const std::string& reader);
// `audit verify`: exit 4 when the chain is broken or the log does not replay.
int audit_verify(const Globals& globals);
// `audit replay [--until POSITION|TIME [--yes]]`: the stored read models
// rebuilt from the log and swapped in atomically. Rebuilt to before the
// head, they show every reader an earlier ledger: that needs `is_confirmed`.
int audit_replay(const Globals& globals, const std::string& until, bool is_confirmed);
// `import FILE|-`: an export into an empty ledger, chain checked.
int import_log(const Globals& globals, const std::string& path);
// `export [--from POSITION]`.
int export_log(const Globals& globals, std::int64_t from_position);

// Prints a refusal or failure the way every subcommand does and returns its
// exit status.
int report(const Globals& globals, const domain::Error& error);
// The same for a read-only lookup: unknown things exit 5 (not found).
int report_lookup(const Globals& globals, const domain::Error& error);
int report(const Globals& globals, const eventstore::StoreError& error);

}  // namespace csp::cmd
