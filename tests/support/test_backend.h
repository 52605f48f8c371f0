#pragma once
// Which backend an end-to-end suite runs on. CTest runs the CLI and server
// suites twice, unchanged: once on SQLite files, once with
// CSP_TEST_BACKEND=postgres, where every ledger a test names ("ledger.db",
// "copy.db", ...) is a database of its own in the PostgreSQL test cluster.

#include <libpq-fe.h>

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "support/postgres_database.h"

namespace csp::testing {

inline bool tests_run_on_postgres() {
  const char* backend = std::getenv("CSP_TEST_BACKEND");
  return backend != nullptr && std::string(backend) == "postgres";
}

// The query's first value, through libpq, or "" when it fails or returns
// no row.
inline std::string postgres_value(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  PGresult* result = PQexec(conn, sql.c_str());
  std::string value;
  if (PQresultStatus(result) == PGRES_TUPLES_OK && PQntuples(result) > 0 && PQgetisnull(result, 0, 0) == 0) {
    value = PQgetvalue(result, 0, 0);
  }
  PQclear(result);
  PQfinish(conn);
  return value;
}

// Ledgers by the names tests give them: on SQLite the name is the file (a
// relative path resolves in the test's folder), on PostgreSQL a database
// made on first use and dropped with this object.
class LedgerLocations {
 public:
  LedgerLocations() = default;
  LedgerLocations(const LedgerLocations&) = delete;
  LedgerLocations& operator=(const LedgerLocations&) = delete;
  ~LedgerLocations() {
    if (!key_file_.empty()) std::remove(key_file_.c_str());
  }

  // A name with a '/' in it (a path, a URI) is taken as it is.
  std::string locate(const std::string& name) {
    if (!tests_run_on_postgres() || name.find('/') != std::string::npos) return name;
    use_a_key_file();
    auto& database = databases_[name];
    if (!database) database = std::make_unique<TempPostgresDatabase>();
    return database->uri();
  }

  // Whether a ledger is there: the file, or the ledger's tables.
  bool holds_ledger(const std::string& name, const std::string& folder) {
    if (!tests_run_on_postgres()) return std::ifstream(folder + "/" + name).good();
    return postgres_value(locate(name), "SELECT count(*) FROM pg_tables WHERE tablename = 'ledger_meta'") == "1";
  }

 private:
  // A PostgreSQL ledger has no place for its key file beside it: the
  // process's ledgers share one, as nodes of one ledger do, through the
  // variable every csp-ledger and csp-ledgerd the test starts inherits.
  void use_a_key_file() {
    if (!key_file_.empty() || std::getenv("CSP_LEDGER_KEY_FILE") != nullptr) return;
    key_file_ = (std::filesystem::temp_directory_path() / ("csp-ledger-test-" + std::to_string(::getpid()) + ".key")).string();
    ::setenv("CSP_LEDGER_KEY_FILE", key_file_.c_str(), 1);
  }

  std::map<std::string, std::unique_ptr<TempPostgresDatabase>> databases_;
  std::string key_file_;
};

}  // namespace csp::testing
