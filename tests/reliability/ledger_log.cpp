#include "reliability/ledger_log.h"

#include <fstream>

#include <nlohmann/json.hpp>

#include "reliability/child_process.h"

namespace csp::reliability {

std::optional<LedgerLog> read_ledger_log(const std::string& ledger_bin, const std::string& db,
                                         const std::string& scratch_path, std::int64_t from_position) {
  if (run_to_end({ledger_bin, "--db", db, "export", "--from", std::to_string(from_position)}, scratch_path) != 0) {
    return std::nullopt;
  }
  std::ifstream input(scratch_path);
  LedgerLog log;
  bool is_complete = false;
  std::string text;
  while (std::getline(input, text)) {
    const nlohmann::json line = nlohmann::json::parse(text, nullptr, false);
    if (line.is_discarded()) return std::nullopt;
    if (line.contains("end_of_export")) {
      is_complete = true;
      continue;
    }
    const std::string id = line.value("command_id", "");
    auto& events = log.events_by_command[id];
    if (events.empty()) log.commands_in_order.push_back(id);
    events.push_back(LoggedEvent{line.value("position", std::int64_t{0}), line.value("type", "")});
    ++log.events;
    log.head = events.back().position;
  }
  if (!is_complete) return std::nullopt;
  return log;
}

std::vector<std::int64_t> positions_of(const std::vector<LoggedEvent>& events) {
  std::vector<std::int64_t> positions;
  for (const LoggedEvent& event : events) positions.push_back(event.position);
  return positions;
}

bool is_contiguous(const std::vector<LoggedEvent>& events) {
  for (std::size_t i = 1; i < events.size(); ++i) {
    if (events[i].position != events[i - 1].position + 1) return false;
  }
  return true;
}

int audit_verify(const std::string& ledger_bin, const std::string& db, const std::string& output_path) {
  return run_to_end({ledger_bin, "--db", db, "audit", "verify"}, output_path);
}

}  // namespace csp::reliability
