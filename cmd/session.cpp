#include "cmd/session.h"

#include <filesystem>
#include <iostream>

#include "cmd/catalogue_file.h"
#include "cmd/hints.h"
#include "cmd/output.h"
#include "cmd/request_json.h"
#include "cmd/system.h"
#include "eventstore/backends.h"

namespace csp::cmd {

eventstore::StoreResult<OpenedLedger> open_ledger(const std::string& path, bool creates) {
  auto store = creates ? eventstore::create_store(path, now_micros) : eventstore::open_store(path, now_micros);
  if (!store) return std::move(store).error();
  auto catalogue = parse_catalogue_json(shipped_catalogue_json());
  if (!catalogue) throw std::logic_error("the shipped catalogue is invalid: " + catalogue.error().message);
  auto ledger = std::make_unique<Ledger>(**store, std::move(catalogue).value(), domain::Policy::from_seed());
  return OpenedLedger{std::move(store).value(), std::move(ledger)};
}

namespace {

void print_refusal(const Globals& globals, const domain::Error& refusal) {
  const domain::Error error = with_hint(refusal, FrontEnd::command_line, "");
  print_error(domain::code_name(error.code), error.message);
  if (globals.is_json) std::cout << json_line(refusal_json(error)) << "\n";
}

}  // namespace

int report(const Globals& globals, const domain::Error& error) {
  print_refusal(globals, error);
  return exit_status_of(error);
}

int report_lookup(const Globals& globals, const domain::Error& error) {
  print_refusal(globals, error);
  return lookup_exit_status_of(error);
}

int report(const Globals& globals, const eventstore::StoreError& error) {
  const int status = exit_status_of(error);
  // A missing, foreign or newer file is bad input; a damaged file or a
  // failing disk is no refusal and has no stable code: "store_failure".
  const std::string code = status == exit_bad_input ? "invalid_input" : "store_failure";
  print_error(code, error.message);
  if (globals.is_json) {
    std::cout << json_line(error_json(code, error.message)) << "\n";
  }
  return status;
}

namespace {

// Runs one request in its own durable transaction.
eventstore::StoreResult<Outcome> execute_durably(OpenedLedger& opened, const Request& request) {
  auto batch = opened.ledger->begin_batch();
  if (!batch) return std::move(batch).error();
  auto outcome = opened.ledger->execute(request, **batch);
  if (!outcome) return outcome;
  if (eventstore::StoreStatus committed = opened.ledger->commit(**batch); !committed) return committed.error();
  return outcome;
}

}  // namespace

int execute_one(const Globals& globals, const nlohmann::ordered_json& fields) {
  auto request = parse_request(fields, system_defaults());
  if (!request) return report(globals, request.error());
  const bool is_init = std::holds_alternative<domain::InitializeLedger>(request->command);
  auto opened = open_ledger(globals.db_path, is_init);
  if (!opened) return report(globals, opened.error());
  auto outcome = execute_durably(*opened, *request);
  if (is_init && (!outcome || outcome->refusal)) {
    // A ledger whose first command failed is no ledger: leave no file.
    opened = eventstore::StoreError{};
    eventstore::remove_store(globals.db_path);
  }
  if (!outcome) return report(globals, outcome.error());
  if (outcome->refusal) {
    outcome->refusal = with_hint(std::move(*outcome->refusal), FrontEnd::command_line, request->meta.actor.str());
    print_error(domain::code_name(outcome->refusal->code), outcome->refusal->message);
    if (globals.is_json) std::cout << json_line(outcome_json(*outcome)) << "\n";
    return exit_status_of(*outcome->refusal);
  }
  if (globals.is_json) {
    std::cout << json_line(outcome_json(*outcome)) << "\n";
  } else {
    print_outcome_text(std::cout, *outcome);
  }
  return exit_done;
}

}  // namespace csp::cmd
