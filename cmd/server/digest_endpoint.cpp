#include "cmd/server/digest_endpoint.h"

#include "cmd/inclusion_proof.h"
#include "cmd/log_digest.h"

namespace csp::server {

domain::Status digest_parameters_checked(const Target& target) {
  if (!target.parameters.empty()) {
    return domain::invalid_input("query parameter \"" + target.parameters.begin()->first +
                                 "\" is not known; GET /digest takes none");
  }
  return domain::Status::success();
}

domain::Result<ProofQuery> proof_query_of(const Target& target) {
  ProofQuery query;
  bool is_position_given = false;
  for (const auto& [parameter, value] : target.parameters) {
    if (parameter != "position" && parameter != "tree_size") {
      return domain::invalid_input("query parameter \"" + parameter + "\" is not known; give position and, optionally, "
                                   "tree_size");
    }
    const auto number = whole_number(parameter, value, parameter == "position" ? "42" : "1000");
    if (!number) return number.error();
    if (parameter == "position") {
      query.position = *number;
      is_position_given = true;
    } else {
      query.tree_size = *number;
    }
  }
  if (!is_position_given) return domain::invalid_input("give the event's position (example: /proof?position=42)");
  return query;
}

Response digest_response(eventstore::EventStore& store) {
  auto digest = cmd::digest_of_log(store);
  if (!digest) return error_response(http::status::internal_server_error, "store_failure", digest.error().message);
  return json_response(http::status::ok, {{"ok", true}, {"command", "digest"}, {"result", cmd::digest_json(*digest)}});
}

Response proof_response(eventstore::EventStore& store, const ProofQuery& query) {
  auto head = store.head();
  if (!head) return error_response(http::status::internal_server_error, "store_failure", head.error().message);
  const std::int64_t tree_size = query.tree_size.value_or(head->position);
  if (auto problem = cmd::proof_request_problem(query.position, tree_size, head->position)) {
    return refusal_response(*problem);
  }
  auto proof = cmd::prove_inclusion(store, query.position, tree_size);
  if (!proof) return error_response(http::status::internal_server_error, "store_failure", proof.error().message);
  return json_response(http::status::ok, {{"ok", true}, {"command", "prove"}, {"result", cmd::proof_json(*proof)}});
}

}  // namespace csp::server
