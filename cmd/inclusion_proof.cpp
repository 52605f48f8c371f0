#include "cmd/inclusion_proof.h"

#include "eventstore/chain.h"
#include "eventstore/merkle_log.h"

namespace csp::cmd {

using json = nlohmann::ordered_json;
using eventstore::hash_hex;

std::optional<domain::Error> proof_request_problem(std::int64_t position, std::int64_t tree_size,
                                                   std::int64_t head_position) {
  if (tree_size < 1 || tree_size > head_position) {
    return domain::invalid_input("tree size " + std::to_string(tree_size) + " is outside the log: give 1 to " +
                                 std::to_string(head_position) + ", the head's position");
  }
  if (position < 1 || position > tree_size) {
    return domain::invalid_input("position " + std::to_string(position) + " is not in a tree of " +
                                 std::to_string(tree_size) + " events: give 1 to " + std::to_string(tree_size));
  }
  return std::nullopt;
}

eventstore::StoreResult<InclusionProof> prove_inclusion(eventstore::EventStore& store, std::int64_t position,
                                                        std::int64_t tree_size) {
  eventstore::MerkleHasher hasher;
  InclusionProof proof{position, tree_size, {}, {}, {}, {}};
  auto event_hash = eventstore::log_event_hash(store, position);
  if (!event_hash) return event_hash.error();
  proof.event_hash = *event_hash;
  proof.leaf_hash = hasher.leaf(*event_hash);
  auto path = eventstore::log_range_roots(store, hasher, eventstore::inclusion_ranges(position - 1, tree_size));
  if (!path) return path.error();
  proof.audit_path = std::move(path).value();
  auto tree = eventstore::log_tree(store, hasher, tree_size);
  if (!tree) return tree.error();
  proof.root = tree->root;
  return proof;
}

nlohmann::ordered_json proof_json(const InclusionProof& proof) {
  json path = json::array();
  for (const auto& hash : proof.audit_path) path.push_back(hash_hex(hash));
  return json{{"format", proof_format},
              {"version", 1},
              {"position", proof.position},
              {"tree_size", proof.tree_size},
              {"event_hash", hash_hex(proof.event_hash)},
              {"leaf_hash", hash_hex(proof.leaf_hash)},
              {"audit_path", path},
              {"root", hash_hex(proof.root)},
              {"hash_algorithm", hash_algorithm_name},
              {"tree_algorithm", tree_algorithm_name}};
}

domain::Result<InclusionProof> proof_from_json(const nlohmann::json& given) {
  const nlohmann::json& object = given.contains("result") && given["result"].is_object() ? given["result"] : given;
  if (!object.is_object() || !is_text_field(object, "format", proof_format)) {
    return domain::invalid_input(std::string("not an inclusion proof: its \"format\" must be \"") + proof_format +
                                 "\" (csp-ledger prove writes one)");
  }
  if (!is_number_field(object, "version", 1)) return domain::invalid_input("proof field \"version\" must be 1");
  InclusionProof proof;
  auto position = count_field(object, "position", 1);
  if (!position) return position.error();
  proof.position = *position;
  auto tree_size = count_field(object, "tree_size", 1);
  if (!tree_size) return tree_size.error();
  proof.tree_size = *tree_size;
  for (const auto& [field, target] : {std::pair{"event_hash", &proof.event_hash}, std::pair{"leaf_hash", &proof.leaf_hash},
                                      std::pair{"root", &proof.root}}) {
    auto hash = hash_field(object, field);
    if (!hash) return hash.error();
    *target = *hash;
  }
  // A path is at most one hash per level of a tree of 2^63 leaves.
  if (!object.contains("audit_path") || !object["audit_path"].is_array() || object["audit_path"].size() > 63) {
    return domain::invalid_input("proof field \"audit_path\" must be an array of at most 63 hashes");
  }
  for (const auto& entry : object["audit_path"]) {
    const auto hash = entry.is_string() ? eventstore::hash_from_hex(entry.get<std::string>()) : std::nullopt;
    if (!hash) return domain::invalid_input("proof field \"audit_path\" holds a value that is not 64 lowercase hex digits");
    proof.audit_path.push_back(*hash);
  }
  return proof;
}

std::optional<std::string> inclusion_problem(const InclusionProof& proof, const LogDigest& digest) {
  if (proof.tree_size != digest.tree_size) {
    return "the proof is for a tree of " + std::to_string(proof.tree_size) + " events, the digest for " +
           std::to_string(digest.tree_size) + ": make the proof with csp-ledger prove --tree-size " +
           std::to_string(digest.tree_size);
  }
  if (proof.root != digest.root) return std::string("the proof's root is not the digest's root");
  eventstore::MerkleHasher hasher;
  if (hasher.leaf(proof.event_hash) != proof.leaf_hash) {
    return std::string("the proof's leaf hash is not the leaf hash of its event hash");
  }
  if (!eventstore::verify_inclusion(hasher, proof.position - 1, proof.tree_size, proof.leaf_hash, proof.audit_path,
                                    digest.root)) {
    return "the audit path does not lead from the event at position " + std::to_string(proof.position) +
           " to the digest's root";
  }
  return std::nullopt;
}

}  // namespace csp::cmd
