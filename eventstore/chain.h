#pragma once
// The hash chain of FORMAT.md: the one place that lays out canonical bytes.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "eventstore/envelope.h"
#include "eventstore/sha256.h"

namespace csp::eventstore {

inline constexpr Hash genesis_hash{};

// The fields the hash covers, as views: a hash can be computed from a row
// still inside SQLite's buffers, without copying it out.
struct ChainFields {
  std::int64_t position = 0;
  std::string_view stream_id;
  std::int64_t stream_version = 0;
  std::string_view event_type;
  std::uint32_t schema_version = 0;
  std::string_view command_id;
  std::string_view actor;
  std::string_view role;
  std::int64_t business_time_us = 0;
  std::int64_t recorded_time_us = 0;
  std::string_view payload;
};

ChainFields chain_fields(const StoredEvent& event);

// Keeps its SHA-256 context and buffer between calls, so one hasher per
// thread.
class ChainHasher {
 public:

  // hash(p) = SHA-256(hash(p-1) ‖ canonical(p)).
  Hash next(const Hash& previous, const ChainFields& fields);

 private:
  Sha256 sha256_;
  std::string canonical_;
};

// Lowercase hex of bytes: hashes, and payloads in exports.
std::string bytes_hex(std::string_view bytes);
std::string hash_hex(const Hash& hash);
// The inverse of bytes_hex; empty when the text is not lowercase hex.
std::optional<std::string> bytes_from_hex(std::string_view text);
std::optional<Hash> hash_from_hex(std::string_view text);
// A hash as the 32 bytes a BLOB or BYTEA column holds, and back; empty
// when the column holds another number of bytes.
std::string_view hash_bytes(const Hash& hash);
std::optional<Hash> hash_from_bytes(std::string_view bytes);

}  // namespace csp::eventstore
