#pragma once
// The one command handler, shared by the flags path, `run` and the server:
// load the aggregate's state, decide, append with the expected version, and
// retry a bounded number of times on a concurrency conflict (L4).

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/ledger_key.h"
#include "cmd/remembered_aliases.h"
#include "cmd/state_cache.h"
#include "domain/catalogue.h"
#include "domain/commands.h"
#include "domain/event_codec.h"
#include "domain/policy.h"
#include "eventstore/store.h"
#include "projections/stored_events.h"
#include "projections/stored_read_models.h"

namespace csp::cmd {

struct Request {
  domain::Command command;
  domain::CommandMeta meta;
  // Set with an id (cmd/command_digest.h): recorded with it, and compared
  // when the id comes again (L3).
  std::optional<eventstore::Hash> digest = std::nullopt;
};

struct Outcome {
  std::string command_name;
  std::optional<domain::Error> refusal;  // empty: the command succeeded
  nlohmann::ordered_json result = nlohmann::ordered_json::object();
  std::vector<std::int64_t> positions;   // what it appended (a refused download too: L5)
  bool is_replay = false;                // L3: the id was seen; this is the first result again
};

class Ledger {
 public:
  Ledger(eventstore::EventStore& store, domain::Catalogue catalogue, domain::Policy policy);

  // Starts a store transaction for execute(); commands run in it see each
  // other's appends. Finish it with commit(): a batch dropped without it
  // rolls back, and the next one forgets what was cached from it.
  eventstore::StoreResult<std::unique_ptr<eventstore::WriteBatch>> begin_batch();
  eventstore::StoreStatus commit(eventstore::WriteBatch& batch);

  // Runs one command inside `batch`, which must come from begin_batch(). A
  // StoreError means the store failed (disk, corruption), not that the
  // command was refused.
  eventstore::StoreResult<Outcome> execute(const Request& request, eventstore::WriteBatch& batch);

  // Reads ahead, in a few round trips, what deciding `requests` in
  // `batch` will look up and the caches here do not hold
  // (WriteBatch::read_ahead). Call it before executing them; a failure is
  // the store's, as in execute().
  eventstore::StoreStatus read_ahead(const std::vector<const Request*>& requests, eventstore::WriteBatch& batch);

  // After a batch was rolled back, cached states, aliases and read-model
  // rows may hold what it wrote.
  void forget_cached_state();

  // How long folded read-model rows may wait in memory before a commit
  // writes them. Zero (the default): every commit writes them. Longer, a
  // busy writer rewrites a hot row once per interval instead of once per
  // transaction; the rows' checkpoint says what they hold, so reports fold
  // the rest from the log and a crash only leaves them to catch up.
  void set_read_model_flush_interval(std::chrono::milliseconds interval) { flush_interval_ = interval; }
  // Rows that change once each (a purchase's new subscription) do not
  // gather: past this many waiting, the next commit writes them, so no
  // commit writes an interval's worth at once and their memory is bounded.
  void set_read_model_rows_waiting_max(std::size_t rows) { rows_waiting_max_ = rows; }
  // How many stream states, aliases and read-model rows of each table stay
  // in memory between commands; past it the least recently used are
  // dropped and read again from the store when next needed.
  static constexpr std::size_t cached_entries_max_default = StateCache::streams_max_default;
  void set_cached_entries_max(std::size_t entries);
  // When rows folded but not yet written are due; empty when none wait.
  std::optional<std::chrono::steady_clock::time_point> read_models_due() const;
  // Writes waiting rows and their checkpoint now, in a transaction of its
  // own; no batch may be open. When another process wrote meanwhile it
  // drops them instead, for the next batch to catch up.
  eventstore::StoreStatus flush_read_models();

  // Product keys are sealed with this before they are appended, and opened
  // for results; without a key file a link issue is refused, saying why.
  void set_key_access(KeyAccess keys) { keys_ = std::move(keys); }
  const KeyAccess& key_access() const { return keys_; }

  const domain::Catalogue& catalogue() const { return catalogue_; }
  eventstore::EventStore& store() { return store_; }

 private:
  eventstore::StoreResult<Outcome> replay(const Request& request, const eventstore::CommandRecord& record,
                                          eventstore::WriteBatch& batch);
  eventstore::StoreResult<Outcome> attempt(const Request& request, eventstore::WriteBatch& batch, bool& is_conflict);
  void forget_states();
  eventstore::StoreStatus project(const std::vector<std::vector<domain::Event>>& events_by_write,
                                  const std::vector<std::int64_t>& positions);
  eventstore::StoreStatus commit(eventstore::WriteBatch& batch, bool writes_rows_now);
  void forget_read_models();
  void forget_what_others_changed();
  // Brings cached states and rows up to the head by the events other
  // writers appended, when the store can tell which; false when they must
  // be dropped instead.
  eventstore::StoreResult<bool> follow_others(eventstore::WriteBatch& batch);

  eventstore::EventStore& store_;
  domain::Catalogue catalogue_;
  domain::Policy policy_;
  StateCache cache_;
  bool is_batch_uncommitted_ = false;
  domain::PayloadEncoder encoder_;
  KeyAccess keys_;
  RememberedAliases aliases_;
  // Inline projection: the stored read models change in the same
  // transaction as the events (absent for a store without them).
  std::unique_ptr<projections::StoredReadModels> read_models_;
  bool are_read_models_current_ = false;
  // The last position folded into rows not yet written; 0: none wait.
  std::int64_t unwritten_position_ = 0;
  std::chrono::milliseconds flush_interval_{0};
  std::size_t rows_waiting_max_ = 1000;
  // When a batch last found the log moved by another writer.
  std::optional<std::chrono::steady_clock::time_point> other_writer_seen_at_;
  static constexpr std::chrono::seconds other_writer_window{10};
  // Past this many events of others, dropping the caches is cheaper.
  static constexpr std::int64_t others_events_followed_max = 10'000;
  bool has_begun_a_batch_ = false;
  std::chrono::steady_clock::time_point rows_written_at_ = std::chrono::steady_clock::now();
};

// Stream aliases the handler registers: how an order, a link or a domain
// name finds its stream.
std::string order_alias(const domain::OrderId& order);
std::string link_alias(const domain::LinkId& link);
std::string domain_alias(const domain::DomainName& domain);
// The aliases the handler registers with the command that records `event`,
// in the event's own stream.
std::vector<std::string> aliases_introduced_by(const domain::Event& event);

}  // namespace csp::cmd
