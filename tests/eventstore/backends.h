#pragma once
// The backends the store contract runs against (conformance_test.cpp,
// sql_session_test.cpp): a new backend joins this list and must pass the
// very same tests.

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "eventstore/postgres/store.h"
#include "store_fixture.h"
#include "support/postgres_database.h"

namespace csp::eventstore::testing {

// Where a test's ledgers live: files in a private folder, or databases of
// the PostgreSQL test cluster, one per name, made on first use.
struct Places {
  TempDir dir;
  std::map<std::string, std::unique_ptr<csp::testing::TempPostgresDatabase>> databases;

  std::string database(const std::string& name) {
    auto& database = databases[name];
    if (!database) database = std::make_unique<csp::testing::TempPostgresDatabase>();
    return database->uri();
  }
};

struct Backend {
  std::string name;
  std::function<std::unique_ptr<EventStore>(Places&, FakeClock&, const std::string& name)> create;
  std::function<std::unique_ptr<EventStore>(Places&, FakeClock&, const std::string& name)> open_again;
};

inline void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

inline std::vector<Backend> backends() {
  return {Backend{"sqlite",
                  [](Places& places, FakeClock& clock, const std::string& name) {
                    return ok_or_throw(create_sqlite_store(places.dir.file(name), SqliteOptions{clock.function()}));
                  },
                  [](Places& places, FakeClock& clock, const std::string& name) {
                    return ok_or_throw(open_sqlite_store(places.dir.file(name), SqliteOptions{clock.function()}));
                  }},
          Backend{"postgres",
                  [](Places& places, FakeClock& clock, const std::string& name) {
                    return ok_or_throw(create_postgres_store(places.database(name), PostgresOptions{clock.function()}));
                  },
                  [](Places& places, FakeClock& clock, const std::string& name) {
                    return ok_or_throw(open_postgres_store(places.database(name), PostgresOptions{clock.function()}));
                  }}};
}

}  // namespace csp::eventstore::testing
