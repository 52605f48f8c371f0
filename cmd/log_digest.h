#pragma once
// A digest of the log (FORMAT.md, "Digests"): the head and the Merkle root
// of the first tree_size events, optionally signed. Kept somewhere the
// ledger's operator cannot rewrite, it lets a later audit prove that the
// log only grew since, and lets a proof of one event be checked without
// the ledger.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "domain/result.h"
#include "eventstore/merkle.h"
#include "eventstore/store.h"

namespace csp::cmd {

inline constexpr const char* digest_format = "csp-ledger-digest";
inline constexpr const char* hash_algorithm_name = "sha-256";
inline constexpr const char* tree_algorithm_name = "rfc6962";
inline constexpr const char* signature_algorithm_name = "ed25519";

struct DigestSignature {
  std::string public_key_pem;  // SubjectPublicKeyInfo PEM, as OpenSSL writes it
  std::string value;           // 64 bytes
};

struct LogDigest {
  std::int64_t tree_size = 0;  // also the head's position: the tree covers positions 1..tree_size
  eventstore::Hash head_hash{};
  eventstore::Hash root{};
  // The complete subtrees the root folds, left to right: with them an
  // audit narrows a rewrite down to one of them.
  std::vector<eventstore::MerkleAccumulator::Subtree> subtrees;
  std::optional<DigestSignature> signature;
};

// The digest of the log as it stands, unsigned.
eventstore::StoreResult<LogDigest> digest_of_log(eventstore::EventStore& store);

// What the signature covers: every field but the signature, one per line,
// in a fixed order (FORMAT.md).
std::string digest_signed_bytes(const LogDigest& digest);

nlohmann::ordered_json digest_json(const LogDigest& digest);
// The object digest_json writes, or a `--json` answer holding it as its
// result. `invalid_input` naming the field when one is missing, malformed,
// or the subtrees do not fold into the root.
domain::Result<LogDigest> digest_from_json(const nlohmann::json& object);
// A digest file; `source` names it in messages.
domain::Result<LogDigest> read_digest_file(const std::string& path, const std::string& source);

// A JSON file (a digest or a proof) as its object; the `result` of a
// `--json` answer. `invalid_input` naming `source` otherwise.
domain::Result<nlohmann::json> read_json_file(const std::string& path, const std::string& source);

// A 64-digit lowercase hex field of `object`; `invalid_input` naming it.
domain::Result<eventstore::Hash> hash_field(const nlohmann::json& object, const std::string& field);
// Whether `field` of `object` is the string `expected` (false for any
// other type: a file's fields are not trusted to have theirs).
bool is_text_field(const nlohmann::json& object, const std::string& field, std::string_view expected);
// Whether `field` is the whole number `expected`.
bool is_number_field(const nlohmann::json& object, const std::string& field, std::int64_t expected);
// A whole number field, at least `minimum`.
domain::Result<std::int64_t> count_field(const nlohmann::json& object, const std::string& field, std::int64_t minimum);

}  // namespace csp::cmd
