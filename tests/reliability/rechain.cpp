#include "reliability/rechain.h"

#include <stdexcept>
#include <vector>

#include "eventstore/chain.h"
#include "eventstore/sqlite/store.h"

namespace csp::reliability {

void rewrite_and_rechain(LedgerFile& ledger, std::int64_t position) {
  std::vector<eventstore::StoredEvent> events;
  {
    auto store = eventstore::open_sqlite_store(ledger.path(), eventstore::SqliteOptions{[] { return std::int64_t{0}; }});
    if (!store) throw std::runtime_error("cannot open " + ledger.path() + ": " + store.error().message);
    const auto read = (*store)->for_each_stored(1, [&](const eventstore::StoredEvent& event) {
      events.push_back(event);
      return true;
    });
    if (!read) throw std::runtime_error("cannot read " + ledger.path() + ": " + read.error().message);
  }
  if (position < 1 || position > static_cast<std::int64_t>(events.size())) throw std::out_of_range("no such position");
  events[static_cast<std::size_t>(position - 1)].business_time_us += 1;
  eventstore::ChainHasher hasher;
  eventstore::Hash previous = position == 1 ? eventstore::genesis_hash : events[static_cast<std::size_t>(position - 2)].hash;
  ledger.behind_the_guards([&] {
    const std::string id = std::to_string(position);
    ledger.exec("UPDATE events SET business_time = business_time + 1 WHERE position = " + id);
    for (auto event = events.begin() + (position - 1); event != events.end(); ++event) {
      event->hash = hasher.next(previous, eventstore::chain_fields(*event));
      previous = event->hash;
      ledger.exec_with_blob("UPDATE events SET hash = ?1 WHERE position = " + std::to_string(event->position),
                            std::string(eventstore::hash_bytes(event->hash)));
    }
    ledger.exec("UPDATE ledger_meta SET value = '" + std::to_string(events.back().position) + " " +
                eventstore::hash_hex(previous) + "' WHERE key = 'head'");
  });
}

}  // namespace csp::reliability
