#include "eventstore/backends.h"

#include "eventstore/postgres/store.h"
#include "eventstore/sqlite/store.h"

namespace csp::eventstore {

bool names_postgres(std::string_view db) {
  return db.starts_with("postgresql://") || db.starts_with("postgres://") ||
         (db.find('=') != std::string_view::npos && (db.starts_with("host=") || db.starts_with("dbname=") ||
                                                     db.starts_with("port=") || db.starts_with("user=")));
}

StoreResult<std::unique_ptr<EventStore>> create_store(const std::string& db, std::function<std::int64_t()> clock_us) {
  if (names_postgres(db)) return create_postgres_store(db, PostgresOptions{std::move(clock_us)});
  return create_sqlite_store(db, SqliteOptions{std::move(clock_us)});
}

StoreResult<std::unique_ptr<EventStore>> open_store(const std::string& db, std::function<std::int64_t()> clock_us) {
  if (names_postgres(db)) return open_postgres_store(db, PostgresOptions{std::move(clock_us)});
  return open_sqlite_store(db, SqliteOptions{std::move(clock_us)});
}

void remove_store(const std::string& db) {
  if (names_postgres(db)) {
    remove_postgres_store(db);
  } else {
    remove_sqlite_store_files(db);
  }
}

}  // namespace csp::eventstore
