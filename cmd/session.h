#pragma once
// One invocation of csp-ledger: the ledger file opened, and the actions the
// subcommands run. Each returns the process exit status.

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cmd/history.h"
#include "cmd/ledger.h"
#include "cmd/ledger_key.h"
#include "cmd/verification.h"
#include "eventstore/store.h"

namespace csp::cmd {

struct Globals {
  std::string db_path;
  std::string key_file;  // --key-file or $CSP_LEDGER_KEY_FILE; "": the default (ledger_key.h)
  bool is_json = false;

  KeyFile key_file_to_use() const { return key_file_for(db_path, key_file); }
};

struct OpenedLedger {
  std::unique_ptr<eventstore::EventStore> store;
  std::unique_ptr<Ledger> ledger;
};

// Opens (or, for init, creates) the ledger file with the shipped catalogue
// and the seed policy, and the key file that seals its product keys: a key
// file that is not the ledger's own is refused, and a created ledger
// records its key's id.
eventstore::StoreResult<OpenedLedger> open_ledger(const std::string& path, bool creates, const KeyFile& key_file);

// One command given by flags, already gathered as its `run` JSON object.
int execute_one(const Globals& globals, const nlohmann::ordered_json& fields);
// `run FILE|-`.
int run_file(const Globals& globals, const std::string& path, std::size_t cached_entries_max);
// `history`: the events of one thing (history.h), printed.
// `reader` (--actor) is the agent whose roles decide what is shown: the
// private fields of private_fields.h only to an admin-agent, and to nobody
// when `reader` is empty.
int show_history(const Globals& globals, const HistorySelector& selector, const std::string& reader);
// `key show --subscription ID`: its product keys in clear, to an
// admin-agent `reader`, opened with the ledger's key file.
int show_keys(const Globals& globals, const std::string& subscription, const std::string& reader);
// `audit verify [--digest FILE [--public-key PEM]]`.
struct DigestToCheck {
  std::string digest_path;      // empty: no digest to check against
  std::string public_key_path;  // empty: the digest's own key, if signed
};
// `audit verify`: exit 4 when the chain is broken, the log does not
// replay, or it does not extend the digest given (digest_audit.h).
int audit_verify(const Globals& globals, const DigestToCheck& digest_to_check);
// `digest [--sign KEYFILE]`: the log's digest (log_digest.h), printed.
int show_digest(const Globals& globals, const std::string& private_key_path);
// `prove --position N [--tree-size S]`: an inclusion proof, printed.
int show_proof(const Globals& globals, std::int64_t position, std::optional<std::int64_t> tree_size);
// `verify-proof --proof FILE --digest FILE [--public-key PEM]`: no ledger
// is opened; exit 4 when the proof or the digest's signature fails.
int verify_proof(const Globals& globals, const std::string& proof_path, const DigestToCheck& digest_to_check);
// An audit fault printed the way DESIGN asks; exit 4.
int report_audit_fault(const Globals& globals, const AuditFault& fault);
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
