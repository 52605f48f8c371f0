#pragma once
// Group commit: one writer thread owns the write store object and the
// Ledger (its state cache stays warm). Connections queue commands; the
// writer runs everything queued in one store transaction and answers each
// command only once that transaction is durable.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/server/command_body.h"
#include "cmd/server/commit_feed.h"
#include "cmd/server/metrics.h"
#include "cmd/session.h"

namespace csp::server {

struct CommandAnswer {
  // The `run` result (or a refusal) as an Outcome, turned into JSON on the
  // connection's thread rather than the writer's; a ready body otherwise.
  std::variant<cmd::Outcome, nlohmann::ordered_json> body;
  unsigned http_status = 200;
  std::string outcome;  // "ok", the refusal code, or "store_failure"
  std::string command_id;
};

using AnswerCallback = std::function<void(std::vector<CommandAnswer>)>;

struct GroupCommitLimits {
  std::size_t batch_commands_max = 1000;  // commands per store transaction
  std::size_t queued_commands_max = 100'000;
  // Hot read-model rows are written at most this often: with the
  // commands of a busy period, or alone once nothing is queued.
  std::chrono::milliseconds read_model_flush_interval{1000};
  // ... or sooner, once this many rows wait (Ledger::set_read_model_rows_waiting_max).
  std::size_t read_model_rows_waiting_max = 1000;
  std::size_t cached_entries_max = cmd::Ledger::cached_entries_max_default;  // Ledger::set_cached_entries_max
};

class GroupCommitWriter {
 public:
  GroupCommitWriter(cmd::OpenedLedger ledger, CommitFeed& feed, Metrics& metrics, GroupCommitLimits limits);
  ~GroupCommitWriter();
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  // Queues the commands of one request; `done` runs on the writer thread
  // with one answer per command, in order, after their batch committed or
  // failed. False, with nothing queued, when the queue is full or the
  // writer is stopping: answer 503.
  bool submit(std::vector<SubmittedCommand> commands, AnswerCallback done);

  // Runs and answers everything already queued, then ends the thread.
  void stop();

 private:
  struct Submission {
    std::vector<SubmittedCommand> commands;
    AnswerCallback done;
    std::chrono::steady_clock::time_point received;
  };

  void run();
  void run_batch(std::vector<Submission>& submissions);
  // Fills `batch`, which keeps its capacity from batch to batch.
  void take_batch(std::vector<Submission>& batch);
  // What the batch's commands will look up, in a few round trips.
  eventstore::StoreStatus read_ahead(const std::vector<Submission>& submissions, eventstore::WriteBatch& batch);
  domain::Timestamp business_time_now();
  void answer(std::vector<Submission>& submissions, std::vector<std::vector<CommandAnswer>>& answers);

  cmd::OpenedLedger ledger_;
  CommitFeed& feed_;
  Metrics& metrics_;
  GroupCommitLimits limits_;
  std::vector<std::vector<CommandAnswer>> answers_;
  std::vector<Metrics::CommandTally> tallies_;
  std::vector<const cmd::Request*> requests_;
  std::int64_t head_position_ = 0;
  domain::Timestamp last_business_time_;

  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Submission> queue_;
  std::size_t queued_commands_ = 0;
  bool is_stopping_ = false;
  std::thread thread_;
};

}  // namespace csp::server
