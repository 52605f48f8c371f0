#pragma once
// What a ledger's log holds, read as an operator would: through
// `csp-ledger export` and `csp-ledger audit verify`.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace csp::reliability {

struct LoggedEvent {
  std::int64_t position = 0;
  std::string type;
};

struct LedgerLog {
  // Command id -> its events, by position.
  std::map<std::string, std::vector<LoggedEvent>> events_by_command;
  // Each command id where its first event stands, in log order.
  std::vector<std::string> commands_in_order;
  std::int64_t events = 0;
  std::int64_t head = 0;  // the last position read; 0 when none
};

// Exports `db` from `from_position` on into `scratch_path` and reads it;
// empty when the export fails or its end line is missing.
std::optional<LedgerLog> read_ledger_log(const std::string& ledger_bin, const std::string& db,
                                         const std::string& scratch_path, std::int64_t from_position = 1);

// Positions of one command's events, for comparing with an acknowledgement.
std::vector<std::int64_t> positions_of(const std::vector<LoggedEvent>& events);

// True when the events of one command stand together: a command applied
// twice under one id would leave two runs of them.
bool is_contiguous(const std::vector<LoggedEvent>& events);

// `csp-ledger audit verify`'s exit status (0: chain, replay and stored read
// models agree); its output lands in `output_path` for whoever reads why.
int audit_verify(const std::string& ledger_bin, const std::string& db, const std::string& output_path);

}  // namespace csp::reliability
