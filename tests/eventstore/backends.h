#pragma once
// The backends the store contract runs against (conformance_test.cpp,
// sql_session_test.cpp): a new backend joins this list and must pass the
// very same tests.

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store_fixture.h"

namespace csp::eventstore::testing {

struct Backend {
  std::string name;
  std::function<std::unique_ptr<EventStore>(TempDir&, FakeClock&, const std::string& file)> create;
  std::function<std::unique_ptr<EventStore>(TempDir&, FakeClock&, const std::string& file)> open_again;
};

inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

inline std::vector<Backend> backends() {
  return {Backend{
      "sqlite",
      [](TempDir& dir, FakeClock& clock, const std::string& file) {
        return ok_or_throw(create_sqlite_store(dir.file(file), SqliteOptions{clock.function()}));
      },
      [](TempDir& dir, FakeClock& clock, const std::string& file) {
        return ok_or_throw(open_sqlite_store(dir.file(file), SqliteOptions{clock.function()}));
      }}};
}

}  // namespace csp::eventstore::testing
