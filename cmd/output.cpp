#include "cmd/output.h"

#include <algorithm>
#include <iostream>

#include "domain/text.h"

namespace csp::cmd {

int exit_status_of(const domain::Error& error) {
  return error.code == domain::ErrorCode::invalid_input ? exit_bad_input : exit_refused;
}

int lookup_exit_status_of(const domain::Error& error) {
  switch (error.code) {
    case domain::ErrorCode::unknown_customer:
    case domain::ErrorCode::unknown_product:
    case domain::ErrorCode::unknown_subscription:
    case domain::ErrorCode::unknown_link:
    case domain::ErrorCode::unknown_ticket:
      return exit_not_found;
    default:
      return exit_status_of(error);
  }
}

int exit_status_of(const eventstore::StoreError& error) {
  using Kind = eventstore::StoreError::Kind;
  switch (error.kind) {
    case Kind::not_found:
    case Kind::not_a_ledger:
    case Kind::newer_format:
    case Kind::already_exists:
    case Kind::invalid_argument:
    case Kind::command_differs:
      return exit_bad_input;
    case Kind::conflict:
    case Kind::alias_taken:
      return exit_refused;
    case Kind::corrupt:
    case Kind::io:
      return exit_failed;
  }
  return exit_failed;
}

nlohmann::ordered_json error_json(std::string_view code, std::string_view message) {
  return {{"ok", false}, {"error", {{"code", std::string(code)}, {"message", domain::printable(message)}}}};
}

nlohmann::ordered_json refusal_json(const domain::Error& error) { return error_json(domain::code_name(error.code), error.message); }

nlohmann::ordered_json outcome_json(const Outcome& outcome) { return outcome_json(Outcome(outcome)); }

nlohmann::ordered_json outcome_json(Outcome&& outcome) {
  if (outcome.refusal) return refusal_json(*outcome.refusal);
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  body["ok"] = true;
  body["command"] = std::move(outcome.command_name);
  body["result"] = std::move(outcome.result);
  body["positions"] = std::move(outcome.positions);
  return body;
}

std::string json_line(const nlohmann::ordered_json& body) {
  return body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void print_outcome_text(std::ostream& out, const Outcome& outcome) {
  out << outcome.command_name << (outcome.is_replay ? " done (earlier, same command id: nothing new appended)" : " done")
      << "\n";
  std::size_t width = 0;
  for (const auto& [key, value] : outcome.result.items()) width = std::max(width, key.size());
  for (const auto& [key, value] : outcome.result.items()) {
    out << "  " << key << std::string(width - key.size() + 2, ' ')
        << (value.is_string() ? value.get<std::string>() : json_line(value)) << "\n";
  }
}

void print_error(std::string_view code, std::string_view message) {
  std::cerr << "csp-ledger: " << code << ": " << domain::printable(message) << "\n";
}

}  // namespace csp::cmd
