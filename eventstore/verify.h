#pragma once
// Audit of the hash chain (FORMAT.md, "A valid log"): recomputes every hash
// from the stored bytes and names the first position that breaks, and why.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "eventstore/store.h"

namespace csp::eventstore {

struct ChainBreak {
  enum class Kind { missing, changed, inserted, reordered };
  Kind kind = Kind::changed;
  std::int64_t position = 0;
  std::string explanation;
};

std::string_view chain_break_name(ChainBreak::Kind kind);  // "missing", "changed", ...

struct ChainReport {
  std::int64_t events_checked = 0;
  Hash head_hash{};
  std::optional<ChainBreak> first_break;  // empty: the chain is intact
};

// `progress(events_checked)` is called every `progress_every` events.
StoreResult<ChainReport> verify_chain(EventStore& store, const std::function<void(std::int64_t)>& progress = {},
                                      std::int64_t progress_every = 100'000);

}  // namespace csp::eventstore
