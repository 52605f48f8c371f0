#pragma once
// The parts of a refund ticket (R9) that are not money: who to call back,
// how urgent it is, and the files attached to it.

#include <cstdint>
#include <string>
#include <string_view>

#include "domain/email.h"
#include "domain/text.h"

namespace csp::domain {

// A telephone number as people write it: digits with optional "+", spaces,
// dashes, dots and parentheses; 5 to 20 digits.
class PhoneNumber {
 public:
  PhoneNumber() = default;  // only for decoding

  static Result<PhoneNumber> parse(std::string_view text);
  const std::string& str() const { return text_; }

  friend auto operator<=>(const PhoneNumber&, const PhoneNumber&) = default;

  template <class Archive>
  std::string save_minimal(const Archive&) const { return text_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    *this = detail::value_or_throw(parse(stored));
  }

 private:
  std::string text_;
};

struct Contact {
  PersonName name;
  EmailAddress email;
  PhoneNumber phone;

  friend bool operator==(const Contact&, const Contact&) = default;
  template <class Archive>
  void serialize(Archive& archive) { archive(name, email, phone); }
};

// Stored in events as a number: never renumber one.
enum class Impact : std::uint8_t { minimal = 1, moderate = 2, important = 3, critical = 4 };
std::string_view impact_name(Impact impact);
Result<Impact> parse_impact(std::string_view text);

// A file attached to a ticket, recorded by name, size and SHA-256 digest; the
// caller reads the file, the ledger keeps the proof of what was attached.
struct Attachment {
  FileName name;
  std::uint64_t size_bytes = 0;
  std::string sha256_hex;  // 64 lowercase hex digits

  friend bool operator==(const Attachment&, const Attachment&) = default;
  template <class Archive>
  void serialize(Archive& archive) { archive(name, size_bytes, sha256_hex); }
};
Status check_attachment(const Attachment& attachment);

}  // namespace csp::domain
