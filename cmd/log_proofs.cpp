// `digest`, `prove` and `verify-proof`: the log's Merkle root to keep
// elsewhere, one event's inclusion proof, and the offline check of a proof
// against a kept digest. The digest and the proof are files to keep, so
// without --json they print as they are; with --json, as the result of
// the usual answer (which --digest and --proof read as well).

#include <iostream>

#include "cmd/digest_audit.h"
#include "cmd/ed25519.h"
#include "cmd/inclusion_proof.h"
#include "cmd/log_digest.h"
#include "cmd/output.h"
#include "cmd/session.h"
#include "eventstore/chain.h"

namespace csp::cmd {
namespace {

using json = nlohmann::ordered_json;

void print_artifact(const Globals& globals, const std::string& command, const json& artifact) {
  if (globals.is_json) {
    std::cout << json_line({{"ok", true}, {"command", command}, {"result", artifact}}) << "\n";
  } else {
    std::cout << json_line(artifact) << "\n";
  }
}

}  // namespace

int show_digest(const Globals& globals, const std::string& private_key_path) {
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  auto digest = digest_of_log(*opened->store);
  if (!digest) return report(globals, digest.error());
  if (!private_key_path.empty()) {
    auto signature = sign_ed25519(private_key_path, digest_signed_bytes(*digest));
    if (!signature) return report(globals, signature.error());
    digest->signature = DigestSignature{signature->public_key_pem, signature->value};
  }
  print_artifact(globals, "digest", digest_json(*digest));
  return exit_done;
}

int show_proof(const Globals& globals, std::int64_t position, std::optional<std::int64_t> tree_size) {
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  auto head = opened->store->head();
  if (!head) return report(globals, head.error());
  const std::int64_t size = tree_size.value_or(head->position);
  if (auto problem = proof_request_problem(position, size, head->position)) {
    problem->message = (tree_size ? "--tree-size/--position: " : "--position: ") + problem->message;
    return report(globals, *problem);
  }
  auto proof = prove_inclusion(*opened->store, position, size);
  if (!proof) return report(globals, proof.error());
  print_artifact(globals, "prove", proof_json(*proof));
  return exit_done;
}

int verify_proof(const Globals& globals, const std::string& proof_path, const DigestToCheck& digest_to_check) {
  auto proof_object = read_json_file(proof_path, "--proof");
  if (!proof_object) return report(globals, proof_object.error());
  auto proof = proof_from_json(*proof_object);
  if (!proof) return report(globals, domain::invalid_input("--proof " + proof_path + ": " + proof.error().message));
  auto digest = read_digest_file(digest_to_check.digest_path, "--digest");
  if (!digest) return report(globals, digest.error());
  std::optional<std::string> trusted_key;
  if (!digest_to_check.public_key_path.empty()) {
    auto key = read_public_key_pem(digest_to_check.public_key_path);
    if (!key) return report(globals, key.error());
    trusted_key = std::move(key).value();
  }
  if (auto problem = signature_problem(*digest, trusted_key)) {
    return report_audit_fault(globals, AuditFault{*problem, std::nullopt, "digest_signature"});
  }
  if (auto problem = inclusion_problem(*proof, *digest)) {
    return report_audit_fault(globals, AuditFault{*problem, proof->position, "proof_invalid"});
  }
  const std::string signature = signature_summary(*digest, trusted_key);
  if (globals.is_json) {
    json result{{"position", proof->position}, {"tree_size", proof->tree_size},
                {"event_hash", eventstore::hash_hex(proof->event_hash)}, {"root", eventstore::hash_hex(digest->root)},
                {"signature", signature}};
    std::cout << json_line({{"ok", true}, {"command", "verify-proof"}, {"result", result}}) << "\n";
  } else {
    std::cout << "verify-proof: the event at position " << proof->position << " (hash "
              << eventstore::hash_hex(proof->event_hash) << ") is in the log of " << proof->tree_size
              << " events whose digest has root " << eventstore::hash_hex(digest->root) << " (signature " << signature
              << ").\n";
  }
  return exit_done;
}

}  // namespace csp::cmd
