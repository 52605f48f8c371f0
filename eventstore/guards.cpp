#include "eventstore/guards.h"

#include <span>

namespace csp::eventstore {
namespace {

struct Guard {
  const char* trigger;
  const char* table;
};

// SQLite needs one trigger per refused statement; PostgreSQL's refuse
// UPDATE, DELETE and TRUNCATE at once.
constexpr Guard sqlite_guards[] = {
    {"events_are_immutable", "events"},       {"events_are_never_deleted", "events"},
    {"aliases_are_immutable", "aliases"},     {"aliases_are_never_deleted", "aliases"},
    {"command_digests_are_immutable", "command_digests"}, {"command_digests_are_never_deleted", "command_digests"},
};
constexpr Guard postgres_guards[] = {
    {"events_are_immutable", "events"},
    {"aliases_are_immutable", "aliases"},
    {"command_digests_are_immutable", "command_digests"},
};

// A trigger of the right name that no longer refuses anything (recreated
// with an empty body, or disabled) is as good as none.
constexpr const char* sqlite_guard_sql =
    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1 AND tbl_name = ?2 "
    "AND sql LIKE '%RAISE(ABORT%'";
constexpr const char* postgres_guard_sql =
    "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_proc p ON p.oid = t.tgfoid "
    "WHERE t.tgname = ?1 AND c.relname = ?2 AND n.nspname = current_schema() AND t.tgenabled <> 'D' "
    "AND p.prosrc LIKE '%RAISE EXCEPTION%'";

}  // namespace

StoreResult<std::vector<MissingGuard>> missing_guards(sql::Session& session) {
  const bool is_sqlite = session.dialect() == sql::Dialect::sqlite;
  const std::span<const Guard> guards = is_sqlite ? std::span<const Guard>(sqlite_guards) : std::span<const Guard>(postgres_guards);
  auto query = session.prepare(is_sqlite ? sqlite_guard_sql : postgres_guard_sql);
  if (!query) return std::move(query).error();
  std::vector<MissingGuard> missing;
  for (const Guard& guard : guards) {
    sql::Statement& statement = (*query)->reset().bind(1, guard.trigger).bind(2, guard.table);
    auto row = statement.step("looking for the trigger " + std::string(guard.trigger));
    if (!row) return std::move(row).error();
    if (!*row || statement.integer(0) == 0) missing.push_back(MissingGuard{guard.trigger, guard.table});
  }
  return missing;
}

}  // namespace csp::eventstore
