#include "cmd/digest_audit.h"

#include "cmd/ed25519.h"
#include "eventstore/chain.h"
#include "eventstore/merkle_log.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;
using eventstore::hash_hex;

std::string range_text(const eventstore::LeafRange& range) {
  if (range.size() == 1) return "position " + std::to_string(range.end);
  return "positions " + std::to_string(range.first + 1) + " to " + std::to_string(range.end);
}

// The first complete subtree whose root differs from the digest's: the
// rewrite begins inside it. Its first position is as close as one root
// per subtree can say.
std::optional<AuditFault> first_difference(const LogDigest& digest, const eventstore::LogTree& tree) {
  for (std::size_t index = 0; index < digest.subtrees.size(); ++index) {
    const auto& kept = digest.subtrees[index];
    if (index < tree.subtrees.size() && tree.subtrees[index].root == kept.root) continue;
    std::string message = "the log differs from the digest of position " + std::to_string(digest.tree_size) + " in " +
                          range_text(kept.range) + " (the digest's subtree root " + hash_hex(kept.root) +
                          " is not the log's): events there were changed and re-chained since the digest was taken";
    return AuditFault{std::move(message), kept.range.first + 1, "digest_differs",
                      json{{"last_position", kept.range.end}, {"digest_root", hash_hex(digest.root)},
                           {"log_root", hash_hex(tree.root)}}};
  }
  if (tree.head_hash != digest.head_hash || tree.root != digest.root) {
    return AuditFault{"the hash at position " + std::to_string(digest.tree_size) + " is " + hash_hex(tree.head_hash) +
                          ", the digest says " + hash_hex(digest.head_hash),
                      digest.tree_size, "digest_differs",
                      json{{"last_position", digest.tree_size}, {"digest_root", hash_hex(digest.root)},
                           {"log_root", hash_hex(tree.root)}}};
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> signature_problem(const LogDigest& digest,
                                             const std::optional<std::string>& trusted_public_key_pem) {
  if (!digest.signature) {
    if (trusted_public_key_pem) return std::string("the digest is not signed, but --public-key asks for its signer");
    return std::nullopt;
  }
  auto embedded = normalized_public_key_pem(digest.signature->public_key_pem);
  if (!embedded) return std::string("the digest's public key is not an Ed25519 key in PEM");
  if (trusted_public_key_pem && *embedded != *trusted_public_key_pem) {
    return std::string("the digest was signed by another key than --public-key names");
  }
  if (!verifies_ed25519(*embedded, digest_signed_bytes(digest), digest.signature->value)) {
    return std::string("the digest's signature does not verify: a field was changed after signing");
  }
  return std::nullopt;
}

std::string signature_summary(const LogDigest& digest, const std::optional<std::string>& trusted_public_key_pem) {
  if (!digest.signature) return "unsigned";
  return trusted_public_key_pem ? "verified with the given public key" : "verified with the digest's own public key";
}

DigestOutcome check_digest(eventstore::EventStore& store, const LogDigest& digest,
                           const std::optional<std::string>& trusted_public_key_pem) {
  if (auto problem = signature_problem(digest, trusted_public_key_pem)) {
    return AuditFault{*problem, std::nullopt, "digest_signature"};
  }
  auto head = store.head();
  if (!head) return head.error();
  if (head->position < digest.tree_size) {
    return AuditFault{"the log ends at position " + std::to_string(head->position) + ", the digest was taken at position " +
                          std::to_string(digest.tree_size) + ": events from position " +
                          std::to_string(head->position + 1) + " on are missing",
                      head->position + 1, "digest_ahead", json{{"digest_position", digest.tree_size}}};
  }
  eventstore::MerkleHasher hasher;
  auto old_tree = eventstore::log_tree(store, hasher, digest.tree_size);
  if (!old_tree) return old_tree.error();
  if (auto fault = first_difference(digest, *old_tree)) return *fault;
  auto tree = eventstore::log_tree(store, hasher, head->position);
  if (!tree) return tree.error();
  // The roots agree; the proof is what an outsider holding only the old
  // root would be shown, and is checked the way they would check it.
  auto proof = eventstore::log_range_roots(store, hasher, eventstore::consistency_ranges(digest.tree_size, tree->size));
  if (!proof) return proof.error();
  if (!eventstore::verify_consistency(hasher, digest.tree_size, tree->size, digest.root, tree->root, *proof)) {
    return AuditFault{"the log of " + std::to_string(tree->size) + " events is not consistent with the digest of position " +
                          std::to_string(digest.tree_size),
                      std::nullopt, "digest_differs"};
  }
  json result{{"position", digest.tree_size},
              {"root", hash_hex(digest.root)},
              {"tree_size", tree->size},
              {"current_root", hash_hex(tree->root)},
              {"consistency_proof", proof->size()},
              {"signature", signature_summary(digest, trusted_public_key_pem)}};
  std::string sentence = "the log extends the digest of position " + std::to_string(digest.tree_size) +
                         " (root " + hash_hex(digest.root) + ", consistency proof of " +
                         std::to_string(proof->size()) + " hashes to the root of " + std::to_string(tree->size) +
                         " events; signature " + signature_summary(digest, trusted_public_key_pem) + ")";
  return DigestProven{std::move(result), std::move(sentence)};
}

}  // namespace csp::cmd
