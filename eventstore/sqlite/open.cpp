// Creating and opening ledger files: the format checks of FORMAT.md happen
// here, before SQLite may touch the file.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "eventstore/sqlite/store_impl.h"

namespace csp::eventstore {
namespace {

using detail::Statements;
using sqlite::Connection;
using sqlite::Statement;

constexpr std::uint32_t application_id = 0x4353504C;  // "CSPL"
constexpr std::uint32_t format_version = 1;

constexpr const char* schema_sql = R"sql(
BEGIN;
CREATE TABLE ledger_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO ledger_meta VALUES ('format', 'csp-ledger'), ('format_version', '1'),
  ('head', '0 0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE names(name_key INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE streams(stream_key INTEGER PRIMARY KEY, stream_id TEXT NOT NULL UNIQUE);
CREATE TABLE events(position INTEGER PRIMARY KEY, stream_key INTEGER NOT NULL, stream_version INTEGER NOT NULL,
                    type_key INTEGER NOT NULL, schema_version INTEGER NOT NULL, command_id TEXT,
                    command_first INTEGER, actor_key INTEGER NOT NULL, role_key INTEGER NOT NULL,
                    business_time INTEGER NOT NULL, recorded_time INTEGER NOT NULL, payload BLOB NOT NULL,
                    hash BLOB NOT NULL);
CREATE UNIQUE INDEX events_by_stream ON events(stream_key, stream_version);
CREATE TABLE aliases(alias TEXT PRIMARY KEY, stream_key INTEGER NOT NULL) WITHOUT ROWID;
CREATE TRIGGER aliases_are_immutable BEFORE UPDATE ON aliases
  BEGIN SELECT RAISE(ABORT, 'aliases are immutable'); END;
CREATE TRIGGER aliases_are_never_deleted BEFORE DELETE ON aliases
  BEGIN SELECT RAISE(ABORT, 'aliases are never deleted'); END;
CREATE UNIQUE INDEX events_by_command ON events(command_id) WHERE command_id IS NOT NULL;
CREATE TRIGGER events_are_immutable BEFORE UPDATE ON events
  BEGIN SELECT RAISE(ABORT, 'events are immutable (L1): the log is append-only'); END;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
  BEGIN SELECT RAISE(ABORT, 'events are never deleted (L1): the log is append-only'); END;
PRAGMA application_id = 1129533516;
PRAGMA user_version = 1;
COMMIT;
)sql";

// Added to files of format version 1 when they are opened (FORMAT.md):
// files made before digests were kept gain the table, empty, and keep
// their version number, since a build without it reads them as before.
constexpr const char* command_digests_sql = R"sql(
BEGIN IMMEDIATE;
CREATE TABLE IF NOT EXISTS command_digests(position INTEGER PRIMARY KEY, digest BLOB NOT NULL);
CREATE TRIGGER IF NOT EXISTS command_digests_are_immutable BEFORE UPDATE ON command_digests
  BEGIN SELECT RAISE(ABORT, 'command digests are immutable'); END;
CREATE TRIGGER IF NOT EXISTS command_digests_are_never_deleted BEFORE DELETE ON command_digests
  BEGIN SELECT RAISE(ABORT, 'command digests are never deleted'); END;
COMMIT;
)sql";

StoreStatus add_command_digests(Connection& connection) {
  auto present = connection.query_integer(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'command_digests'", "looking for command digests");
  if (!present) return present.error();
  if (*present == 1) return StoreStatus::success();
  StoreStatus added = connection.exec(command_digests_sql, "adding the command digests table");
  if (!added) (void)connection.exec("ROLLBACK", "rolling back");
  return added;
}

std::uint32_t big_endian_u32(const char* bytes) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

// Reads the 100-byte SQLite header through the connection's own file
// handle, before SQLite reads anything itself, so a file that is not ours is
// refused unchanged. Not with a second handle of our own: closing any handle
// of a file drops every POSIX lock this process holds on it, other
// connections' too, and another process could then take itself for the
// last user of the ledger and delete the WAL under our feet.
StoreStatus check_header(sqlite3* db, const std::string& path) {
  sqlite3_file* file = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || file == nullptr ||
      file->pMethods == nullptr) {
    return StoreError{StoreError::Kind::io, "cannot read the header of " + path};
  }
  char header[100] = {};
  const int read = file->pMethods->xRead(file, header, sizeof header, 0);
  if (read != SQLITE_OK && read != SQLITE_IOERR_SHORT_READ) {
    return StoreError{StoreError::Kind::io, "cannot read the header of " + path + ": " + sqlite3_errstr(read)};
  }
  if (read != SQLITE_OK || std::memcmp(header, "SQLite format 3", 16) != 0) {
    return StoreError{StoreError::Kind::not_a_ledger,
                      path + " is not a csp-ledger file (it is not an SQLite database); it was left untouched"};
  }
  if (big_endian_u32(header + 68) != application_id) {
    return StoreError{StoreError::Kind::not_a_ledger,
                      path + " is an SQLite database but not a csp-ledger file; it was left untouched"};
  }
  const std::uint32_t version = big_endian_u32(header + 60);
  if (version > format_version) {
    return StoreError{StoreError::Kind::newer_format,
                      path + " has ledger format version " + std::to_string(version) +
                          "; this build reads version 1 only: use a newer csp-ledger. The file was left untouched"};
  }
  if (version != format_version) {
    return StoreError{StoreError::Kind::corrupt, path + " has no ledger format version: it is damaged"};
  }
  return StoreStatus::success();
}

StoreResult<Statements> prepare_statements(sqlite3* db) {
  Statements s;
  const std::string read_stream_sql = std::string("SELECT ") + detail::event_columns +
                                      "WHERE e.stream_key = ?1 AND e.stream_version >= ?2 ORDER BY e.stream_version";
  const std::pair<Statement*, const char*> all[] = {
      {&s.begin, "BEGIN IMMEDIATE"},
      {&s.commit, "COMMIT"},
      {&s.rollback, "ROLLBACK"},
      {&s.data_version, "PRAGMA data_version"},
      {&s.write_head, "UPDATE ledger_meta SET value = ?1 WHERE key = 'head'"},
      {&s.head, "SELECT position, hash FROM events ORDER BY position DESC LIMIT 1"},
      {&s.recorded_head, "SELECT value FROM ledger_meta WHERE key = 'head'"},
      {&s.find_command, "SELECT e.position, d.digest FROM events e LEFT JOIN command_digests d USING (position) "
                        "WHERE e.command_id = ?1"},
      {&s.digests_between,
       "SELECT position, digest FROM command_digests WHERE position BETWEEN ?1 AND ?2 ORDER BY position"},
      {&s.insert_digest, "INSERT INTO command_digests(position, digest) VALUES (?1, ?2)"},
      {&s.command_tail, "SELECT count(*) FROM events WHERE position > ?1 AND position <= ?1 + 1000 AND "
                        "command_first = ?1"},
      {&s.find_stream, "SELECT stream_key FROM streams WHERE stream_id = ?1"},
      {&s.insert_stream, "INSERT INTO streams(stream_id) VALUES (?1)"},
      {&s.stream_version, "SELECT coalesce(max(stream_version), 0) FROM events WHERE stream_key = ?1"},
      {&s.find_name, "SELECT name_key FROM names WHERE name = ?1"},
      {&s.insert_name, "INSERT INTO names(name) VALUES (?1)"},
      {&s.name_of, "SELECT name FROM names WHERE name_key = ?1"},
      {&s.insert_event,
       "INSERT INTO events(position, stream_key, stream_version, type_key, schema_version, command_id, "
       "command_first, actor_key, role_key, business_time, recorded_time, payload, hash) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"},
      {&s.read_stream, read_stream_sql.c_str()},
      {&s.find_alias, "SELECT s.stream_id FROM aliases a JOIN streams s USING (stream_key) WHERE a.alias = ?1"},
      {&s.insert_alias, "INSERT INTO aliases(alias, stream_key) VALUES (?1, ?2)"},
  };
  for (const auto& [statement, sql] : all) {
    auto prepared = Statement::prepare(db, sql);
    if (!prepared) return std::move(prepared).error();
    *statement = std::move(prepared).value();
  }
  return s;
}

StoreStatus configure(Connection& connection, const SqliteOptions& options) {
  sqlite3_busy_timeout(connection.handle(), static_cast<int>(options.busy_timeout.count()));
  // synchronous=FULL: a commit is acknowledged only once fsynced (durable).
  // temp_store=MEMORY keeps savepoint journals off the disk.
  return connection.exec("PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; "
                         "PRAGMA wal_autocheckpoint=16384;",
                         "configuring the connection");
}

// The ledger holds every customer's contacts and orders: only its owner
// may read it. The file is made here, empty, with mode 0600 whatever the
// umask (which can only take bits away, so the mode is set again after the
// open); SQLite takes an empty file for a new database and gives the -wal
// and -shm files it makes later the main file's mode. O_EXCL: a file that
// appeared since the caller looked is refused, not reused.
StoreStatus create_private_file(const std::string& path) {
  constexpr mode_t owner_only = S_IRUSR | S_IWUSR;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, owner_only);
  if (fd < 0) {
    const int failure = errno;
    if (failure == EEXIST) {
      return StoreError{StoreError::Kind::already_exists,
                        path + " already exists; give another --db path or open the existing ledger"};
    }
    return StoreError{StoreError::Kind::io, "cannot create " + path + ": " + std::strerror(failure)};
  }
  const bool is_private = ::fchmod(fd, owner_only) == 0;
  const int failure = errno;
  ::close(fd);
  if (!is_private) return StoreError{StoreError::Kind::io, "cannot make " + path + " private (mode 0600): " + std::strerror(failure)};
  return StoreStatus::success();
}

