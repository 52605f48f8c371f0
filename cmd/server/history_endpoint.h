#pragma once
// GET /history?subscription=ID (or order, customer, ticket, link; from,
// limit): the trail of `history --json`, private fields withheld unless
// the token's agent holds admin-agent.

#include <string>

#include "cmd/history.h"
#include "cmd/server/query_string.h"
#include "cmd/server/responses.h"
#include "domain/result.h"
#include "eventstore/store.h"

namespace csp::server {

// Exactly one of the ids, or invalid_input naming what is wrong.
domain::Result<cmd::HistorySelector> history_selector_of(const Target& target);

Response history_response(eventstore::EventStore& store, const cmd::HistorySelector& selector, const std::string& reader);

}  // namespace csp::server
