#include "eventstore/postgres/connection.h"

#include <poll.h>

#include <algorithm>
#include <optional>
#include <utility>

namespace csp::eventstore::postgres {
namespace {

// Type oids of pg_type, fixed since PostgreSQL 7.
constexpr Oid int2_oid = 21;
constexpr Oid int4_oid = 23;
constexpr Oid int8_oid = 20;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

}  // namespace

Params& Params::add(std::string_view text) {
  texts_.emplace_back(text);
  is_null_.push_back(false);
  lengths_.push_back(static_cast<int>(text.size()));
  return *this;
}

Params& Params::add(std::int64_t value) { return add(std::string_view(std::to_string(value))); }

Params& Params::add_array(const std::vector<std::string_view>& texts) {
  std::string literal = "{";
  for (const std::string_view text : texts) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (const char c : text) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return add(std::string_view(literal));
}

Params& Params::add_array(const std::vector<std::int64_t>& values) {
  std::string literal = "{";
  for (const std::int64_t value : values) {
    if (literal.size() > 1) literal += ',';
    literal += std::to_string(value);
  }
  literal += '}';
  return add(std::string_view(literal));
}

Params& Params::add_null() {
  texts_.emplace_back();
  is_null_.push_back(true);
  lengths_.push_back(0);
  return *this;
}

const char* const* Params::values() const {
  values_.clear();
  for (std::size_t index = 0; index < texts_.size(); ++index) {
    values_.push_back(is_null_[index] ? nullptr : texts_[index].c_str());
  }
  return values_.data();
}

std::int64_t integer_at(const PGresult* result, int row, int column) {
  const char* value = PQgetvalue(result, row, column);
  const int length = PQgetlength(result, row, column);
  std::uint64_t number = 0;
  for (int index = 0; index < length; ++index) number = (number << 8) | static_cast<unsigned char>(value[index]);
  // Narrower integers are sign-extended from their own width.
  if (length > 0 && length < 8 && (static_cast<unsigned char>(value[0]) & 0x80) != 0) {
    number |= ~std::uint64_t{0} << (8 * length);
  }
  return static_cast<std::int64_t>(number);
}

std::string_view bytes_at(const PGresult* result, int row, int column) {
  return {PQgetvalue(result, row, column), static_cast<std::size_t>(PQgetlength(result, row, column))};
}

bool is_null_at(const PGresult* result, int row, int column) { return PQgetisnull(result, row, column) == 1; }

bool is_integer_column(const PGresult* result, int column) {
  const Oid type = PQftype(result, column);
  return type == int2_oid || type == int4_oid || type == int8_oid;
}

std::string sqlstate_of(const PGresult* result) {
  const char* state = result == nullptr ? nullptr : PQresultErrorField(result, PG_DIAG_SQLSTATE);
  return state == nullptr ? std::string() : std::string(state);
}

std::string describe_conninfo(const std::string& conninfo) {
  char* message = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &message);
  if (options == nullptr) {
    PQfreemem(message);
    return "a PostgreSQL server";
  }
  std::string host, port, dbname, user;
  for (const PQconninfoOption* option = options; option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const std::string_view keyword = option->keyword;
    if (keyword == "host") host = option->val;
    if (keyword == "port") port = option->val;
    if (keyword == "dbname") dbname = option->val;
    if (keyword == "user") user = option->val;
  }
  PQconninfoFree(options);
  std::string text = "PostgreSQL database " + (dbname.empty() ? std::string("(default)") : dbname);
  if (!host.empty()) text += " on " + host + (port.empty() ? "" : ":" + port);
  if (!user.empty()) text += " as " + user;
  return text;
}

Connection::~Connection() { PQfinish(conn_); }

Connection::Connection(Connection&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)), generation_(other.generation_), prepared_(std::move(other.prepared_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    PQfinish(conn_);
    conn_ = std::exchange(other.conn_, nullptr);
    generation_ = other.generation_;
    prepared_ = std::move(other.prepared_);
  }
  return *this;
}

