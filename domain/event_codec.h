#pragma once
// Event payload bytes: cereal's portable binary archive of the event struct.
// The store keeps these bytes beside the type name and schema version; this
// is the one place that turns events into bytes and back.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "domain/events.h"
#include "domain/result.h"

namespace csp::domain {

struct EventTypeInfo {
  std::string_view type_name;
  std::uint32_t schema_version;  // the current one
};

// One entry per Event alternative, in variant order.
std::span<const EventTypeInfo> event_types();

std::string encode_payload(const Event& event);

// The same bytes as encode_payload, for callers that encode many events:
// keeps one output stream instead of building one per event.
class PayloadEncoder {
 public:
  PayloadEncoder();
  ~PayloadEncoder();
  PayloadEncoder(const PayloadEncoder&) = delete;
  PayloadEncoder& operator=(const PayloadEncoder&) = delete;

  std::string encode(const Event& event);

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

// invalid_input when the type name is unknown, the version is not the current
// one (older versions go through the store's upcasters first), or the bytes
// are corrupt: truncated, trailing garbage, or a value that fails its checks.
Result<Event> decode_payload(std::string_view type_name, std::uint32_t schema_version, std::string_view bytes);

// The same as decode_payload, for callers that decode many events (a
// replay, a state cache): keeps one input stream, since building a stream
// per event cost a replay a tenth of its time.
class PayloadDecoder {
 public:
  PayloadDecoder();
  ~PayloadDecoder();
  PayloadDecoder(const PayloadDecoder&) = delete;
  PayloadDecoder& operator=(const PayloadDecoder&) = delete;

  Result<Event> decode(std::string_view type_name, std::uint32_t schema_version, std::string_view bytes);

 private:
  struct Stream;
  std::unique_ptr<Stream> stream_;
};

}  // namespace csp::domain
