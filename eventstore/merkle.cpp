#include "eventstore/merkle.h"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace csp::eventstore {
namespace {

// The RFC's k: the largest power of two smaller than `size` (size >= 2).
std::int64_t split_of(std::int64_t size) {
  return static_cast<std::int64_t>(std::bit_floor(static_cast<std::uint64_t>(size - 1)));
}

bool is_odd(std::uint64_t value) { return (value & 1U) != 0; }

}  // namespace

// One byte before the hashed bytes says which of the two they are.
constexpr char leaf_prefix = '\x00';
constexpr char node_prefix = '\x01';

Hash MerkleHasher::leaf(const Hash& event_hash) { return sha256_.of({{&leaf_prefix, 1}, hash_part(event_hash)}); }

Hash MerkleHasher::node(const Hash& left, const Hash& right) {
  return sha256_.of({{&node_prefix, 1}, hash_part(left), hash_part(right)});
}

Hash MerkleHasher::empty() { return sha256_.of({}); }

void MerkleAccumulator::add(const Hash& event_hash) {
  subtrees_.push_back({{size_, size_ + 1}, hasher_->leaf(event_hash)});
  ++size_;
  // Two neighbours of one size are the halves of the next complete subtree.
  while (subtrees_.size() >= 2 && subtrees_.back().range.size() == subtrees_[subtrees_.size() - 2].range.size()) {
    Subtree right = subtrees_.back();
    subtrees_.pop_back();
    Subtree& left = subtrees_.back();
    left.root = hasher_->node(left.root, right.root);
    left.range.end = right.range.end;
  }
}

Hash MerkleAccumulator::root() const { return root_of_subtrees(*hasher_, subtrees_); }

Hash root_of_subtrees(MerkleHasher& hasher, const std::vector<MerkleAccumulator::Subtree>& subtrees) {
  if (subtrees.empty()) return hasher.empty();
  // The RFC splits at the largest power of two, so the smaller subtrees on
  // the right join first.
  Hash root = subtrees.back().root;
  for (auto it = subtrees.rbegin() + 1; it != subtrees.rend(); ++it) root = hasher.node(it->root, root);
  return root;
}

std::vector<LeafRange> inclusion_ranges(std::int64_t index, std::int64_t size) {
  if (index < 0 || index >= size) throw std::invalid_argument("leaf index outside the tree");
  std::vector<LeafRange> siblings;
  LeafRange range{0, size};
  while (range.size() > 1) {
    const std::int64_t middle = range.first + split_of(range.size());
    if (index < middle) {
      siblings.push_back({middle, range.end});
      range.end = middle;
    } else {
      siblings.push_back({range.first, middle});
      range.first = middle;
    }
  }
  // Gathered from the root down; the RFC lists the leaf's sibling first.
  std::reverse(siblings.begin(), siblings.end());
  return siblings;
}

std::vector<LeafRange> consistency_ranges(std::int64_t old_size, std::int64_t size) {
  if (old_size < 0 || old_size > size) throw std::invalid_argument("old tree larger than the new one");
  std::vector<LeafRange> nodes;
  if (old_size == 0 || old_size == size) return nodes;
  LeafRange range{0, size};
  std::int64_t remaining = old_size;
  bool is_whole_old_tree = true;  // the RFC's b: the old root itself is known
  while (remaining != range.size()) {
    const std::int64_t half = split_of(range.size());
    if (remaining <= half) {
      nodes.push_back({range.first + half, range.end});
      range.end = range.first + half;
    } else {
      nodes.push_back({range.first, range.first + half});
      range.first += half;
      remaining -= half;
      is_whole_old_tree = false;
    }
  }
  if (!is_whole_old_tree) nodes.push_back(range);
  std::reverse(nodes.begin(), nodes.end());
  return nodes;
}

RangeRoots::RangeRoots(MerkleHasher& hasher, std::vector<LeafRange> ranges) : ranges_(std::move(ranges)) {
  for (const LeafRange& range : ranges_) {
    if (range.first < 0 || range.size() <= 0) throw std::invalid_argument("empty leaf range");
    accumulators_.emplace_back(hasher);
    leaves_needed_ = std::max(leaves_needed_, range.end);
  }
}

void RangeRoots::add(const Hash& event_hash) {
  // A proof has at most 2 * 64 ranges: a scan costs less than an index.
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    if (ranges_[i].first <= added_ && added_ < ranges_[i].end) accumulators_[i].add(event_hash);
  }
  ++added_;
}

std::vector<Hash> RangeRoots::roots() const {
  if (added_ < leaves_needed_) throw std::logic_error("range roots asked before every leaf was added");
  std::vector<Hash> roots;
  roots.reserve(accumulators_.size());
  for (const MerkleAccumulator& accumulator : accumulators_) roots.push_back(accumulator.root());
  return roots;
}

bool verify_inclusion(MerkleHasher& hasher, std::int64_t index, std::int64_t size, const Hash& leaf_hash,
                      const std::vector<Hash>& path, const Hash& root) {
  if (index < 0 || index >= size) return false;
  auto fn = static_cast<std::uint64_t>(index);
  auto sn = static_cast<std::uint64_t>(size - 1);
  Hash computed = leaf_hash;
  for (const Hash& sibling : path) {
    if (sn == 0) return false;
    if (is_odd(fn) || fn == sn) {
      computed = hasher.node(sibling, computed);
      while (!is_odd(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      computed = hasher.node(computed, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && computed == root;
}

bool verify_consistency(MerkleHasher& hasher, std::int64_t old_size, std::int64_t size, const Hash& old_root,
                        const Hash& root, const std::vector<Hash>& proof) {
  if (old_size < 0 || old_size > size) return false;
  if (old_size == 0) return proof.empty();
  if (old_size == size) return proof.empty() && old_root == root;
  if (proof.empty()) return false;
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  // A power-of-two old tree is a node of the new one: its root begins the path.
  if (std::has_single_bit(static_cast<std::uint64_t>(old_size))) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  auto fn = static_cast<std::uint64_t>(old_size - 1);
  auto sn = static_cast<std::uint64_t>(size - 1);
  while (is_odd(fn)) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash old_computed = path.front();
  Hash computed = path.front();
  for (auto it = path.begin() + 1; it != path.end(); ++it) {
    if (sn == 0) return false;
    if (is_odd(fn) || fn == sn) {
      old_computed = hasher.node(*it, old_computed);
      computed = hasher.node(*it, computed);
      while (!is_odd(fn) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      computed = hasher.node(computed, *it);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return old_computed == old_root && computed == root && sn == 0;
}

}  // namespace csp::eventstore
