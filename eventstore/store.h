#pragma once
// The event store: an append-only, hash-chained log of events grouped in
// streams. This interface is what every backend (SQLite, PostgreSQL) offers
// and what the conformance tests check.
//
// Threading: a store object and its batches are used by one thread at a
// time; open one store object per thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "eventstore/envelope.h"
#include "eventstore/store_error.h"
#include "eventstore/upcasting.h"

namespace csp::eventstore {

namespace sql {
class Session;
}

struct LogHead {
  std::int64_t position = 0;  // 0: the log is empty
  Hash hash = {};
};

struct CommandRecord {
  std::int64_t first_position = 0;
  std::int64_t event_count = 0;
  // Empty for a command recorded without one (before digests were kept).
  std::optional<Hash> digest = std::nullopt;
};

// A command digest with the position of the command's first event, where
// the store keeps it.
struct PositionedDigest {
  std::int64_t position = 0;
  Hash digest = {};
};

// One store transaction holding many commands: the command runner's and the
// server's batches. Each append is atomic on its own; nothing is durable
// until commit returns success. Destroying an uncommitted batch rolls back
// all of it.
class WriteBatch {
 public:
  explicit WriteBatch(const UpcasterRegistry* upcasters) : upcasters_(upcasters) {}
  virtual ~WriteBatch() = default;
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  // Appends one command's events, all or nothing. L3: a command id seen
  // before appends nothing and returns its first positions, unless both
  // appends carry a digest and they differ: then `command_differs`. L4: `conflict`
  // when a stream is not at its expected version; nothing of this request
  // is written and the batch stays usable. Any other failure (the disk, the
  // file) undoes the whole batch: later appends and commit fail too.
  virtual StoreResult<AppendOutcome> append(const AppendRequest& request) = 0;

  // Reads see this batch's own appends. Payloads come upcast.
  StoreResult<std::vector<StoredEvent>> read_stream(std::string_view stream_id, std::int64_t from_version = 1);
  StoreResult<std::vector<StoredEvent>> read_positions(std::int64_t first_position, std::int64_t count);
  virtual StoreResult<std::optional<CommandRecord>> find_command(std::string_view command_id) = 0;
  // The stream an alias names, if any.
  virtual StoreResult<std::optional<std::string>> resolve_alias(std::string_view alias) = 0;

  // What a batch's commands are about to look up, read in a few round
  // trips where each lookup would cost one (a database server); the
  // lookups below then answer from it. Only a hint: a store whose reads
  // are local ignores it, and anything not read ahead is read as usual.
  // Valid for this batch only, since it holds the write lock.
  struct StreamFrom {
    std::string stream_id;
    std::int64_t from_version = 1;
  };
  struct ReadAhead {
    std::vector<std::string> command_ids;
    std::vector<std::string> aliases;
    std::vector<StreamFrom> streams;
    bool is_empty() const { return command_ids.empty() && aliases.empty() && streams.empty(); }
  };
  virtual StoreStatus read_ahead(const ReadAhead& lookups) {
    (void)lookups;
    return StoreStatus::success();
  }
  // Whether read_ahead saves anything: false where a lookup is no round
  // trip (SQLite), so callers skip gathering the keys.
  virtual bool reads_ahead() const { return false; }

  // Loads one event exactly as another ledger stored it (position, stream
  // version, command id, both times, hash), for `import`. Refused unless it
  // is the next position, the next version of its stream, continues or
  // starts its command correctly, and its hash chains from the head. A
  // `command_digest` is recorded with the command the event starts, and
  // refused on any other event.
  virtual StoreStatus import_event(const StoredEvent& event, const std::vector<std::string>& aliases,
                                   const std::optional<Hash>& command_digest) = 0;

  // Durable when it returns success (synchronous=FULL for SQLite).
  virtual StoreStatus commit() = 0;

  // True when no other connection committed since this store object's
  // previous transaction, so states cached from it are still exact. A
  // backend that cannot tell says false.
  virtual bool is_log_unchanged_by_others() const = 0;

  // When others committed since this store object's previous transaction
  // and all they did was append: the positions they appended, so states
  // cached here can follow those events instead of being dropped. Empty
  // when nothing changed, or when the store cannot tell what did.
  struct AppendedByOthers {
    std::int64_t after_position = 0;  // the head this object last knew
    std::int64_t head_position = 0;
  };
  virtual std::optional<AppendedByOthers> appended_by_others() const { return std::nullopt; }

