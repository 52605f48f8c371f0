// Creating and opening a ledger in PostgreSQL: the checks of FORMAT.md
// ("The PostgreSQL backend") happen here, before anything is written.

#include <stdexcept>

#include "eventstore/postgres/store_impl.h"

namespace csp::eventstore {
namespace {

using postgres::Connection;
using postgres::Params;

constexpr int format_version = 1;

// Triggers refuse every UPDATE, DELETE and TRUNCATE of events and aliases
// (L1), whoever asks; the server's role has no grant for them either.
constexpr const char* schema_sql = R"sql(
BEGIN;
CREATE TABLE ledger_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO ledger_meta VALUES ('format', 'csp-ledger'), ('format_version', '1');
CREATE TABLE ledger_head(id INTEGER PRIMARY KEY CHECK (id = 1), position BIGINT NOT NULL, hash BYTEA NOT NULL);
INSERT INTO ledger_head VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');
CREATE TABLE events(position BIGINT PRIMARY KEY, stream_id TEXT NOT NULL, stream_version BIGINT NOT NULL,
                    event_type TEXT NOT NULL, schema_version INTEGER NOT NULL, command_id TEXT NOT NULL,
                    command_first BIGINT, actor TEXT NOT NULL, role TEXT NOT NULL, business_time BIGINT NOT NULL,
                    recorded_time BIGINT NOT NULL, payload BYTEA NOT NULL, hash BYTEA NOT NULL,
                    UNIQUE (stream_id, stream_version));
CREATE UNIQUE INDEX events_by_command ON events(command_id) WHERE command_first IS NULL;
CREATE TABLE aliases(alias TEXT PRIMARY KEY, stream_id TEXT NOT NULL);
CREATE FUNCTION csp_ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rows of % are immutable (L1): the log is append-only', TG_TABLE_NAME;
END $$;
CREATE TRIGGER events_are_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION csp_ledger_refuse_change();
CREATE TRIGGER aliases_are_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON aliases
  FOR EACH STATEMENT EXECUTE FUNCTION csp_ledger_refuse_change();
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'csp_ledger_server')
     AND (SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    CREATE ROLE csp_ledger_server NOLOGIN;
  END IF;
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'csp_ledger_server') THEN
    GRANT USAGE, CREATE ON SCHEMA public TO csp_ledger_server;
    GRANT SELECT ON ledger_meta TO csp_ledger_server;
    GRANT SELECT, UPDATE ON ledger_head TO csp_ledger_server;
    GRANT SELECT, INSERT ON events, aliases TO csp_ledger_server;
  END IF;
END $$;
COMMIT;
)sql";

// Added to ledgers of format version 1 when they are opened (FORMAT.md):
// ledgers made before digests were kept gain the table, empty. The head
// lock makes nodes that open one at once add it once.
constexpr const char* command_digests_sql = R"sql(
BEGIN;
SELECT position FROM ledger_head WHERE id = 1 FOR UPDATE;
CREATE TABLE IF NOT EXISTS command_digests(position BIGINT PRIMARY KEY, digest BYTEA NOT NULL);
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_trigger WHERE tgname = 'command_digests_are_immutable'
                 AND tgrelid = 'command_digests'::regclass) THEN
    CREATE TRIGGER command_digests_are_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON command_digests
      FOR EACH STATEMENT EXECUTE FUNCTION csp_ledger_refuse_change();
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'csp_ledger_server') THEN
      GRANT SELECT, INSERT ON command_digests TO csp_ledger_server;
    END IF;
  END IF;
END $$;
COMMIT;
)sql";

constexpr const char* drop_sql =
    "DROP TABLE IF EXISTS events, aliases, command_digests, ledger_head, ledger_meta, read_model_checkpoint, "
    "rm_customers, rm_subscriptions, rm_links, rm_revocations, rm_refunds, rm_next_customers, rm_next_subscriptions, "
    "rm_next_links, rm_next_revocations, rm_next_refunds CASCADE; "
    "DROP FUNCTION IF EXISTS csp_ledger_refuse_change() CASCADE;";

// What the database the connection names holds, in its current schema.
struct Contents {
  bool has_ledger = false;
  std::int64_t other_tables = 0;
};

StoreResult<Contents> contents_of(Connection& connection) {
  auto tables = connection.query(
      "SELECT count(*) FILTER (WHERE tablename = 'ledger_meta'), count(*) FILTER (WHERE tablename NOT IN "
      "('ledger_meta', 'ledger_head', 'events', 'aliases', 'command_digests', 'read_model_checkpoint') "
      "AND tablename NOT LIKE 'rm\\_%') "
      "FROM pg_tables WHERE schemaname = current_schema()",
      Params(), "looking at the database's tables");
  if (!tables) return std::move(tables).error();
  return Contents{postgres::integer_at(tables->get(), 0, 0) == 1, postgres::integer_at(tables->get(), 0, 1)};
}

