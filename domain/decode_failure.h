#pragma once
// Value types validate when a payload is decoded, exactly as when a person
// types them: a stored value that no longer parses is corruption, reported by
// throwing cereal's exception, which the event codec turns into an Error.

#include <cereal/details/helpers.hpp>

#include "domain/result.h"

namespace csp::domain::detail {

[[noreturn]] inline void throw_decode_failure(const Error& error) {
  throw cereal::Exception("stored value is invalid: " + error.message);
}

template <class T>
T value_or_throw(Result<T> parsed) {
  if (!parsed) throw_decode_failure(parsed.error());
  return std::move(parsed).value();
}

}  // namespace csp::domain::detail
