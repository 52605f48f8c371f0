#pragma once
// The triggers that keep the log's tables append-only (L1, FORMAT.md). An
// intruder must drop or disable them before rewriting a row; the rows may
// then be put back to chain again, but a missing guard stays visible.

#include <string>
#include <vector>

#include "eventstore/sql_session.h"
#include "eventstore/store_error.h"

namespace csp::eventstore {

struct MissingGuard {
  std::string trigger;
  std::string table;
};

// The guards FORMAT.md promises that the ledger lacks, or holds disabled or
// emptied of their refusal; empty when all are in place.
StoreResult<std::vector<MissingGuard>> missing_guards(sql::Session& session);

}  // namespace csp::eventstore
