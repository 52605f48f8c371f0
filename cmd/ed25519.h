#pragma once
// Ed25519 signatures through OpenSSL (EVP_DigestSign): what makes a digest
// stand for its signer, so a copy kept elsewhere cannot be forged by
// whoever can rewrite the ledger.

#include <string>
#include <string_view>

#include "domain/result.h"

namespace csp::cmd {

struct Ed25519Signature {
  std::string public_key_pem;  // the signer's public key, SubjectPublicKeyInfo PEM
  std::string value;           // 64 bytes
};

// Signs `bytes` with the Ed25519 private key in the PEM file at `path`.
// `invalid_input` when the file cannot be read or holds no Ed25519 key.
domain::Result<Ed25519Signature> sign_ed25519(const std::string& private_key_path, std::string_view bytes);

// The Ed25519 public key in the PEM file at `path` (a public key, or a
// private key whose public half is taken), rewritten as OpenSSL writes
// it, so two spellings of one key compare equal.
domain::Result<std::string> read_public_key_pem(const std::string& path);
// The same for PEM text; `invalid_input` when it is not an Ed25519 key.
domain::Result<std::string> normalized_public_key_pem(std::string_view pem);

// Whether `signature` is the signature of `bytes` by `public_key_pem`.
bool verifies_ed25519(std::string_view public_key_pem, std::string_view bytes, std::string_view signature);

}  // namespace csp::cmd
