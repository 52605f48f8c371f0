#pragma once
// The Merkle tree of RFC 6962 (section 2.1) over the event hashes: one
// root stands for a whole prefix of the log, and short proofs show that an
// event is in it, or that a later log extends it, to someone holding only
// roots. Leaf i (from 0) is the event at position i + 1; its leaf bytes
// are the 32 bytes of that event's chain hash (FORMAT.md, "Digests").

#include <cstdint>
#include <memory>
#include <vector>

#include "eventstore/envelope.h"
#include "eventstore/sha256.h"

namespace csp::eventstore {

// Leaves [first, end), counted from 0.
struct LeafRange {
  std::int64_t first = 0;
  std::int64_t end = 0;
  std::int64_t size() const { return end - first; }
  friend bool operator==(const LeafRange&, const LeafRange&) = default;
};

// SHA-256 through OpenSSL with the RFC's domain separation, so a leaf can
// never pass for an inner node. Keeps its context: one per thread.
class MerkleHasher {
 public:
  Hash leaf(const Hash& event_hash);               // SHA-256(0x00 ‖ event hash)
  Hash node(const Hash& left, const Hash& right);  // SHA-256(0x01 ‖ left ‖ right)
  Hash empty();                                    // SHA-256 of no bytes: the root of no leaves

 private:
  Sha256 sha256_;
};

// The root of leaves added one at a time, as the log streams past: it
// keeps only the roots of the complete subtrees the leaves so far make
// (one per set bit of their count), so its memory is O(log n).
class MerkleAccumulator {
 public:
  struct Subtree {
    LeafRange range;  // 2^k leaves
    Hash root{};
  };

  // `hasher` must outlive the accumulator.
  explicit MerkleAccumulator(MerkleHasher& hasher) : hasher_(&hasher) {}

  void add(const Hash& event_hash);
  std::int64_t size() const { return size_; }
  // MTH(D[0:size]) of RFC 6962; the empty root when nothing was added.
  Hash root() const;
  // The complete subtrees, left to right, largest first.
  const std::vector<Subtree>& subtrees() const { return subtrees_; }

 private:
  MerkleHasher* hasher_;
  std::int64_t size_ = 0;
  std::vector<Subtree> subtrees_;
};

// Folds complete subtrees (as MerkleAccumulator::subtrees gives them) into
// their tree's root; the empty root for none.
Hash root_of_subtrees(MerkleHasher& hasher, const std::vector<MerkleAccumulator::Subtree>& subtrees);

// The ranges whose roots make the audit path of leaf `index` in a tree of
// `size` leaves, in the RFC's order (the leaf's sibling first). Needs
// 0 <= index < size.
std::vector<LeafRange> inclusion_ranges(std::int64_t index, std::int64_t size);
// The ranges of the consistency proof from `old_size` to `size` leaves, in
// the RFC's order. Needs 0 <= old_size <= size; empty when old_size is 0
// or equals size (the roots then say everything).
std::vector<LeafRange> consistency_ranges(std::int64_t old_size, std::int64_t size);

// The roots of disjoint ranges, fed every event hash from leaf 0 up to
// leaves_needed(): one pass over the log, one accumulator per range.
class RangeRoots {
 public:
  RangeRoots(MerkleHasher& hasher, std::vector<LeafRange> ranges);
  std::int64_t leaves_needed() const { return leaves_needed_; }
  void add(const Hash& event_hash);
  // In the order the ranges were given. Needs every leaf added.
  std::vector<Hash> roots() const;

 private:
  std::vector<LeafRange> ranges_;
  std::vector<MerkleAccumulator> accumulators_;
  std::int64_t leaves_needed_ = 0;
  std::int64_t added_ = 0;
};

// RFC 9162, 2.1.3.2: whether `path` proves that `leaf_hash` (a leaf
// hash, not an event hash) is leaf `index` of the tree of `size` leaves
// with `root`.
bool verify_inclusion(MerkleHasher& hasher, std::int64_t index, std::int64_t size, const Hash& leaf_hash,
                      const std::vector<Hash>& path, const Hash& root);
// RFC 9162, 2.1.4.2: whether `proof` shows that the tree of `old_size`
// leaves with `old_root` is a prefix of the tree of `size` leaves with
// `root`. Sizes equal: the proof is empty and the roots agree. Old size
// 0: the proof is empty (every tree extends the empty one).
bool verify_consistency(MerkleHasher& hasher, std::int64_t old_size, std::int64_t size, const Hash& old_root,
                        const Hash& root, const std::vector<Hash>& proof);

}  // namespace csp::eventstore
