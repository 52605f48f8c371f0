#pragma once
// A rewrite that leaves no trace in the file: the event at p changed, every
// hash from p on computed again, the recorded head moved to the new chain.
// Only a digest kept outside the file can show it.

#include <cstdint>

#include "reliability/ledger_file.h"

namespace csp::reliability {

// Moves the business time of the event at `position` one microsecond on.
void rewrite_and_rechain(LedgerFile& ledger, std::int64_t position);

}  // namespace csp::reliability