 protected:
  virtual StoreResult<std::vector<StoredEvent>> read_stream_stored(std::string_view stream_id,
                                                                   std::int64_t from_version) = 0;
  virtual StoreResult<std::vector<StoredEvent>> read_positions_stored(std::int64_t first_position,
                                                                      std::int64_t count) = 0;

 private:
  const UpcasterRegistry* upcasters_;
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Reads upcast payloads through this registry from now on; it must
  // outlive the store. Without one, payloads come as stored.
  void set_upcasters(const UpcasterRegistry* upcasters) { upcasters_ = upcasters; }

  // Takes the write lock (waiting for other writers) and starts a batch.
  virtual StoreResult<std::unique_ptr<WriteBatch>> begin_batch() = 0;
  // One command in its own durable transaction.
  StoreResult<AppendOutcome> append(const AppendRequest& request);

  // A stream's events from `from_version` on, in version order; empty when
  // the stream does not exist.
  StoreResult<std::vector<StoredEvent>> read_stream(std::string_view stream_id, std::int64_t from_version = 1);
  // Up to `count_max` events from `from_position` on, in position order.
  StoreResult<std::vector<StoredEvent>> read_all(std::int64_t from_position, std::size_t count_max);
  // Streams the log from `from_position` on, in position order, one event
  // at a time, until `visit` returns false. The event is reused between
  // calls: copy what must outlive the call.
  StoreStatus for_each(std::int64_t from_position, const std::function<bool(const StoredEvent&)>& visit);
  // The same, with payloads exactly as stored: what audits hash.
  virtual StoreStatus for_each_stored(std::int64_t from_position,
                                      const std::function<bool(const StoredEvent&)>& visit) = 0;

  virtual StoreResult<LogHead> head() = 0;
  virtual StoreResult<std::optional<CommandRecord>> find_command(std::string_view command_id) = 0;
  // The digests of the commands whose first event lies in [first_position,
  // last_position], both included, in position order: one read for a whole
  // range of the log, where find_command would cost one per command. Empty
  // when none is there (commands without an id, or recorded before digests
  // were kept). `corrupt` when a stored digest is not 32 bytes.
  virtual StoreResult<std::vector<PositionedDigest>> command_digests_between(std::int64_t first_position,
                                                                            std::int64_t last_position) = 0;
  // The stream an alias names, if any.
  virtual StoreResult<std::optional<std::string>> resolve_alias(std::string_view alias) = 0;
  // Every alias with the stream it names (empty when that stream is
  // missing), in alias order, until `visit` returns false: what an audit
  // compares with the aliases the events introduce.
  virtual StoreStatus for_each_alias(const std::function<bool(std::string_view alias, std::string_view stream_id)>& visit) = 0;
  // The head as the last commit recorded it, apart from the events
  // themselves: an audit compares it with the log to see events removed
  // from, or added to, the end.
  virtual StoreResult<LogHead> recorded_head() = 0;

  // Waits until the log holds an event after `after_position` or `timeout`
  // passes, and returns the head position. Sees appends from this process at
  // once and from other processes within a polling interval.
  virtual StoreResult<std::int64_t> wait_for_events(std::int64_t after_position,
                                                    std::chrono::milliseconds timeout) = 0;

  // The SQL connection under the store, through which the stored read
  // models commit in the store's own transactions (eventstore/sql_session.h);
  // nullptr for a store that keeps none. It belongs to the store.
  virtual sql::Session* sql_session() { return nullptr; }

 protected:
  virtual StoreResult<std::vector<StoredEvent>> read_stream_stored(std::string_view stream_id,
                                                                   std::int64_t from_version) = 0;
  const UpcasterRegistry* upcasters() const { return upcasters_; }

 private:
  const UpcasterRegistry* upcasters_ = nullptr;
};

// `count` events from `first_position` on, as stored, read with
// for_each_stored: what a batch's read_positions returns.
StoreResult<std::vector<StoredEvent>> read_positions_of(EventStore& store, std::int64_t first_position,
                                                        std::int64_t count);

}  // namespace csp::eventstore
