#pragma once
// A fresh database in the test cluster (tests/support/pg-cluster, started
// by CTest's `postgres` fixture) for one test, dropped when the test is done.
// CSP_TEST_POSTGRES names another server to use instead.

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace csp::testing {

// The cluster's administrative connection string.
inline std::string test_cluster_conninfo() {
  if (const char* given = std::getenv("CSP_TEST_POSTGRES"); given != nullptr && *given != '\0') return given;
#ifdef CSP_TEST_POSTGRES_URI_FILE
  std::ifstream file(CSP_TEST_POSTGRES_URI_FILE);
  std::string conninfo;
  if (std::getline(file, conninfo) && !conninfo.empty()) return conninfo;
#endif
  throw std::runtime_error(
      "no PostgreSQL test cluster: run the tests with ctest (its `postgres` fixture starts one) or set "
      "CSP_TEST_POSTGRES to a libpq connection string");
}

inline void run_admin_sql(const std::string& sql) {
  PGconn* conn = PQconnectdb(test_cluster_conninfo().c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    throw std::runtime_error("cannot reach the PostgreSQL test cluster: " + message);
  }
  PGresult* result = PQexec(conn, sql.c_str());
  const bool is_ok = PQresultStatus(result) == PGRES_COMMAND_OK || PQresultStatus(result) == PGRES_TUPLES_OK;
  const std::string message = PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
  if (!is_ok) throw std::runtime_error(sql + ": " + message);
}

class TempPostgresDatabase {
 public:
  TempPostgresDatabase() {
    static std::atomic<int> made{0};
    name_ = "csp_test_" + std::to_string(getpid()) + "_" + std::to_string(++made);
    run_admin_sql("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    run_admin_sql("CREATE DATABASE " + name_);
  }
  ~TempPostgresDatabase() {
    try {
      run_admin_sql("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The cluster is gone already: nothing is left to drop.
    }
  }
  TempPostgresDatabase(const TempPostgresDatabase&) = delete;
  TempPostgresDatabase& operator=(const TempPostgresDatabase&) = delete;

  const std::string& name() const { return name_; }
  // As a user gives it to --db: a postgresql:// URI (the cluster's socket
  // folder as its host).
  std::string uri() const {
    const std::string admin = test_cluster_conninfo();
    PQconninfoOption* options = PQconninfoParse(admin.c_str(), nullptr);
    std::string host, user, port;
    for (const PQconninfoOption* option = options; option != nullptr && option->keyword != nullptr; ++option) {
      if (option->val == nullptr) continue;
      const std::string keyword = option->keyword;
      if (keyword == "host") host = option->val;
      if (keyword == "user") user = option->val;
      if (keyword == "port") port = option->val;
    }
    PQconninfoFree(options);
    std::string uri = "postgresql:///" + name_ + "?host=" + host;
    if (!user.empty()) uri += "&user=" + user;
    if (!port.empty()) uri += "&port=" + port;
    return uri;
  }

 private:
  std::string name_;
};

}  // namespace csp::testing
