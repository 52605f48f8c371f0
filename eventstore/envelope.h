#pragma once
// What the store keeps of an event: the envelope (L2) around opaque payload
// bytes. The store knows nothing of the event types themselves.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace csp::eventstore {

using Hash = std::array<std::uint8_t, 32>;

// An event handed to append. The store adds position, stream version,
// command id, recorded time and hash.
struct NewEvent {
  std::string event_type;
  std::uint32_t schema_version = 1;
  std::string payload;
  std::string actor;
  std::string role;  // empty when the actor used no role
  std::int64_t business_time_us = 0;
};

// Events for one stream, accepted only if the stream has exactly
// `expected_version` events now (0: the stream must not exist yet).
// `aliases` are new keys that will resolve to this stream (an order id, a
// link id, a domain name); each may be taken once in a ledger's life.
struct StreamWrite {
  std::string stream_id;
  std::int64_t expected_version = 0;
  std::vector<NewEvent> events;
  std::vector<std::string> aliases = {};
};

// One command's append: all its writes commit together or not at all.
// `command_id` is the caller's idempotency key (L3); left empty, the store
// names the command "@<position of its first event>". Caller ids may not
// start with '@'. `command_digest` says what the command was (the caller's
// hash of it, opaque here); stored with the id, it makes a later append
// under that id with another digest a `command_differs` refusal.
struct AppendRequest {
  std::string command_id;
  std::vector<StreamWrite> writes;
  std::optional<Hash> command_digest = std::nullopt;
};

inline constexpr std::size_t events_per_request_max = 1000;

struct AppendOutcome {
  // L3: the command id was seen before; nothing was appended and
  // `positions` are the positions of its first append.
  bool is_replay = false;
  std::vector<std::int64_t> positions;
};

struct StoredEvent {
  std::int64_t position = 0;
  std::string stream_id;
  std::int64_t stream_version = 0;
  std::string event_type;
  std::uint32_t schema_version = 0;
  std::string command_id;
  std::string actor;
  std::string role;
  std::int64_t business_time_us = 0;
  std::int64_t recorded_time_us = 0;
  std::string payload;
  Hash hash{};

  friend bool operator==(const StoredEvent&, const StoredEvent&) = default;
};

}  // namespace csp::eventstore
