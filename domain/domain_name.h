#pragma once
// A DNS name such as contoso.onmicrosoft.com: the customer's primary domain,
// and the part after "@" of every e-mail-like id. Stored lowercase.

#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

class DomainName {
 public:
  DomainName() = default;  // only for decoding

  static Result<DomainName> parse(std::string_view text);
  const std::string& str() const { return name_; }

  friend auto operator<=>(const DomainName&, const DomainName&) = default;

  template <class Archive>
  std::string save_minimal(const Archive&) const { return name_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    *this = detail::value_or_throw(parse(stored));
  }

 private:
  std::string name_;
};

}  // namespace csp::domain
