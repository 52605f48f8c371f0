#pragma once
// What `audit verify` checks of the stored read models: every row equals
// the one a fresh replay of the log gives, cell by cell.

#include <cstdint>
#include <string>
#include <vector>

#include "eventstore/store_error.h"
#include "projections/read_models.h"
#include "projections/stored_read_models.h"

namespace csp::projections {

struct RowDifference {
  std::string model;   // customers, subscriptions, links, revocations, refunds
  std::string row;     // the row's key
  std::string column;  // empty when the whole row is missing or extra
  std::string stored;  // the stored cell, or "no row"
  std::string replayed;
  // The first event behind the row: the replay's, else the stored row's.
  std::int64_t position = 0;

  std::string describe() const;
};

// Every difference between the rows stored and the fresh replay, the one
// with the earliest position first.
eventstore::StoreResult<std::vector<RowDifference>> differences(StoredReadModels& stored, const ReadModels& replayed);

}  // namespace csp::projections
