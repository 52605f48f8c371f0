#include "cmd/log_digest.h"

#include <fstream>

#include "eventstore/chain.h"
#include "eventstore/merkle_log.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

// A digest file is a handful of lines; anything far larger is not one.
constexpr std::streamsize json_file_bytes_max = 1'000'000;

// The ranges of the complete subtrees of a tree of `size` leaves: one per
// set bit, largest first.
std::vector<eventstore::LeafRange> subtree_ranges(std::int64_t size) {
  std::vector<eventstore::LeafRange> ranges;
  std::int64_t first = 0;
  for (int bit = 62; bit >= 0; --bit) {
    const std::int64_t length = std::int64_t{1} << bit;
    if ((size & length) != 0) {
      ranges.push_back({first, first + length});
      first += length;
    }
  }
  return ranges;
}

domain::Error field_error(const std::string& field, const std::string& what) {
  return domain::invalid_input("digest field \"" + field + "\" " + what);
}

domain::Result<std::vector<eventstore::MerkleAccumulator::Subtree>> subtrees_from_json(const nlohmann::json& object,
                                                                                       std::int64_t tree_size) {
  if (!object.contains("subtrees") || !object["subtrees"].is_array()) {
    return field_error("subtrees", "is missing or not an array");
  }
  const std::vector<eventstore::LeafRange> expected = subtree_ranges(tree_size);
  const nlohmann::json& listed = object["subtrees"];
  if (listed.size() != expected.size()) {
    return field_error("subtrees", "must list " + std::to_string(expected.size()) + " subtrees for tree_size " +
                                       std::to_string(tree_size));
  }
  std::vector<eventstore::MerkleAccumulator::Subtree> subtrees;
  for (std::size_t index = 0; index < expected.size(); ++index) {
    const nlohmann::json& entry = listed[index];
    auto first = count_field(entry, "first_position", 1);
    if (!first) return first.error();
    auto last = count_field(entry, "last_position", 1);
    if (!last) return last.error();
    auto root = hash_field(entry, "root");
    if (!root) return root.error();
    if (*first != expected[index].first + 1 || *last != expected[index].end) {
      return field_error("subtrees", "entry " + std::to_string(index + 1) + " must cover positions " +
                                         std::to_string(expected[index].first + 1) + " to " +
                                         std::to_string(expected[index].end));
    }
    subtrees.push_back({expected[index], *root});
  }
  return subtrees;
}

domain::Result<std::optional<DigestSignature>> signature_from_json(const nlohmann::json& object) {
  if (!object.contains("signature")) return std::optional<DigestSignature>{};
  const nlohmann::json& signature = object["signature"];
  if (!signature.is_object() || !is_text_field(signature, "algorithm", signature_algorithm_name)) {
    return field_error("signature", std::string("must be an object with \"algorithm\":\"") + signature_algorithm_name + "\"");
  }
  if (!signature.contains("public_key") || !signature["public_key"].is_string()) {
    return field_error("signature.public_key", "must be a PEM public key");
  }
  const auto value = signature.contains("value") && signature["value"].is_string()
                         ? eventstore::bytes_from_hex(signature["value"].get<std::string>())
                         : std::nullopt;
  if (!value || value->size() != 64) return field_error("signature.value", "must be 128 lowercase hex digits");
  return std::optional<DigestSignature>{DigestSignature{signature["public_key"].get<std::string>(), *value}};
}

}  // namespace

eventstore::StoreResult<LogDigest> digest_of_log(eventstore::EventStore& store) {
  auto head = store.head();
  if (!head) return head.error();
  eventstore::MerkleHasher hasher;
  auto tree = eventstore::log_tree(store, hasher, head->position);
  if (!tree) return tree.error();
  return LogDigest{tree->size, tree->head_hash, tree->root, tree->subtrees, std::nullopt};
}

std::string digest_signed_bytes(const LogDigest& digest) {
  std::string bytes = std::string(digest_format) + " 1\n";
  bytes += "tree_size " + std::to_string(digest.tree_size) + "\n";
  bytes += "head_hash " + eventstore::hash_hex(digest.head_hash) + "\n";
  bytes += "root " + eventstore::hash_hex(digest.root) + "\n";
  bytes += std::string("hash_algorithm ") + hash_algorithm_name + "\n";
  bytes += std::string("tree_algorithm ") + tree_algorithm_name + "\n";
  for (const auto& subtree : digest.subtrees) {
    bytes += "subtree " + std::to_string(subtree.range.first + 1) + " " + std::to_string(subtree.range.end) + " " +
             eventstore::hash_hex(subtree.root) + "\n";
  }
  return bytes;
}

