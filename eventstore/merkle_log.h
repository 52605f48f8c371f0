#pragma once
// The Merkle tree of merkle.h over a store's log, read through the
// EventStore interface, so every backend offers it. Reads the stored
// hashes in one pass; `audit verify` is what recomputes them.

#include <cstdint>
#include <vector>

#include "eventstore/merkle.h"
#include "eventstore/store.h"

namespace csp::eventstore {

struct LogTree {
  std::int64_t size = 0;  // events in the tree: positions 1..size
  Hash head_hash{};       // the hash at `size`; genesis when 0
  Hash root{};
  std::vector<MerkleAccumulator::Subtree> subtrees;
};

// The tree over the first `size_max` events, or over fewer when the log
// holds fewer (its size says so). Memory O(log n): it streams the log.
StoreResult<LogTree> log_tree(EventStore& store, MerkleHasher& hasher, std::int64_t size_max);

// The roots of `ranges` (merkle.h) over the log's leaves, in one pass.
// `invalid_argument` when the log is shorter than the ranges reach.
StoreResult<std::vector<Hash>> log_range_roots(EventStore& store, MerkleHasher& hasher, std::vector<LeafRange> ranges);

// The stored hash of the event at `position`; `invalid_argument` when
// there is none.
StoreResult<Hash> log_event_hash(EventStore& store, std::int64_t position);

}  // namespace csp::eventstore
