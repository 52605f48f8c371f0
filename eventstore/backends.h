#pragma once
// Where a ledger lives, chosen by the text of `--db`: a postgresql:// (or
// postgres://) URI or a libpq "key=value" string names a PostgreSQL
// database; anything else is the path of an SQLite file.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "eventstore/store.h"

namespace csp::eventstore {

bool names_postgres(std::string_view db);

StoreResult<std::unique_ptr<EventStore>> create_store(const std::string& db, std::function<std::int64_t()> clock_us);
StoreResult<std::unique_ptr<EventStore>> open_store(const std::string& db, std::function<std::int64_t()> clock_us);
// Removes what a failed create or import left; what is not there is no error.
void remove_store(const std::string& db);

}  // namespace csp::eventstore