StoreResult<Connection> Connection::open(const std::string& conninfo) {
  Connection connection(PQconnectdb(conninfo.c_str()));
  if (connection.conn_ == nullptr) {
    return StoreError{StoreError::Kind::io, "cannot connect to " + describe_conninfo(conninfo) + ": out of memory"};
  }
  if (PQstatus(connection.conn_) != CONNECTION_OK) {
    return StoreError{StoreError::Kind::io, "cannot connect to " + describe_conninfo(conninfo) + ": " +
                                                trimmed(PQerrorMessage(connection.conn_))};
  }
  // Notices (a table that did not exist for DROP IF EXISTS, say) are no
  // news to anyone reading our output.
  PQsetNoticeProcessor(connection.conn_, [](void*, const char*) {}, nullptr);
  return connection;
}

StoreStatus Connection::reconnect() {
  PQreset(conn_);
  prepared_.clear();
  ++generation_;
  if (PQstatus(conn_) != CONNECTION_OK) {
    return StoreError{StoreError::Kind::io, "the connection to PostgreSQL was lost and reconnecting failed: " +
                                                trimmed(PQerrorMessage(conn_))};
  }
  return StoreStatus::success();
}

bool Connection::is_lost_while_idle() {
  // Readable while idle: notifications, or the session's end, which comes
  // as a FATAL message and then the end of the stream, possibly in reads
  // of their own. Reading keeps the notifications for PQnotifies, and only
  // the end of the stream marks the connection broken.
  for (int reads = 0; reads < 4 && !is_broken(); ++reads) {
    pollfd socket{PQsocket(conn_), POLLIN, 0};
    if (::poll(&socket, 1, 0) <= 0) return false;
    (void)PQconsumeInput(conn_);
  }
  return is_broken();
}

bool Connection::is_in_transaction() const {
  const PGTransactionStatusType status = PQtransactionStatus(conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

StoreError Connection::error(std::string_view doing, const PGresult* result) const {
  const std::string detail = trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (is_broken()) {
    return StoreError{StoreError::Kind::io,
                      std::string(doing) + " failed: the connection to PostgreSQL was lost (" + detail +
                          "); nothing of the transaction was committed"};
  }
  return StoreError{StoreError::Kind::io, std::string(doing) + " failed: " + detail};
}

StoreResult<Result> Connection::checked(PGresult* raw, std::string_view doing) {
  Result result(raw);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  return error(doing, result.get());
}

StoreStatus Connection::exec(const std::string& sql, std::string_view doing) {
  // The simple-query protocol answers with one result per statement; the
  // first failure is what counts, and every result must be read.
  if (PQsendQuery(conn_, sql.c_str()) == 0) return error(doing);
  return first_failure_of_results(doing);
}

StoreStatus Connection::first_failure_of_results(std::string_view doing) {
  std::optional<StoreError> failure;
  while (PGresult* raw = PQgetResult(conn_)) {
    auto checked_result = checked(raw, doing);
    if (!checked_result && !failure) failure = checked_result.error();
  }
  if (failure) return *failure;
  return StoreStatus::success();
}

StoreResult<Result> Connection::query(const std::string& sql, const Params& params, std::string_view doing) {
  return checked(PQexecParams(conn_, sql.c_str(), params.count(), nullptr, params.values(), params.lengths(), nullptr, 1),
                 doing);
}

StoreStatus Connection::prepare_once(const std::string& name, const std::string& sql, std::string_view doing) {
  if (prepared_.contains(name)) return StoreStatus::success();
  auto prepared = checked(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr), doing);
  if (!prepared) return prepared.error();
  prepared_.insert(name);
  return StoreStatus::success();
}

StoreResult<Result> Connection::query_prepared(const std::string& name, const std::string& sql, const Params& params,
                                               std::string_view doing) {
  if (StoreStatus prepared = prepare_once(name, sql, doing); !prepared) return prepared.error();
  return checked(
      PQexecPrepared(conn_, name.c_str(), params.count(), params.values(), params.lengths(), nullptr, 1), doing);
}

StoreStatus Connection::run_pipelined(const std::vector<Queued>& statements, std::string_view doing) {
  for (const Queued& statement : statements) {
    if (StoreStatus prepared = prepare_once(statement.name, statement.sql, doing); !prepared) return prepared;
  }
  // A sync every so many statements bounds what waits unread on either
  // side of the socket: neither end blocks writing while the other does.
  constexpr std::size_t statements_per_sync = 256;
  std::optional<StoreError> failure;
  for (std::size_t first = 0; first < statements.size() && !failure; first += statements_per_sync) {
    const std::size_t end = std::min(statements.size(), first + statements_per_sync);
    if (PQenterPipelineMode(conn_) != 1) return error(doing);
    bool is_sent = true;
    for (std::size_t index = first; index < end && is_sent; ++index) {
      const Params& params = statements[index].params;
      is_sent = PQsendQueryPrepared(conn_, statements[index].name.c_str(), params.count(), params.values(),
                                    params.lengths(), nullptr, 1) == 1;
    }
    if (!is_sent || PQpipelineSync(conn_) != 1) {
      failure = error(doing);
      break;
    }
    // Each statement's result, then the end of its results (nullptr), and
    // last the sync; after a failure the rest come back aborted.
    while (true) {
      PGresult* raw = PQgetResult(conn_);
      if (raw == nullptr) {
        if (is_broken()) {
          if (!failure) failure = error(doing);
          break;
        }
        continue;
      }
      const ExecStatusType status = PQresultStatus(raw);
      if (status == PGRES_PIPELINE_SYNC) {
        PQclear(raw);
        break;
      }
      if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_PIPELINE_ABORTED && !failure) {
        failure = error(doing, raw);
      }
      PQclear(raw);
    }
    (void)PQexitPipelineMode(conn_);
  }
  if (failure) return *failure;
  return StoreStatus::success();
}

