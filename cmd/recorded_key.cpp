#include "cmd/recorded_key.h"

#include "eventstore/sql_session.h"

namespace csp::cmd {

eventstore::StoreResult<std::optional<std::string>> recorded_key_id(eventstore::EventStore& store) {
  eventstore::sql::Session* session = eventstore::sql::session_of(store);
  if (session == nullptr) return std::optional<std::string>{};
  auto query = session->prepare("SELECT value FROM ledger_meta WHERE key = 'ledger_key_id'");
  if (!query) return std::move(query).error();
  auto row = (*query)->step("reading the ledger's key id");
  if (!row) return std::move(row).error();
  if (!*row) return std::optional<std::string>{};
  return std::optional<std::string>{std::string((*query)->text(0))};
}

eventstore::StoreStatus record_key_id(eventstore::EventStore& store, const std::string& id) {
  eventstore::sql::Session* session = eventstore::sql::session_of(store);
  if (session == nullptr) return eventstore::StoreStatus::success();
  auto insert = session->prepare("INSERT INTO ledger_meta(key, value) VALUES ('ledger_key_id', ?1)");
  if (!insert) return std::move(insert).error();
  (*insert)->bind(1, id);
  return (*insert)->run("recording the ledger's key id");
}

}  // namespace csp::cmd
