#include "domain/event_codec.h"

#include <array>
#include <new>
#include <istream>
#include <sstream>
#include <streambuf>
#include <stdexcept>
#include <utility>

#include <cereal/archives/portable_binary.hpp>

#include "domain/payload_input.h"
#include "domain/text.h"

namespace csp::domain {
namespace {

template <std::size_t... indexes>
constexpr auto make_type_table(std::index_sequence<indexes...>) {
  return std::array<EventTypeInfo, sizeof...(indexes)>{
      EventTypeInfo{std::variant_alternative_t<indexes, Event>::type_name,
                    std::variant_alternative_t<indexes, Event>::schema_version}...};
}

constexpr auto type_table = make_type_table(std::make_index_sequence<std::variant_size_v<Event>>{});

// Enums arrive as raw numbers; a number outside the enum is corruption.
bool is_valid_enums(const Event& event) {
  const auto role_ok = [](Role role) { return role >= Role::admin_agent && role <= Role::helpdesk_agent; };
  const auto kind_ok = [](ProductKind kind) {
    return kind == ProductKind::software || kind == ProductKind::azure_reserved_instance;
  };
  if (const auto* granted = std::get_if<AgentRoleGranted>(&event)) return role_ok(granted->role);
  if (const auto* revoked = std::get_if<AgentRoleRevoked>(&event)) return role_ok(revoked->role);
  if (const auto* purchased = std::get_if<SoftwarePurchased>(&event)) return kind_ok(purchased->product.kind);
  if (const auto* denied = std::get_if<DownloadDenied>(&event)) {
    return denied->reason >= DenialReason::link_expired && denied->reason <= DenialReason::subscription_cancelled;
  }
  if (const auto* opened = std::get_if<RefundTicketOpened>(&event)) {
    return opened->impact >= Impact::minimal && opened->impact <= Impact::critical;
  }
  if (const auto* resolved = std::get_if<RefundTicketResolved>(&event)) {
    const bool is_refunded = resolved->status == RefundStatus::refunded;
    const bool is_rejected = resolved->status == RefundStatus::rejected;
    return (is_refunded && resolved->refunded_amount && !resolved->rejection_reason) ||
           (is_rejected && !resolved->refunded_amount && resolved->rejection_reason);
  }
  return true;
}

template <std::size_t index>
Event decode_alternative(std::istream& input, std::size_t payload_bytes) {
  std::variant_alternative_t<index, Event> event;
  PayloadInput archive(input, payload_bytes);
  archive(event);
  return event;
}

template <std::size_t... indexes>
Event decode_by_index(std::size_t wanted, std::istream& input, std::size_t payload_bytes,
                      std::index_sequence<indexes...>) {
  using Decoder = Event (*)(std::istream&, std::size_t);
  constexpr std::array<Decoder, sizeof...(indexes)> decoders = {&decode_alternative<indexes>...};
  return decoders.at(wanted)(input, payload_bytes);
}

// Reads the payload where it lies: no copy into a string stream's own.
class ViewBuffer : public std::streambuf {
 public:
  void view(std::string_view bytes) {
    // The get area is only read; std::streambuf wants it non-const.
    char* begin = const_cast<char*>(bytes.data());
    setg(begin, begin, begin + bytes.size());
  }
};

}  // namespace

std::span<const EventTypeInfo> event_types() { return type_table; }

std::string encode_payload(const Event& event) {
  PayloadEncoder encoder;
  return encoder.encode(event);
}

struct PayloadEncoder::Stream {
  std::ostringstream output;
};

PayloadEncoder::PayloadEncoder() : stream_(std::make_unique<Stream>()) {}
PayloadEncoder::~PayloadEncoder() = default;

std::string PayloadEncoder::encode(const Event& event) {
  std::ostringstream& output = stream_->output;
  output.str(std::string());
  output.clear();
  {
    cereal::PortableBinaryOutputArchive archive(output);
    std::visit([&](const auto& alternative) { archive(alternative); }, event);
  }
  return output.str();
}

struct PayloadDecoder::Stream {
  ViewBuffer buffer;
  std::istream input{&buffer};
};

PayloadDecoder::PayloadDecoder() : stream_(std::make_unique<Stream>()) {}
PayloadDecoder::~PayloadDecoder() = default;

Result<Event> PayloadDecoder::decode(std::string_view type_name, std::uint32_t schema_version, std::string_view bytes) {
  std::size_t index = 0;
  while (index < type_table.size() && type_table[index].type_name != type_name) ++index;
  if (index == type_table.size()) {
    return invalid_input("unknown event type \"" + std::string(utf8_prefix(type_name, 64)) + "\"");
  }
  const auto what = [&] { return std::string(type_name) + " v" + std::to_string(schema_version); };
  if (schema_version != type_table[index].schema_version) {
    return invalid_input(what() + " has no decoder; the current version is v" +
                         std::to_string(type_table[index].schema_version));
  }
  stream_->buffer.view(bytes);
  std::istream& input = stream_->input;
  input.clear();
  try {
    Event event = decode_by_index(index, input, bytes.size(), std::make_index_sequence<std::variant_size_v<Event>>{});
    if (input.peek() != std::istream::traits_type::eof()) {
      return invalid_input("payload of " + what() + " has trailing bytes after the event");
    }
    if (!is_valid_enums(event)) return invalid_input("payload of " + what() + " holds an out-of-range value");
    return event;
  } catch (const cereal::Exception& failure) {
    return invalid_input("payload of " + what() + " is corrupt: " + failure.what());
  } catch (const std::bad_alloc&) {
    return invalid_input("payload of " + what() + " is corrupt: it declares a size larger than memory");
  } catch (const std::length_error&) {
    return invalid_input("payload of " + what() + " is corrupt: it declares an impossible size");
  }
}

Result<Event> decode_payload(std::string_view type_name, std::uint32_t schema_version, std::string_view bytes) {
  PayloadDecoder decoder;
  return decoder.decode(type_name, schema_version, bytes);
}

}  // namespace csp::domain
