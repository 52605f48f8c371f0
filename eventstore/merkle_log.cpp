#include "eventstore/merkle_log.h"

#include <string>

#include "eventstore/chain.h"

namespace csp::eventstore {

StoreResult<LogTree> log_tree(EventStore& store, MerkleHasher& hasher, std::int64_t size_max) {
  MerkleAccumulator accumulator(hasher);
  LogTree tree;
  tree.head_hash = genesis_hash;
  if (size_max > 0) {
    StoreStatus read = store.for_each_stored(1, [&](const StoredEvent& event) {
      accumulator.add(event.hash);
      tree.head_hash = event.hash;
      return accumulator.size() < size_max;
    });
    if (!read) return read.error();
  }
  tree.size = accumulator.size();
  tree.root = accumulator.root();
  tree.subtrees = accumulator.subtrees();
  return tree;
}

StoreResult<std::vector<Hash>> log_range_roots(EventStore& store, MerkleHasher& hasher, std::vector<LeafRange> ranges) {
  RangeRoots roots(hasher, std::move(ranges));
  std::int64_t added = 0;
  if (roots.leaves_needed() > 0) {
    StoreStatus read = store.for_each_stored(1, [&](const StoredEvent& event) {
      roots.add(event.hash);
      return ++added < roots.leaves_needed();
    });
    if (!read) return read.error();
  }
  if (added < roots.leaves_needed()) {
    return StoreError{StoreError::Kind::invalid_argument,
                      "the log holds " + std::to_string(added) + " events, the proof needs " +
                          std::to_string(roots.leaves_needed())};
  }
  return roots.roots();
}

StoreResult<Hash> log_event_hash(EventStore& store, std::int64_t position) {
  std::optional<Hash> found;
  if (position >= 1) {
    StoreStatus read = store.for_each_stored(position, [&](const StoredEvent& event) {
      if (event.position == position) found = event.hash;
      return false;
    });
    if (!read) return read.error();
  }
  if (!found) {
    return StoreError{StoreError::Kind::invalid_argument, "the log has no event at position " + std::to_string(position)};
  }
  return *found;
}

}  // namespace csp::eventstore