StoreStatus Connection::copy_in(const std::string& copy_sql, std::string_view data, std::string_view doing) {
  Result started(PQexec(conn_, copy_sql.c_str()));
  if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) return error(doing, started.get());
  // Sent in pieces: libpq buffers each piece whole before it writes.
  constexpr std::size_t piece_bytes = 256 * 1024;
  for (std::size_t offset = 0; offset < data.size(); offset += piece_bytes) {
    const std::size_t length = std::min(piece_bytes, data.size() - offset);
    if (PQputCopyData(conn_, data.data() + offset, static_cast<int>(length)) != 1) {
      (void)PQputCopyEnd(conn_, "sending failed");
      while (PGresult* raw = PQgetResult(conn_)) PQclear(raw);
      return error(doing);
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return error(doing);
  return first_failure_of_results(doing);
}

CopyWriter::CopyWriter() { clear(); }

void CopyWriter::clear() {
  buffer_.assign("PGCOPY\n\377\r\n\0", 11);
  put_u32(0);  // flags
  put_u32(0);  // header extension length
  rows_ = 0;
}

void CopyWriter::put_u32(std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) buffer_.push_back(static_cast<char>((value >> shift) & 0xFF));
}

void CopyWriter::begin_row(std::int16_t field_count) {
  const auto count = static_cast<std::uint16_t>(field_count);
  buffer_.push_back(static_cast<char>(count >> 8));
  buffer_.push_back(static_cast<char>(count & 0xFF));
  ++rows_;
}

void CopyWriter::integer(std::int64_t value) {
  put_u32(8);
  const auto bits = static_cast<std::uint64_t>(value);
  put_u32(static_cast<std::uint32_t>(bits >> 32));
  put_u32(static_cast<std::uint32_t>(bits));
}

void CopyWriter::integer4(std::int32_t value) {
  put_u32(4);
  put_u32(static_cast<std::uint32_t>(value));
}

void CopyWriter::bytes(std::string_view value) {
  put_u32(static_cast<std::uint32_t>(value.size()));
  buffer_.append(value);
}

void CopyWriter::null() { put_u32(0xFFFFFFFFu); }

std::string CopyWriter::finish() {
  buffer_.append("\xFF\xFF", 2);
  std::string stream = std::move(buffer_);
  clear();
  return stream;
}

}  // namespace csp::eventstore::postgres
