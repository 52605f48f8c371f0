#pragma once
// How many licences a purchase is for: a whole number from 1 to 1,000,000.

#include <cstdint>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

class Quantity {
 public:
  static constexpr std::int64_t max = 1'000'000;

  Quantity() = default;  // only for decoding; holds 1

  static Result<Quantity> of(std::int64_t count);
  static Result<Quantity> parse(std::string_view text);
  std::uint32_t count() const { return count_; }

  friend auto operator<=>(const Quantity&, const Quantity&) = default;

  template <class Archive>
  std::uint32_t save_minimal(const Archive&) const { return count_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::uint32_t& stored) {
    *this = detail::value_or_throw(of(stored));
  }

 private:
  std::uint32_t count_ = 1;
};

}  // namespace csp::domain
