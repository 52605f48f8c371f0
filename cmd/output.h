#pragma once
// What the command line prints, and the exit status of DESIGN.md: 0 done,
// 2 bad input or usage, 3 refused by a rule, 4 audit found a fault, 5 a
// read-only lookup found no such thing, 1 else.

#include <iosfwd>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cmd/ledger.h"
#include "eventstore/store_error.h"

namespace csp::cmd {

enum ExitStatus : int {
  exit_done = 0,
  exit_failed = 1,
  exit_bad_input = 2,
  exit_refused = 3,
  exit_audit_fault = 4,
  exit_not_found = 5,
};

int exit_status_of(const domain::Error& error);
// A lookup that changes nothing (history, report) is not refused by a rule
// when it names nothing that exists: unknown_* is exit_not_found there.
int lookup_exit_status_of(const domain::Error& error);
int exit_status_of(const eventstore::StoreError& error);

// {"ok":true,"command":...,"result":{...},"positions":[...]} or
// {"ok":false,"error":{"code":...,"message":...}}.
nlohmann::ordered_json outcome_json(const Outcome& outcome);
nlohmann::ordered_json outcome_json(Outcome&& outcome);
nlohmann::ordered_json refusal_json(const domain::Error& error);
// {"ok":false,"error":{"code":...,"message":...}} with the message made
// printable (domain::printable): no raw bytes of an input or a stored value.
nlohmann::ordered_json error_json(std::string_view code, std::string_view message);

// One JSON line. Text a caller typed may be invalid UTF-8 and is echoed in
// messages: such bytes become U+FFFD instead of failing the output.
std::string json_line(const nlohmann::ordered_json& body);

// For people: "PurchaseSoftware done" then the result's fields, aligned.
void print_outcome_text(std::ostream& out, const Outcome& outcome);

// The error line on stderr: "csp-ledger: <code>: <message>", the message
// made printable.
void print_error(std::string_view code, std::string_view message);

}  // namespace csp::cmd
