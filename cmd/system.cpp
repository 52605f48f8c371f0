#include "cmd/system.h"

#include <openssl/rand.h>

#include <array>
#include <chrono>
#include <stdexcept>

#include "domain/uuid.h"

namespace csp::cmd {
namespace {

template <std::size_t count>
std::array<unsigned char, count> random_bytes() {
  std::array<unsigned char, count> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("OpenSSL's random generator failed");
  }
  return bytes;
}

}  // namespace

std::int64_t now_micros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

domain::Timestamp now() {
  auto timestamp = domain::Timestamp::from_micros(now_micros());
  if (!timestamp) throw std::runtime_error("the system clock is outside the years 1970 to 9999");
  return *timestamp;
}

std::string new_uuid() {
  auto bytes = random_bytes<16>();
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // RFC 4122 variant
  domain::detail::UuidBytes uuid{};
  for (std::size_t index = 0; index < uuid.size(); ++index) uuid[index] = bytes[index];
  return domain::detail::format_uuid(uuid);
}

domain::ProductKey new_product_key() {
  constexpr std::string_view alphabet = domain::ProductKey::alphabet;
  std::string text;
  const auto bytes = random_bytes<25>();
  for (std::size_t index = 0; index < bytes.size(); ++index) {
    if (index > 0 && index % 5 == 0) text.push_back('-');
    // 256 is not a multiple of 24: redraw-free modulo would favour the first
    // 16 characters slightly, so reject and redraw those high bytes.
    unsigned char byte = bytes[index];
    while (byte >= 240) byte = random_bytes<1>()[0];
    text.push_back(alphabet[byte % alphabet.size()]);
  }
  auto key = domain::ProductKey::parse(text);
  if (!key) throw std::logic_error("generated product key is invalid: " + key.error().message);
  return *key;
}

}  // namespace csp::cmd
