#pragma once
// The store's own failures. Only `conflict` is a refusal a caller acts on
// (retry with fresh state: L4); the others mean the file cannot be used.

#include <cstdint>
#include <optional>
#include <string>

#include "domain/result.h"

namespace csp::eventstore {

struct StoreError {
  enum class Kind {
    conflict,          // a stream moved past the expected version; nothing was written
    alias_taken,       // an alias of the request already names a stream; nothing was written
    command_differs,   // the command id was recorded with another command digest; nothing was written
    invalid_argument,  // the request itself is malformed (empty command id, ...)
    not_found,         // no file at the path
    already_exists,    // create refused: something is at the path already
    not_a_ledger,      // the file is not a csp-ledger file; it was left untouched
    newer_format,      // written by a newer build; it was left untouched
    corrupt,           // the file is damaged
    io,                // the operating system or SQLite failed
  };
  Kind kind = Kind::io;
  std::string message;
  // The log position of the event the failure concerns, when it concerns
  // one: what an audit names.
  std::optional<std::int64_t> position = std::nullopt;
};

template <class T>
using StoreResult = domain::Result<T, StoreError>;
using StoreStatus = domain::BasicStatus<StoreError>;

}  // namespace csp::eventstore
