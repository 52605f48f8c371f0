#include "eventstore/chain.h"

#include <algorithm>
#include <stdexcept>

namespace csp::eventstore {
namespace {

void put_u32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

void put_u64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

void put_string(std::string& out, std::string_view text) {
  if (text.size() > UINT32_MAX) throw std::length_error("field too long for the canonical encoding");
  put_u32(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

}  // namespace

Hash ChainHasher::next(const Hash& previous, const ChainFields& fields) {
  canonical_.clear();
  canonical_.append(reinterpret_cast<const char*>(previous.data()), previous.size());
  put_u64(canonical_, static_cast<std::uint64_t>(fields.position));
  put_string(canonical_, fields.stream_id);
  put_u64(canonical_, static_cast<std::uint64_t>(fields.stream_version));
  put_string(canonical_, fields.event_type);
  put_u32(canonical_, fields.schema_version);
  put_string(canonical_, fields.command_id);
  put_string(canonical_, fields.actor);
  put_string(canonical_, fields.role);
  put_u64(canonical_, static_cast<std::uint64_t>(fields.business_time_us));
  put_u64(canonical_, static_cast<std::uint64_t>(fields.recorded_time_us));
  put_string(canonical_, fields.payload);

  return sha256_.of({canonical_});
}

ChainFields chain_fields(const StoredEvent& event) {
  return ChainFields{event.position,       event.stream_id,        event.stream_version, event.event_type,
                     event.schema_version, event.command_id,       event.actor,          event.role,
                     event.business_time_us, event.recorded_time_us, event.payload};
}

std::string bytes_hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    text.push_back(digits[byte >> 4]);
    text.push_back(digits[byte & 0x0F]);
  }
  return text;
}

std::string hash_hex(const Hash& hash) { return bytes_hex(hash_bytes(hash)); }

std::string_view hash_bytes(const Hash& hash) {
  return std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size());
}

std::optional<Hash> hash_from_bytes(std::string_view bytes) {
  Hash hash{};
  if (bytes.size() != hash.size()) return std::nullopt;
  std::copy(bytes.begin(), bytes.end(), reinterpret_cast<char*>(hash.data()));
  return hash;
}

std::optional<std::string> bytes_from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string bytes;
  bytes.reserve(text.size() / 2);
  for (std::size_t index = 0; index < text.size(); index += 2) {
    const int high = nibble(text[index]);
    const int low = nibble(text[index + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(high * 16 + low));
  }
  return bytes;
}

std::optional<Hash> hash_from_hex(std::string_view text) {
  const auto bytes = bytes_from_hex(text);
  if (!bytes) return std::nullopt;
  return hash_from_bytes(*bytes);
}

}  // namespace csp::eventstore
