#include "cmd/server/event_page.h"

#include <algorithm>

#include "cmd/event_json.h"
#include "cmd/output.h"
#include "cmd/private_fields.h"

namespace csp::server {

eventstore::StoreResult<EventPage> read_event_page(eventstore::EventStore& store, std::int64_t from_position,
                                                   std::int64_t events_max, const std::string& reader) {
  auto is_private_shown = cmd::reads_private_fields(store, reader);
  if (!is_private_shown) return std::move(is_private_shown).error();
  EventPage page;
  page.next_position = from_position;
  std::optional<eventstore::StoreError> failure;
  // A range as long as the page: its digests come in one read.
  cmd::DigestCursor digests(store, std::clamp<std::int64_t>(events_max, 1, cmd::DigestCursor::range_positions_max));
  eventstore::StoreStatus read = store.for_each_stored(from_position, [&](const eventstore::StoredEvent& stored) {
    auto line = cmd::exported_event_json(digests, stored);
    if (!line) {
      failure = line.error();
      return false;
    }
    if (!*is_private_shown) cmd::withhold_private_fields(*line);
    page.lines += cmd::json_line(*line);
    page.lines += '\n';
    page.next_position = stored.position + 1;
    page.last_hash = stored.hash;
    return ++page.events < events_max;
  });
  if (!read) return read.error();
  if (failure) return *failure;
  return page;
}

}  // namespace csp::server
