#pragma once
// SHA-256 through OpenSSL for the chain and the Merkle tree. Fetching the
// algorithm and making a context cost more than hashing an event, so both
// are kept between calls: one instance per thread.

#include <initializer_list>
#include <memory>
#include <string_view>

#include "eventstore/envelope.h"

namespace csp::eventstore {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // The hash of the parts one after the other.
  Hash of(std::initializer_list<std::string_view> parts);

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

// A hash's bytes as a part to hash.
inline std::string_view hash_part(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

}  // namespace csp::eventstore