nlohmann::ordered_json digest_json(const LogDigest& digest) {
  json subtrees = json::array();
  for (const auto& subtree : digest.subtrees) {
    subtrees.push_back({{"first_position", subtree.range.first + 1},
                        {"last_position", subtree.range.end},
                        {"root", eventstore::hash_hex(subtree.root)}});
  }
  json object{{"format", digest_format},
              {"version", 1},
              {"position", digest.tree_size},
              {"head_hash", eventstore::hash_hex(digest.head_hash)},
              {"tree_size", digest.tree_size},
              {"root", eventstore::hash_hex(digest.root)},
              {"hash_algorithm", hash_algorithm_name},
              {"tree_algorithm", tree_algorithm_name},
              {"subtrees", subtrees}};
  if (digest.signature) {
    object["signature"] = {{"algorithm", signature_algorithm_name},
                           {"public_key", digest.signature->public_key_pem},
                           {"value", eventstore::bytes_hex(digest.signature->value)}};
  }
  return object;
}

domain::Result<LogDigest> digest_from_json(const nlohmann::json& given) {
  const nlohmann::json& object = given.contains("result") && given["result"].is_object() ? given["result"] : given;
  if (!object.is_object() || !is_text_field(object, "format", digest_format)) {
    return domain::invalid_input(std::string("not a digest: its \"format\" must be \"") + digest_format +
                                 "\" (csp-ledger digest writes one)");
  }
  if (!is_number_field(object, "version", 1)) return field_error("version", "must be 1, the only digest version");
  if (!is_text_field(object, "hash_algorithm", hash_algorithm_name) ||
      !is_text_field(object, "tree_algorithm", tree_algorithm_name)) {
    return field_error("hash_algorithm", std::string("must be ") + hash_algorithm_name + " with tree_algorithm " +
                                             tree_algorithm_name);
  }
  LogDigest digest;
  auto tree_size = count_field(object, "tree_size", 0);
  if (!tree_size) return tree_size.error();
  auto position = count_field(object, "position", 0);
  if (!position) return position.error();
  if (*position != *tree_size) return field_error("position", "must equal tree_size: the tree covers the log up to its head");
  digest.tree_size = *tree_size;
  auto head_hash = hash_field(object, "head_hash");
  if (!head_hash) return head_hash.error();
  digest.head_hash = *head_hash;
  auto root = hash_field(object, "root");
  if (!root) return root.error();
  digest.root = *root;
  auto subtrees = subtrees_from_json(object, digest.tree_size);
  if (!subtrees) return subtrees.error();
  digest.subtrees = std::move(subtrees).value();
  eventstore::MerkleHasher hasher;
  if (eventstore::root_of_subtrees(hasher, digest.subtrees) != digest.root) {
    return field_error("subtrees", "do not fold into the digest's root: the file was changed");
  }
  auto signature = signature_from_json(object);
  if (!signature) return signature.error();
  digest.signature = std::move(signature).value();
  return digest;
}

domain::Result<nlohmann::json> read_json_file(const std::string& path, const std::string& source) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return domain::invalid_input(source + " " + path + " cannot be read: give the path of an existing file");
  std::string text(static_cast<std::size_t>(json_file_bytes_max) + 1, '\0');
  file.read(text.data(), json_file_bytes_max + 1);
  text.resize(static_cast<std::size_t>(file.gcount()));
  if (text.size() > static_cast<std::size_t>(json_file_bytes_max)) {
    return domain::invalid_input(source + " " + path + " is over " + std::to_string(json_file_bytes_max) + " bytes");
  }
  nlohmann::json object = nlohmann::json::parse(text, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    return domain::invalid_input(source + " " + path + " is not one JSON object");
  }
  if (object.contains("result") && object["result"].is_object()) return nlohmann::json(object["result"]);
  return object;
}

domain::Result<LogDigest> read_digest_file(const std::string& path, const std::string& source) {
  auto object = read_json_file(path, source);
  if (!object) return object.error();
  auto digest = digest_from_json(*object);
  if (!digest) return domain::invalid_input(source + " " + path + ": " + digest.error().message);
  return digest;
}

domain::Result<eventstore::Hash> hash_field(const nlohmann::json& object, const std::string& field) {
  const auto hash = object.contains(field) && object[field].is_string()
                        ? eventstore::hash_from_hex(object[field].get<std::string>())
                        : std::nullopt;
  if (!hash) return domain::invalid_input("field \"" + field + "\" must be 64 lowercase hex digits");
  return *hash;
}

bool is_text_field(const nlohmann::json& object, const std::string& field, std::string_view expected) {
  return object.contains(field) && object[field].is_string() && object[field].get<std::string>() == expected;
}

bool is_number_field(const nlohmann::json& object, const std::string& field, std::int64_t expected) {
  return object.contains(field) && object[field].is_number_integer() && object[field].get<std::int64_t>() == expected;
}

domain::Result<std::int64_t> count_field(const nlohmann::json& object, const std::string& field, std::int64_t minimum) {
  if (!object.contains(field) || !object[field].is_number_integer() || object[field].get<std::int64_t>() < minimum) {
    return domain::invalid_input("field \"" + field + "\" must be a whole number, at least " + std::to_string(minimum));
  }
  return object[field].get<std::int64_t>();
}

}  // namespace csp::cmd
