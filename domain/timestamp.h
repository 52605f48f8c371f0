#pragma once
// A UTC instant with microsecond precision. The domain never reads a clock:
// every Timestamp comes in with a command or an event.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

class Timestamp {
 public:
  using Micros = std::chrono::microseconds;

  Timestamp() = default;  // only for decoding; 1970-01-01T00:00:00Z

  // RFC 3339: 2026-03-01T09:30:00Z, with up to 6 fractional digits and either
  // "Z" or a numeric offset (+09:00), which is converted to UTC. Years 1970
  // to 9999.
  static Result<Timestamp> parse(std::string_view text);
  static Result<Timestamp> from_micros(std::int64_t micros_since_epoch);

  std::int64_t micros_since_epoch() const { return micros_; }
  // Always UTC with "Z"; the fraction only when it is not zero.
  std::string str() const;

  // Refused when the result would leave the years 1970 to 9999.
  Result<Timestamp> plus(Micros duration) const;

  friend auto operator<=>(const Timestamp&, const Timestamp&) = default;

  template <class Archive>
  std::int64_t save_minimal(const Archive&) const { return micros_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::int64_t& stored) {
    *this = detail::value_or_throw(from_micros(stored));
  }

 private:
  std::int64_t micros_ = 0;
};

}  // namespace csp::domain