StoreStatus write_schema(const std::string& path) {
  auto connection = Connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!connection) return connection.error();
  if (StoreStatus wal = connection->exec("PRAGMA journal_mode=WAL;", "switching to WAL"); !wal) return wal;
  if (StoreStatus schema = connection->exec(schema_sql, "creating the ledger schema"); !schema) return schema;
  // Moves the header (application id, format version) into the main file,
  // where open() reads it without SQLite.
  return connection->exec("PRAGMA wal_checkpoint(TRUNCATE);", "checkpointing the new ledger");
}

}  // namespace

void remove_sqlite_store_files(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path + suffix, ignored);
}

StoreResult<std::unique_ptr<EventStore>> create_sqlite_store(const std::string& path, SqliteOptions options) {
  std::error_code error;
  if (std::filesystem::exists(path, error)) {
    return StoreError{StoreError::Kind::already_exists,
                      path + " already exists; give another --db path or open the existing ledger"};
  }
  if (StoreStatus created = create_private_file(path); !created) return created.error();
  if (StoreStatus written = write_schema(path); !written) {
    remove_sqlite_store_files(path);
    return written.error();
  }
  return open_sqlite_store(path, std::move(options));
}

StoreResult<std::unique_ptr<EventStore>> open_sqlite_store(const std::string& path, SqliteOptions options) {
  if (!options.clock_us) throw std::logic_error("SqliteOptions.clock_us is required");
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) {
    return StoreError{StoreError::Kind::not_found,
                      "no ledger at " + path + ": create one with `csp-ledger init`, or give --db"};
  }
  // SQLite opens the file here but reads nothing yet.
  auto connection = Connection::open(path, SQLITE_OPEN_READWRITE);
  if (!connection) return connection.error();
  if (StoreStatus header = check_header(connection->handle(), path); !header) return header.error();
  if (StoreStatus configured = configure(*connection, options); !configured) return configured.error();
  auto marker = connection->query_integer("SELECT count(*) FROM ledger_meta WHERE key = 'format' AND value = "
                                          "'csp-ledger'", "reading the ledger marker");
  if (!marker || *marker != 1) {
    return StoreError{StoreError::Kind::corrupt,
                      path + " is damaged: its ledger tables are missing or unreadable" +
                          (marker ? std::string() : " (" + marker.error().message + ")")};
  }
  if (StoreStatus digests = add_command_digests(*connection); !digests) return digests.error();
  auto statements = prepare_statements(connection->handle());
  if (!statements) {
    return StoreError{StoreError::Kind::corrupt, path + " is damaged: " + statements.error().message};
  }
  return std::unique_ptr<EventStore>(std::make_unique<detail::SqliteStore>(
      path, std::move(connection).value(), std::move(statements).value(), std::move(options)));
}

}  // namespace csp::eventstore
