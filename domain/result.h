#pragma once
// Result<T>: a value or an Error, never both, never ignored. Asking a Result
// for the side it does not hold is a programming error and throws
// std::logic_error, which only `main` catches. Layers with their own error
// vocabulary (the store's) name it as the second parameter.

#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

#include "domain/error.h"

namespace csp::domain {

template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& { return std::get<0>(checked(true)); }
  T& value() & { return std::get<0>(checked(true)); }
  T&& value() && { return std::get<0>(std::move(checked(true))); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const E& error() const& { return std::get<1>(checked(false)); }
  E&& error() && { return std::get<1>(std::move(checked(false))); }

 private:
  const std::variant<T, E>& checked(bool want_value) const {
    if (ok() != want_value) {
      throw std::logic_error(want_value ? "Result holds an error, not a value"
                                        : "Result holds a value, not an error");
    }
    return state_;
  }
  std::variant<T, E>& checked(bool want_value) {
    std::as_const(*this).checked(want_value);
    return state_;
  }

  std::variant<T, E> state_;
};

// Status: success or an error, for calls with nothing to return.
template <class E>
class [[nodiscard]] BasicStatus {
 public:
  BasicStatus() = default;
  BasicStatus(E error) : error_(std::move(error)), is_ok_(false) {}  // NOLINT: implicit by design

  static BasicStatus success() { return BasicStatus(); }
  bool ok() const { return is_ok_; }
  explicit operator bool() const { return ok(); }
  const E& error() const {
    if (is_ok_) throw std::logic_error("Status is ok, it holds no error");
    return error_;
  }

 private:
  E error_{};
  bool is_ok_ = true;
};

using Status = BasicStatus<Error>;

}  // namespace csp::domain