StoreStatus check_format(Connection& connection, const std::string& where) {
  auto meta = connection.query("SELECT key, value FROM ledger_meta WHERE key IN ('format', 'format_version')",
                               Params(), "reading the ledger marker");
  if (!meta) {
    return StoreError{StoreError::Kind::corrupt, where + " is damaged: " + meta.error().message};
  }
  std::string format, version;
  for (int row = 0; row < PQntuples(meta->get()); ++row) {
    const std::string key(postgres::bytes_at(meta->get(), row, 0));
    (key == "format" ? format : version) = std::string(postgres::bytes_at(meta->get(), row, 1));
  }
  if (format != "csp-ledger") {
    return StoreError{StoreError::Kind::not_a_ledger,
                      where + " has a ledger_meta table but is not a csp-ledger database; it was left untouched"};
  }
  if (version != std::to_string(format_version)) {
    bool is_newer = false;
    try {
      is_newer = std::stoi(version) > format_version;
    } catch (const std::exception&) {
      is_newer = false;
    }
    if (is_newer) {
      return StoreError{StoreError::Kind::newer_format,
                        where + " has ledger format version " + version +
                            "; this build reads version 1 only: use a newer csp-ledger. It was left untouched"};
    }
    return StoreError{StoreError::Kind::corrupt, where + " has no readable ledger format version: it is damaged"};
  }
  return StoreStatus::success();
}

StoreStatus add_command_digests(Connection& connection) {
  auto present = connection.query(
      "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'command_digests'", Params(),
      "looking for command digests");
  if (!present) return present.error();
  if (postgres::integer_at(present->get(), 0, 0) == 1) return StoreStatus::success();
  // The role that adds a table owns it and could drop its trigger: only
  // the owner of the ledger's other tables may add this one.
  auto owner = connection.query("SELECT count(*) FROM pg_class WHERE oid = 'events'::regclass AND pg_get_userbyid(relowner) = current_user",
                                Params(), "looking up the ledger's owner");
  if (!owner) return owner.error();
  if (postgres::integer_at(owner->get(), 0, 0) != 1) {
    return StoreError{StoreError::Kind::invalid_argument,
                      "the ledger was made before command digests were kept and needs their table: open it once as "
                      "the owner of its tables (the role that ran `csp-ledger init`), for example with `csp-ledger "
                      "audit verify`; it was left untouched"};
  }
  StoreStatus added = connection.exec(command_digests_sql, "adding the command digests table");
  if (!added) (void)connection.exec("ROLLBACK", "rolling back");
  return added;
}

}  // namespace

StoreResult<std::unique_ptr<EventStore>> create_postgres_store(const std::string& conninfo, PostgresOptions options) {
  const std::string where = postgres::describe_conninfo(conninfo);
  {
    auto connection = Connection::open(conninfo);
    if (!connection) return std::move(connection).error();
    auto contents = contents_of(*connection);
    if (!contents) return std::move(contents).error();
    if (contents->has_ledger) {
      return StoreError{StoreError::Kind::already_exists,
                        where + " already holds a ledger; give another --db or open the existing ledger"};
    }
    if (contents->other_tables > 0) {
      return StoreError{StoreError::Kind::not_a_ledger,
                        where + " holds " + std::to_string(contents->other_tables) +
                            " tables of another application; give an empty database. It was left untouched"};
    }
    // One transaction: a failure leaves the database as it was.
    if (StoreStatus written = connection->exec(schema_sql, "creating the ledger schema"); !written) {
      (void)connection->exec("ROLLBACK", "rolling back");
      return written.error();
    }
  }
  return open_postgres_store(conninfo, std::move(options));
}

StoreResult<std::unique_ptr<EventStore>> open_postgres_store(const std::string& conninfo, PostgresOptions options) {
  if (!options.clock_us) throw std::logic_error("PostgresOptions.clock_us is required");
  const std::string where = postgres::describe_conninfo(conninfo);
  auto connection = Connection::open(conninfo);
  if (!connection) return std::move(connection).error();
  auto contents = contents_of(*connection);
  if (!contents) return std::move(contents).error();
  if (!contents->has_ledger) {
    if (contents->other_tables > 0) {
      return StoreError{StoreError::Kind::not_a_ledger,
                        where + " is not a csp-ledger database (it holds other tables); it was left untouched"};
    }
    return StoreError{StoreError::Kind::not_found,
                      "no ledger in " + where + ": create one with `csp-ledger init`, or give --db"};
  }
  if (StoreStatus format = check_format(*connection, where); !format) return format.error();
  if (StoreStatus digests = add_command_digests(*connection); !digests) return digests.error();
  return std::unique_ptr<EventStore>(
      std::make_unique<detail::PostgresStore>(std::move(connection).value(), std::move(options)));
}

void remove_postgres_store(const std::string& conninfo) {
  auto connection = Connection::open(conninfo);
  if (!connection) return;
  (void)connection->exec(drop_sql, "removing the ledger's tables");
}

}  // namespace csp::eventstore
