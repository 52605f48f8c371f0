// The Merkle tree of RFC 6962 over event hashes (L1: a digest or proof
// taken once keeps telling a rewritten log apart). The expected values are
// computed here from SHA-256 by the RFC's recursive definitions, apart from
// the code under test.

#include "eventstore/merkle.h"

#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <bit>
#include <string>
#include <vector>

#include "eventstore/chain.h"

namespace csp::eventstore {
namespace {

constexpr std::int64_t tree_size_max = 20;

Hash sha256(const std::string& bytes) {
  Hash out{};
  unsigned int length = 0;
  EXPECT_EQ(EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, EVP_sha256(), nullptr), 1);
  return out;
}

std::string bytes_of(const Hash& hash) { return std::string(reinterpret_cast<const char*>(hash.data()), hash.size()); }

Hash event_hash_of(std::int64_t index) {
  Hash hash{};
  hash.fill(static_cast<std::uint8_t>(index + 1));
  return hash;
}

std::vector<Hash> event_hashes(std::int64_t count) {
  std::vector<Hash> hashes;
  for (std::int64_t index = 0; index < count; ++index) hashes.push_back(event_hash_of(index));
  return hashes;
}

std::int64_t split_of(std::int64_t size) {
  std::int64_t k = 1;
  while (k * 2 < size) k *= 2;
  return k;
}

// MTH(D[first:end]) as RFC 6962, 2.1 defines it.
Hash reference_root(const std::vector<Hash>& leaves, std::int64_t first, std::int64_t end) {
  if (end == first) return sha256("");
  if (end - first == 1) return sha256(std::string(1, '\0') + bytes_of(leaves[first]));
  const std::int64_t k = split_of(end - first);
  return sha256(std::string(1, '\1') + bytes_of(reference_root(leaves, first, first + k)) +
                bytes_of(reference_root(leaves, first + k, end)));
}

// PATH(m, D[first:end]) of RFC 6962, 2.1.1.
std::vector<Hash> reference_path(const std::vector<Hash>& leaves, std::int64_t m, std::int64_t first, std::int64_t end) {
  if (end - first <= 1) return {};
  const std::int64_t k = split_of(end - first);
  std::vector<Hash> path;
  if (m < k) {
    path = reference_path(leaves, m, first, first + k);
    path.push_back(reference_root(leaves, first + k, end));
  } else {
    path = reference_path(leaves, m - k, first + k, end);
    path.push_back(reference_root(leaves, first, first + k));
  }
  return path;
}

// SUBPROOF(m, D[first:end], b) of RFC 6962, 2.1.2.
std::vector<Hash> reference_subproof(const std::vector<Hash>& leaves, std::int64_t m, std::int64_t first,
                                     std::int64_t end, bool b) {
  if (m == end - first) return b ? std::vector<Hash>{} : std::vector<Hash>{reference_root(leaves, first, end)};
  const std::int64_t k = split_of(end - first);
  std::vector<Hash> proof;
  if (m <= k) {
    proof = reference_subproof(leaves, m, first, first + k, b);
    proof.push_back(reference_root(leaves, first + k, end));
  } else {
    proof = reference_subproof(leaves, m - k, first + k, end, false);
    proof.push_back(reference_root(leaves, first, first + k));
  }
  return proof;
}

std::vector<Hash> roots_of(MerkleHasher& hasher, const std::vector<LeafRange>& ranges, const std::vector<Hash>& leaves) {
  RangeRoots roots(hasher, ranges);
  for (std::int64_t index = 0; index < roots.leaves_needed(); ++index) roots.add(leaves[index]);
  return roots.roots();
}

Hash root_of(MerkleHasher& hasher, const std::vector<Hash>& leaves, std::int64_t size) {
  MerkleAccumulator accumulator(hasher);
  for (std::int64_t index = 0; index < size; ++index) accumulator.add(leaves[index]);
  return accumulator.root();
}

TEST(Merkle, L1_ThreeEventsMatchTheWorkedExampleOfFormatMd) {
  MerkleHasher hasher;
  const std::vector<Hash> leaves = event_hashes(3);
  EXPECT_EQ(hash_hex(hasher.leaf(leaves[0])), "dcffe786ded16d283c663846ad0c4ff26558fccde36ca9d30b2ea19eade9fc0e");
  EXPECT_EQ(hash_hex(hasher.leaf(leaves[1])), "cba8c596120bdb69debbd923d92cba948bde7c7d06a465a1bb7d98d3116038fa");
  EXPECT_EQ(hash_hex(hasher.leaf(leaves[2])), "acaa04663a8547a2f70c60cc18f9378796b13c4f9a08f70d6adae662365b30c6");
  EXPECT_EQ(hash_hex(root_of(hasher, leaves, 2)), "3a066e0f40c6a1981ebfa60d2411625d0517ae22c2fc8c7c1784ff8a75c78565");
  EXPECT_EQ(hash_hex(root_of(hasher, leaves, 3)), "df896896c799531f1fd1e556cea26a6989ab06853bcbfdd3e4f5097a611f658f");
}

TEST(Merkle, TheEmptyTreesRootIsTheHashOfNoBytes) {
  MerkleHasher hasher;
  EXPECT_EQ(hash_hex(MerkleAccumulator(hasher).root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Merkle, L1_StreamedRootsEqualTheRfcDefinitionForEverySize) {
  MerkleHasher hasher;
  const std::vector<Hash> leaves = event_hashes(tree_size_max);
  MerkleAccumulator accumulator(hasher);
  for (std::int64_t size = 1; size <= tree_size_max; ++size) {
    accumulator.add(leaves[size - 1]);
    EXPECT_EQ(accumulator.root(), reference_root(leaves, 0, size)) << "size " << size;
    EXPECT_EQ(root_of_subtrees(hasher, accumulator.subtrees()), accumulator.root());
    // One complete subtree per set bit of the size: O(log n) memory.
    EXPECT_EQ(static_cast<int>(accumulator.subtrees().size()), std::popcount(static_cast<std::uint64_t>(size)));
  }
}

TEST(Merkle, L1_InclusionProofsEqualTheRfcAndVerifyForEveryLeafAndSize) {
  MerkleHasher hasher;
  const std::vector<Hash> leaves = event_hashes(tree_size_max);
  for (std::int64_t size = 1; size <= tree_size_max; ++size) {
    const Hash root = reference_root(leaves, 0, size);
    for (std::int64_t index = 0; index < size; ++index) {
      const std::vector<Hash> path = roots_of(hasher, inclusion_ranges(index, size), leaves);
      ASSERT_EQ(path, reference_path(leaves, index, 0, size)) << index << " in " << size;
      const Hash leaf = hasher.leaf(leaves[index]);
      EXPECT_TRUE(verify_inclusion(hasher, index, size, leaf, path, root)) << index << " in " << size;
      EXPECT_FALSE(verify_inclusion(hasher, index, size, hasher.leaf(event_hash_of(99)), path, root));
      if (size > 1) {
        EXPECT_FALSE(verify_inclusion(hasher, (index + 1) % size, size, leaf, path, root));
      }
      EXPECT_FALSE(verify_inclusion(hasher, index, size, leaves[index], path, root)) << "an event hash is no leaf hash";
    }
  }
}

TEST(Merkle, L1_AFlippedByteInAPathALeafOrARootFailsTheInclusionProof) {
  MerkleHasher hasher;
  const std::vector<Hash> leaves = event_hashes(tree_size_max);
  for (std::int64_t size = 2; size <= tree_size_max; ++size) {
    const Hash root = reference_root(leaves, 0, size);
    for (std::int64_t index = 0; index < size; ++index) {
      const std::vector<Hash> path = roots_of(hasher, inclusion_ranges(index, size), leaves);
      const Hash leaf = hasher.leaf(leaves[index]);
      for (std::size_t node = 0; node < path.size(); ++node) {
        std::vector<Hash> changed = path;
        changed[node][node % 32] ^= 0x01;
        EXPECT_FALSE(verify_inclusion(hasher, index, size, leaf, changed, root));
      }
      Hash changed_leaf = leaf;
      changed_leaf[31] ^= 0x80;
      EXPECT_FALSE(verify_inclusion(hasher, index, size, changed_leaf, path, root));
      Hash changed_root = root;
      changed_root[0] ^= 0x01;
      EXPECT_FALSE(verify_inclusion(hasher, index, size, leaf, path, changed_root));
      std::vector<Hash> shorter(path.begin(), path.end() - 1);
      EXPECT_FALSE(verify_inclusion(hasher, index, size, leaf, shorter, root));
    }
  }
}

TEST(Merkle, L1_ConsistencyProofsEqualTheRfcAndVerifyForEveryPairOfSizes) {
  MerkleHasher hasher;
  const std::vector<Hash> leaves = event_hashes(tree_size_max);
  for (std::int64_t size = 1; size <= tree_size_max; ++size) {
    const Hash root = reference_root(leaves, 0, size);
    for (std::int64_t old_size = 1; old_size <= size; ++old_size) {
      const Hash old_root = reference_root(leaves, 0, old_size);
      const std::vector<Hash> proof = roots_of(hasher, consistency_ranges(old_size, size), leaves);
      const std::vector<Hash> expected =
          old_size == size ? std::vector<Hash>{} : reference_subproof(leaves, old_size, 0, size, true);
      ASSERT_EQ(proof, expected) << old_size << " to " << size;
      EXPECT_TRUE(verify_consistency(hasher, old_size, size, old_root, root, proof)) << old_size << " to " << size;
      Hash changed_old = old_root;
      changed_old[5] ^= 0x01;
      EXPECT_FALSE(verify_consistency(hasher, old_size, size, changed_old, root, proof));
      Hash changed_new = root;
      changed_new[7] ^= 0x01;
      EXPECT_FALSE(verify_consistency(hasher, old_size, size, old_root, changed_new, proof));
      for (std::size_t node = 0; node < proof.size(); ++node) {
        std::vector<Hash> changed = proof;
        changed[node][node % 32] ^= 0x01;
        EXPECT_FALSE(verify_consistency(hasher, old_size, size, old_root, root, changed)) << old_size << " to " << size;
      }
      if (old_size < size) {
        EXPECT_FALSE(verify_consistency(hasher, old_size + 1, size, old_root, root, proof));
      }
    }
  }
}

TEST(Merkle, L1_ARewrittenLeafIsNotConsistentWithTheOldRoot) {
  MerkleHasher hasher;
  const std::vector<Hash> leaves = event_hashes(tree_size_max);
  for (std::int64_t old_size = 1; old_size < tree_size_max; ++old_size) {
    const Hash old_root = reference_root(leaves, 0, old_size);
    for (std::int64_t changed_index = 0; changed_index < old_size; ++changed_index) {
      std::vector<Hash> rewritten = leaves;
      rewritten[changed_index][0] ^= 0x40;
      const Hash root = reference_root(rewritten, 0, tree_size_max);
      const std::vector<Hash> proof = roots_of(hasher, consistency_ranges(old_size, tree_size_max), rewritten);
      EXPECT_FALSE(verify_consistency(hasher, old_size, tree_size_max, old_root, root, proof));
    }
  }
}

}  // namespace
}  // namespace csp::eventstore
