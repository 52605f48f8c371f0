#pragma once
// E-mail-like ids: an agent (alice@partner.example) and a ticket contact's
// address. Stored lowercase so the same person is always the same id.

#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

namespace detail {
Result<std::string> checked_email(std::string_view text, std::string_view what);
}  // namespace detail

template <class Tag>
class EmailLike {
 public:
  EmailLike() = default;  // only for decoding

  static Result<EmailLike> parse(std::string_view text) {
    auto checked = detail::checked_email(text, Tag::what);
    if (!checked) return std::move(checked).error();
    EmailLike value;
    value.text_ = std::move(checked).value();
    return value;
  }
  const std::string& str() const { return text_; }

  friend auto operator<=>(const EmailLike&, const EmailLike&) = default;

  template <class Archive>
  std::string save_minimal(const Archive&) const { return text_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    *this = detail::value_or_throw(parse(stored));
  }

 private:
  std::string text_;
};

struct AgentTag { static constexpr std::string_view what = "agent id"; };
struct EmailTag { static constexpr std::string_view what = "e-mail address"; };

using AgentId = EmailLike<AgentTag>;
using EmailAddress = EmailLike<EmailTag>;

}  // namespace csp::domain
