#pragma once
// Free text with a purpose: a reason, a title, a person's name. Each kind has
// its own type so a title can never be passed where a reason is meant, and each
// is bounded, trimmed, valid UTF-8 and free of control characters.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/decode_failure.h"
#include "domain/result.h"

namespace csp::domain {

namespace detail {
// Returns the trimmed text, or an Error naming `what` and the limit broken.
Result<std::string> checked_text(std::string_view raw, std::string_view what,
                                 std::size_t bytes_max, bool allows_newlines);
}  // namespace detail

// `text` as it may appear in a message or a log line: valid UTF-8 passes
// unchanged, each byte of a malformed sequence and each control character
// (tab, newline and DEL included) becomes `\xNN`. A stored payload or an
// input line can thus never put raw bytes, or a forged second line, on a
// terminal or into a log.
std::string printable(std::string_view text);

// The longest prefix of `text` of at most `bytes_max` bytes that does not
// end inside a UTF-8 sequence, for quoting the start of a long input.
std::string_view utf8_prefix(std::string_view text, std::size_t bytes_max);

// The offset of the first byte that is not part of valid UTF-8, if any.
std::optional<std::size_t> first_invalid_utf8(std::string_view text);

template <class Tag>
class Text {
 public:
  Text() = default;  // only for decoding; every other Text comes from parse

  static Result<Text> parse(std::string_view raw) {
    auto checked = detail::checked_text(raw, Tag::what, Tag::bytes_max, Tag::allows_newlines);
    if (!checked) return std::move(checked).error();
    Text text;
    text.text_ = std::move(checked).value();
    return text;
  }

  const std::string& str() const { return text_; }

  friend auto operator<=>(const Text&, const Text&) = default;

  template <class Archive>
  std::string save_minimal(const Archive&) const { return text_; }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& stored) {
    *this = detail::value_or_throw(parse(stored));
  }

 private:
  std::string text_;
};

struct CustomerNameTag { static constexpr std::string_view what = "customer name"; static constexpr std::size_t bytes_max = 200; static constexpr bool allows_newlines = false; };
struct ReasonTag { static constexpr std::string_view what = "reason"; static constexpr std::size_t bytes_max = 2000; static constexpr bool allows_newlines = true; };
struct TitleTag { static constexpr std::string_view what = "title"; static constexpr std::size_t bytes_max = 200; static constexpr bool allows_newlines = false; };
struct PersonNameTag { static constexpr std::string_view what = "contact name"; static constexpr std::size_t bytes_max = 200; static constexpr bool allows_newlines = false; };
struct ActorTag { static constexpr std::string_view what = "actor"; static constexpr std::size_t bytes_max = 254; static constexpr bool allows_newlines = false; };
struct CommandIdTag { static constexpr std::string_view what = "command id"; static constexpr std::size_t bytes_max = 128; static constexpr bool allows_newlines = false; };
struct FileNameTag { static constexpr std::string_view what = "attachment file name"; static constexpr std::size_t bytes_max = 255; static constexpr bool allows_newlines = false; };

using CustomerName = Text<CustomerNameTag>;
using Reason = Text<ReasonTag>;
using Title = Text<TitleTag>;
using PersonName = Text<PersonNameTag>;
// Who asked for a command: an agent id for agents' commands, free text for the
// customer's user who downloads (DESIGN: `download --actor`).
using Actor = Text<ActorTag>;
// The caller's idempotency key (L3); any short printable text, e.g. "c-1".
using CommandId = Text<CommandIdTag>;
using FileName = Text<FileNameTag>;

}  // namespace csp::domain
