#pragma once
// RAII over libpq: a connection, its results, parameters sent as text and
// results read in binary. Failures come back as StoreError with the
// server's own message attached; a lost connection is `io` and says so.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "eventstore/store_error.h"

namespace csp::eventstore::postgres {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Parameters of one statement, as text (nullopt values are NULL).
class Params {
 public:
  Params& add(std::string_view text);
  Params& add(std::int64_t value);
  Params& add_null();
  // A text[] or bigint[] parameter, as an array literal.
  Params& add_array(const std::vector<std::string_view>& texts);
  Params& add_array(const std::vector<std::int64_t>& values);

  int count() const { return static_cast<int>(values_.size()); }
  const char* const* values() const;
  const int* lengths() const { return lengths_.data(); }

 private:
  std::vector<std::string> texts_;
  std::vector<bool> is_null_;
  mutable std::vector<const char*> values_;
  std::vector<int> lengths_;
};

// Binary result fields.
std::int64_t integer_at(const PGresult* result, int row, int column);
std::string_view bytes_at(const PGresult* result, int row, int column);
bool is_null_at(const PGresult* result, int row, int column);
bool is_integer_column(const PGresult* result, int column);

class Connection {
 public:
  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // `conninfo` is a libpq connection string or a postgresql:// URI. The
  // message of a failure names the server (never the password).
  static StoreResult<Connection> open(const std::string& conninfo);

  PGconn* handle() const { return conn_; }
  bool is_broken() const { return conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD; }
  // Broken, or ended by the server while idle (a restart, an admin's
  // pg_terminate_backend): libpq learns of that only when it next reads,
  // so the socket is looked at without waiting. Only between transactions:
  // inside one, a lost session is a failure for the caller to see.
  bool is_lost_while_idle();
  // Reconnects a broken connection with the same parameters; statements
  // prepared before are gone (generation() changes).
  StoreStatus reconnect();
  // Changes every time the session on the server is a new one.
  std::uint64_t generation() const { return generation_; }
  bool is_in_transaction() const;

  // Simple-query protocol: several statements, no parameters, no rows.
  StoreStatus exec(const std::string& sql, std::string_view doing);
  // One statement with parameters; rows in binary.
  StoreResult<Result> query(const std::string& sql, const Params& params, std::string_view doing);
  // The same through a statement prepared once per session under `name`.
  StoreResult<Result> query_prepared(const std::string& name, const std::string& sql, const Params& params,
                                     std::string_view doing);
  // Statements that return no rows, sent one after another without waiting
  // for each answer (libpq's pipeline mode): one round trip for them all.
  // The first failure is returned; the statements after it did nothing.
  struct Queued {
    std::string name;  // prepared once per session under this name
    std::string sql;
    Params params;
  };
  StoreStatus run_pipelined(const std::vector<Queued>& statements, std::string_view doing);
  // COPY ... FROM STDIN (binary) of `data`, a whole binary COPY stream.
  StoreStatus copy_in(const std::string& copy_sql, std::string_view data, std::string_view doing);

  StoreError error(std::string_view doing, const PGresult* result = nullptr) const;

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  StoreResult<Result> checked(PGresult* raw, std::string_view doing);
  StoreStatus prepare_once(const std::string& name, const std::string& sql, std::string_view doing);
  // Reads every result of what was sent; the first failure counts.
  StoreStatus first_failure_of_results(std::string_view doing);

  PGconn* conn_ = nullptr;
  std::uint64_t generation_ = 1;
  std::unordered_set<std::string> prepared_;
};

// The address a connection string names, without its password: what
// messages show.
std::string describe_conninfo(const std::string& conninfo);

// SQLSTATE of a failed result ("" when there is none).
std::string sqlstate_of(const PGresult* result);

// Writes binary COPY rows: the header once, then fields per row.
class CopyWriter {
 public:
  CopyWriter();
  void begin_row(std::int16_t field_count);
  void integer(std::int64_t value);
  void integer4(std::int32_t value);
  void bytes(std::string_view value);
  void null();
  // The finished stream (with its trailer); the writer starts over empty.
  std::string finish();
  bool is_empty() const { return rows_ == 0; }
  void clear();

 private:
  void put_u32(std::uint32_t value);
  std::string buffer_;
  std::size_t rows_ = 0;
};

}  // namespace csp::eventstore::postgres
