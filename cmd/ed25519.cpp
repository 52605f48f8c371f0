#include "cmd/ed25519.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <memory>
#include <optional>

namespace csp::cmd {
namespace {

// A key file is a few hundred bytes.
constexpr std::streamsize key_file_bytes_max = 64 * 1024;
constexpr std::size_t signature_bytes = 64;

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct ContextFree {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Bio = std::unique_ptr<BIO, BioFree>;
using Context = std::unique_ptr<EVP_MD_CTX, ContextFree>;

std::optional<std::string> file_text(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string text(static_cast<std::size_t>(key_file_bytes_max) + 1, '\0');
  file.read(text.data(), key_file_bytes_max + 1);
  text.resize(static_cast<std::size_t>(file.gcount()));
  if (text.size() > static_cast<std::size_t>(key_file_bytes_max)) return std::nullopt;
  return text;
}

Bio memory_of(std::string_view text) { return Bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))); }

bool is_ed25519(const Key& key) { return key && EVP_PKEY_is_a(key.get(), "ED25519") == 1; }

Key private_key_of(std::string_view pem) {
  Bio bio = memory_of(pem);
  if (!bio) return nullptr;
  Key key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  return is_ed25519(key) ? std::move(key) : nullptr;
}

Key public_key_of(std::string_view pem) {
  Bio bio = memory_of(pem);
  if (!bio) return nullptr;
  Key key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (is_ed25519(key)) return key;
  return private_key_of(pem);
}

std::optional<std::string> public_pem_of(const Key& key) {
  Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key.get()) != 1) return std::nullopt;
  char* data = nullptr;
  const long length = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, static_cast<void*>(&data));
  if (length <= 0 || data == nullptr) return std::nullopt;
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

domain::Result<Ed25519Signature> sign_ed25519(const std::string& private_key_path, std::string_view bytes) {
  const auto pem = file_text(private_key_path);
  if (!pem) return domain::invalid_input("--sign: key file " + private_key_path + " cannot be read");
  Key key = private_key_of(*pem);
  if (!key) {
    return domain::invalid_input("--sign: " + private_key_path +
                                 " holds no Ed25519 private key in PEM (make one with: openssl genpkey -algorithm "
                                 "ed25519 -out key.pem)");
  }
  Context context(EVP_MD_CTX_new());
  std::string signature(signature_bytes, '\0');
  std::size_t length = signature.size();
  // Ed25519 hashes the message itself: no separate digest is named.
  if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) != 1 ||
      length != signature_bytes) {
    return domain::invalid_input("--sign: OpenSSL could not sign with " + private_key_path);
  }
  auto public_pem = public_pem_of(key);
  if (!public_pem) return domain::invalid_input("--sign: OpenSSL could not write the public key of " + private_key_path);
  return Ed25519Signature{*public_pem, signature};
}

domain::Result<std::string> normalized_public_key_pem(std::string_view pem) {
  Key key = public_key_of(pem);
  auto normalized = key ? public_pem_of(key) : std::nullopt;
  if (!normalized) return domain::invalid_input("not an Ed25519 public key in PEM");
  return *normalized;
}

domain::Result<std::string> read_public_key_pem(const std::string& path) {
  const auto pem = file_text(path);
  if (!pem) return domain::invalid_input("--public-key: key file " + path + " cannot be read");
  auto normalized = normalized_public_key_pem(*pem);
  if (!normalized) return domain::invalid_input("--public-key: " + path + " holds no Ed25519 key in PEM");
  return normalized;
}

bool verifies_ed25519(std::string_view public_key_pem, std::string_view bytes, std::string_view signature) {
  Key key = public_key_of(public_key_pem);
  Context context(EVP_MD_CTX_new());
  if (!key || !context || signature.size() != signature_bytes) return false;
  return EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
         EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) == 1;
}

}  // namespace csp::cmd
