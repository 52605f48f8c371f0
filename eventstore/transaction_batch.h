#pragma once
// Private to the backends: the WriteBatch both hand out, a thin handle on
// the write transaction their store object holds. `Store` offers the
// *_in_transaction calls, commit_transaction and rollback_transaction.

#include <cstddef>
#include <stdexcept>

#include "eventstore/store.h"

namespace csp::eventstore::detail {

// What a backend caches of the streams it wrote (keys, versions) would
// otherwise grow with every stream a long run touches. Past this many a
// new batch starts them over: refilling costs one indexed lookup per
// stream the batch names, where the writer's own bounded caches
// (cmd/state_cache.h) keep their hot entries since a state costs a fold.
inline constexpr std::size_t cached_streams_max = 100'000;

template <class Store>
class TransactionBatch final : public WriteBatch {
 public:
  TransactionBatch(Store& store, const UpcasterRegistry* upcasters) : WriteBatch(upcasters), store_(store) {}
  ~TransactionBatch() override {
    if (!is_finished_) store_.rollback_transaction();
  }

  StoreResult<AppendOutcome> append(const AppendRequest& request) override {
    if (is_finished_) throw std::logic_error("append on a finished batch");
    return store_.append_in_transaction(request);
  }
  StoreResult<std::optional<CommandRecord>> find_command(std::string_view command_id) override {
    return store_.find_command(command_id);
  }
  StoreResult<std::optional<std::string>> resolve_alias(std::string_view alias) override {
    return store_.resolve_alias(alias);
  }
  bool reads_ahead() const override {
    return requires(const ReadAhead& lookups) { store_.read_ahead_in_transaction(lookups); };
  }
  StoreStatus read_ahead(const ReadAhead& lookups) override {
    if constexpr (requires { store_.read_ahead_in_transaction(lookups); }) {
      return store_.read_ahead_in_transaction(lookups);
    } else {
      return WriteBatch::read_ahead(lookups);
    }
  }
  StoreStatus import_event(const StoredEvent& event, const std::vector<std::string>& aliases,
                           const std::optional<Hash>& command_digest) override {
    if (is_finished_) throw std::logic_error("import on a finished batch");
    return store_.import_in_transaction(event, aliases, command_digest);
  }
  StoreStatus commit() override {
    if (is_finished_) throw std::logic_error("commit on a finished batch");
    is_finished_ = true;
    return store_.commit_transaction();
  }
  bool is_log_unchanged_by_others() const override { return store_.is_log_unchanged_by_others(); }
  std::optional<AppendedByOthers> appended_by_others() const override { return store_.appended_by_others(); }

 protected:
  StoreResult<std::vector<StoredEvent>> read_stream_stored(std::string_view stream_id,
                                                           std::int64_t from_version) override {
    return store_.read_stream_stored(stream_id, from_version);
  }
  StoreResult<std::vector<StoredEvent>> read_positions_stored(std::int64_t first_position,
                                                              std::int64_t count) override {
    return read_positions_of(store_, first_position, count);
  }

 private:
  Store& store_;
  bool is_finished_ = false;
};

}  // namespace csp::eventstore::detail
