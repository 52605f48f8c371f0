// `history` and `export`: read straight from the log.

#include <iostream>
#include <variant>

#include "cmd/event_json.h"
#include "cmd/history.h"
#include "cmd/output.h"
#include "cmd/session.h"
#include "eventstore/chain.h"

namespace csp::cmd {
namespace {

using eventstore::StoredEvent;
using eventstore::StoreError;
using eventstore::StoreResult;

// A text with a space, comma or quote is quoted, so that `key=value`
// pairs split back apart; inside, quotes and backslashes are escaped.
// Lists and numbers are compact JSON, which delimits itself.
std::string quoted_if_needed(const std::string& value) {
  if (!value.empty() && value.find_first_of(" ,\"\\\t") == std::string::npos) return value;
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string summary_of(const nlohmann::ordered_json& fields) {
  std::string text;
  for (const auto& [key, value] : fields.items()) {
    if (key == "description" || key == "contact" || key == "attachments") continue;
    std::string shown;
    if (value.is_object() && value.contains("amount")) {
      shown = quoted_if_needed(value["amount"].get<std::string>() + " " + value["currency"].get<std::string>());
    } else {
      shown = value.is_string() ? quoted_if_needed(value.get<std::string>()) : json_line(value);
    }
    text += (text.empty() ? "" : "  ") + key + "=" + shown;
  }
  return text;
}

}  // namespace

int show_history(const Globals& globals, const HistorySelector& selector, const std::string& reader) {
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  HistoryAnswer answer = history_of(*opened->store, selector, reader);
  if (const auto* refusal = std::get_if<domain::Error>(&answer)) {
    return refusal->code == domain::ErrorCode::invalid_input ? report(globals, *refusal) : report_lookup(globals, *refusal);
  }
  if (const auto* failure = std::get_if<StoreError>(&answer)) return report(globals, *failure);
  const auto& lines = std::get<std::vector<nlohmann::ordered_json>>(answer);
  if (globals.is_json) {
    std::cout << json_line(nlohmann::ordered_json{{"ok", true}, {"command", "history"}, {"result", {{"events", lines}}}})
              << "\n";
    return exit_done;
  }
  for (const auto& line : lines) {
    std::string who = quoted_if_needed(line["actor"].get<std::string>());
    if (!line["role"].get<std::string>().empty()) who += " (" + line["role"].get<std::string>() + ")";
    std::cout << "#" << line["position"].get<std::int64_t>() << "  " << line["at"].get<std::string>() << "  "
              << line["type"].get<std::string>() << "  by " << who << "\n";
    std::string summary = summary_of(line["event"]);
    if (line.contains("withheld")) summary += (summary.empty() ? "" : "  ") + ("withheld=" + json_line(line["withheld"]));
    if (!summary.empty()) std::cout << "      " << summary << "\n";
  }
  return exit_done;
}

int export_log(const Globals& globals, std::int64_t from_position) {
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  StoreResult<bool> failure = true;
  std::int64_t exported = 0;
  eventstore::Hash last_hash{};
  DigestCursor digests(*opened->store);
  eventstore::StoreStatus read = opened->store->for_each_stored(from_position, [&](const StoredEvent& stored) {
    auto line = exported_event_json(digests, stored);
    if (!line) {
      failure = line.error();
      return false;
    }
    std::cout << json_line(*line) << "\n";
    ++exported;
    last_hash = stored.hash;
    return true;
  });
  if (!read) return report(globals, read.error());
  if (!failure) return report(globals, failure.error());
  std::cout << json_line(end_of_export_json(exported, last_hash)) << "\n";
  return exit_done;
}

}  // namespace csp::cmd
