#include "cmd/session.h"

#include <filesystem>
#include <iostream>

#include "cmd/catalogue_file.h"
#include "cmd/hints.h"
#include "cmd/output.h"
#include "cmd/recorded_key.h"
#include "cmd/request_json.h"
#include "cmd/system.h"
#include "eventstore/backends.h"

namespace csp::cmd {

namespace {

eventstore::StoreError key_error(const domain::Error& error) {
  return eventstore::StoreError{eventstore::StoreError::Kind::invalid_argument, error.message};
}

// The key file checked against the ledger: a wrong one is refused before
// anything is sealed with it. A default key file that is not there leaves
// the keys sealed and everything else working.
eventstore::StoreResult<KeyAccess> key_access_for(eventstore::EventStore& store, const KeyFile& key_file,
                                                  bool creates) {
  if (key_file.path.empty()) {
    return KeyAccess::absent("a PostgreSQL ledger's key file must be given with --key-file or $CSP_LEDGER_KEY_FILE");
  }
  const bool is_there = std::filesystem::exists(key_file.path);
  if (!is_there && !key_file.is_explicit && !key_file.may_create) {
    return KeyAccess::absent("its key file " + key_file.path + " is not there (give it with --key-file)");
  }
  auto key = key_file.may_create ? LedgerKey::load_or_create(key_file.path) : LedgerKey::load(key_file.path);
  if (!key) return key_error(key.error());
  auto recorded = recorded_key_id(store);
  if (!recorded) return std::move(recorded).error();
  if (*recorded && **recorded != key->id()) {
    // The ledger is not named: a PostgreSQL URI may hold a password.
    return key_error(domain::invalid_input("key file " + key_file.path + " holds key " + key->id() +
                                           ", but the ledger's product keys are sealed with key " + **recorded +
                                           ": give the ledger's own key file; nothing was changed"));
  }
  if (!*recorded && creates) {
    if (eventstore::StoreStatus recorded_now = record_key_id(store, key->id()); !recorded_now) {
      return recorded_now.error();
    }
  }
  return KeyAccess(std::move(key).value());
}

}  // namespace

eventstore::StoreResult<OpenedLedger> open_ledger(const std::string& path, bool creates, const KeyFile& key_file) {
  auto store = creates ? eventstore::create_store(path, now_micros) : eventstore::open_store(path, now_micros);
  if (!store) return std::move(store).error();
  auto keys = key_access_for(**store, key_file, creates);
  if (!keys) {
    if (creates) {
      store = eventstore::StoreError{};
      eventstore::remove_store(path);
    }
    return std::move(keys).error();
  }
  auto catalogue = parse_catalogue_json(shipped_catalogue_json());
  if (!catalogue) throw std::logic_error("the shipped catalogue is invalid: " + catalogue.error().message);
  auto ledger = std::make_unique<Ledger>(**store, std::move(catalogue).value(), domain::Policy::from_seed());
  ledger->set_key_access(std::move(keys).value());
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
  KeyFile key_file = key_file_for(globals.db_path, globals.key_file);
  key_file.may_create = is_init;
  auto opened = open_ledger(globals.db_path, is_init, key_file);
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
