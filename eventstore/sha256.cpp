#include "eventstore/sha256.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace csp::eventstore {

struct Sha256::Context {
  EVP_MD* algorithm = nullptr;
  EVP_MD_CTX* context = nullptr;
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
  context_->algorithm = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  context_->context = EVP_MD_CTX_new();
  if (context_->algorithm == nullptr || context_->context == nullptr) {
    EVP_MD_free(context_->algorithm);
    EVP_MD_CTX_free(context_->context);
    throw std::runtime_error("OpenSSL has no SHA-256");
  }
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(context_->context);
  EVP_MD_free(context_->algorithm);
}

Hash Sha256::of(std::initializer_list<std::string_view> parts) {
  Hash out{};
  unsigned int length = 0;
  bool is_done = EVP_DigestInit_ex2(context_->context, context_->algorithm, nullptr) == 1;
  for (const std::string_view part : parts) {
    is_done = is_done && EVP_DigestUpdate(context_->context, part.data(), part.size()) == 1;
  }
  is_done = is_done && EVP_DigestFinal_ex(context_->context, out.data(), &length) == 1;
  if (!is_done || length != out.size()) throw std::runtime_error("OpenSSL SHA-256 failed");
  return out;
}

}  // namespace csp::eventstore
