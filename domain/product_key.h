#pragma once
// A product key: five groups of five characters from the 24-character key
// alphabet (no vowels but Y, no 0, 1, 5), e.g. "VK7JG-NPHTM-C97JM-9MPGT-3V66T".
// The caller mints it (the domain has no randomness); the domain checks it.

#include <cstddef>
#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

class ProductKey {
 public:
  static constexpr std::string_view alphabet = "BCDFGHJKMPQRTVWXY2346789";

  ProductKey() = default;  // only for decoding

  static Result<ProductKey> parse(std::string_view text);
  // A key as the log holds it: an envelope only its ledger's key file opens
  // (FORMAT.md, "Product keys at rest"). The domain never opens one; it only
  // checks the shape, carries it, and copies it into a revocation.
  static Result<ProductKey> from_sealed(std::string_view envelope);
  static constexpr char sealed_format = '\x01';
  static constexpr std::size_t sealed_bytes = 1 + 8 + 12 + 29 + 16;

  // The key in clear; empty for a key known only sealed.
  const std::string& str() const { return text_; }
  bool is_clear() const { return !text_.empty(); }
  const std::string& sealed() const { return sealed_; }
  bool is_sealed() const { return !sealed_.empty(); }
  // This key, stored from now on as `envelope`, which must hold it.
  ProductKey sealed_as(std::string envelope) const;
  // This key, known in clear as `key` besides its envelope.
  ProductKey opened_as(const ProductKey& key) const;

  // Two envelopes of one key differ (each has its own nonce), so keys
  // compare by envelope only where neither is known in clear.
  friend bool operator==(const ProductKey& a, const ProductKey& b) {
    if (a.is_sealed() && b.is_sealed()) return a.sealed_ == b.sealed_;
    return a.is_clear() && b.is_clear() && a.text_ == b.text_;
  }

  // Written sealed whenever it has been; a clear key is what ledgers made
  // before keys were sealed hold, and what the domain's own tests encode.
  template <class Archive>
  std::string save_minimal(const Archive&) const { return is_sealed() ? sealed_ : text_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    const bool is_envelope = !stored.empty() && stored.front() == sealed_format;
    *this = detail::value_or_throw(is_envelope ? from_sealed(stored) : parse(stored));
  }

 private:
  std::string text_;
  std::string sealed_;
};

}  // namespace csp::domain
