#pragma once
// The archive payloads are decoded with: cereal's portable binary input,
// told how many bytes the payload holds. A damaged count (of a string's
// characters or a list's elements) is then refused before anything is
// allocated for it, rather than trusted with gigabytes.

#include <cstdint>
#include <istream>
#include <string>

#include <cereal/archives/portable_binary.hpp>

namespace csp::domain {

class PayloadInput : public cereal::PortableBinaryInputArchive {
 public:
  PayloadInput(std::istream& stream, std::size_t payload_bytes)
      : cereal::PortableBinaryInputArchive(stream), payload_bytes_(payload_bytes) {}

  // Every element of a payload takes at least one byte.
  void check_count(std::uint64_t count) const {
    if (count > payload_bytes_) {
      throw cereal::Exception("it declares " + std::to_string(count) + " elements in a payload of " +
                              std::to_string(payload_bytes_) + " bytes");
    }
  }

 private:
  std::uint64_t payload_bytes_;
};

}  // namespace csp::domain

namespace cereal {

// Preferred to cereal's own template for this archive: every string and
// list count read while decoding a payload passes the check.
inline void CEREAL_SERIALIZE_FUNCTION_NAME(PortableBinaryInputArchive& archive, SizeTag<std::uint64_t&>& tag) {
  archive(tag.size);
  if (const auto* payload = dynamic_cast<const csp::domain::PayloadInput*>(&archive)) payload->check_count(tag.size);
}

}  // namespace cereal
