#include "cmd/server/group_commit.h"

#include <spdlog/spdlog.h>

#include "cmd/hints.h"
#include "cmd/output.h"
#include "cmd/server/http_status.h"
#include "cmd/system.h"
#include "domain/text.h"

namespace csp::server {
namespace {

CommandAnswer refusal_answer(const domain::Error& error, const std::string& command_id) {
  return CommandAnswer{cmd::refusal_json(cmd::with_hint(error, cmd::FrontEnd::http, "")), http_status_of(error.code),
                       std::string(domain::code_name(error.code)),
                       command_id};
}

CommandAnswer failure_answer(const std::string& message, const std::string& command_id) {
  nlohmann::ordered_json body{{"ok", false},
                              {"error", {{"code", "store_failure"}, {"message", message + "; nothing of it was written: send it again"}}}};
  return CommandAnswer{std::move(body), 500, "store_failure", command_id};
}

// Longer than this, a batch is worth a line in the log: its commands
// waited that long on top of their queueing.
constexpr std::chrono::milliseconds slow_batch_threshold{50};

}  // namespace

GroupCommitWriter::GroupCommitWriter(cmd::OpenedLedger ledger, CommitFeed& feed, Metrics& metrics, GroupCommitLimits limits)
    : ledger_(std::move(ledger)), feed_(feed), metrics_(metrics), limits_(limits) {
  ledger_.ledger->set_read_model_flush_interval(limits_.read_model_flush_interval);
  ledger_.ledger->set_read_model_rows_waiting_max(limits_.read_model_rows_waiting_max);
  ledger_.ledger->set_cached_entries_max(limits_.cached_entries_max);
  head_position_ = feed_.head_position();
  thread_ = std::thread([this] { run(); });
}

GroupCommitWriter::~GroupCommitWriter() { stop(); }

bool GroupCommitWriter::submit(std::vector<SubmittedCommand> commands, AnswerCallback done) {
  {
    std::lock_guard lock(mutex_);
    if (is_stopping_ || queued_commands_ + commands.size() > limits_.queued_commands_max) return false;
    queued_commands_ += commands.size();
    queue_.push_back(Submission{std::move(commands), std::move(done), std::chrono::steady_clock::now()});
  }
  queued_.notify_one();
  return true;
}

void GroupCommitWriter::stop() {
  {
    std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  queued_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void GroupCommitWriter::run() {
  std::vector<Submission> batch;
  while (true) {
    take_batch(batch);
    if (!batch.empty()) {
      run_batch(batch);
      batch.clear();
      continue;
    }
    // Idle, or stopping: rows folded under load are written now rather
    // than left for the next command or the next start to catch up. A
    // failure costs nothing but that: the log holds every event.
    try {
      if (eventstore::StoreStatus written = ledger_.ledger->flush_read_models(); !written) {
        spdlog::warn("event=read_models_not_written error=\"{}\"", domain::printable(written.error().message));
      }
    } catch (const std::exception& fault) {
      ledger_.ledger->forget_cached_state();
      spdlog::error("event=read_models_not_written error=\"internal error: {}\"", fault.what());
    }
    std::lock_guard lock(mutex_);
    if (is_stopping_ && queue_.empty()) return;
  }
}

// Whole submissions, until the batch holds batch_commands_max commands (a
// larger single request still goes in one batch). Empty once stopping and
// drained, or when read-model rows fell due while nothing was queued.
void GroupCommitWriter::take_batch(std::vector<Submission>& batch) {
  std::unique_lock lock(mutex_);
  const auto has_work = [&] { return !queue_.empty() || is_stopping_; };
  if (const auto due = ledger_.ledger->read_models_due()) {
    queued_.wait_until(lock, *due, has_work);
  } else {
    queued_.wait(lock, has_work);
  }
  std::size_t commands = 0;
  while (!queue_.empty() && (batch.empty() || commands + queue_.front().commands.size() <= limits_.batch_commands_max)) {
    commands += queue_.front().commands.size();
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  queued_commands_ -= commands;
}

eventstore::StoreStatus GroupCommitWriter::read_ahead(const std::vector<Submission>& submissions,
                                                     eventstore::WriteBatch& batch) {
  std::vector<const cmd::Request*>& requests = requests_;
  requests.clear();
  for (const auto& submission : submissions) {
    for (const auto& command : submission.commands) {
      if (command.request) requests.push_back(&*command.request);
    }
  }
  return ledger_.ledger->read_ahead(requests, batch);
}

// The clock may step back; business time in one stream may not (L6).
domain::Timestamp GroupCommitWriter::business_time_now() {
  last_business_time_ = std::max(last_business_time_, cmd::now());
  return last_business_time_;
}

void GroupCommitWriter::run_batch(std::vector<Submission>& submissions) {
  // Kept from batch to batch: a batch-sized allocation each time costs the
  // writer more than it seems (glibc consolidates its free lists for it).
  std::vector<std::vector<CommandAnswer>>& answers = answers_;
  answers.clear();
  answers.resize(submissions.size());
  std::size_t executed = 0;
  std::optional<std::string> failure;
  std::int64_t head_position = head_position_;
  std::unique_ptr<eventstore::WriteBatch> batch;
  const auto batch_start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point begun_at = batch_start;
  try {
    for (std::size_t s = 0; s < submissions.size(); ++s) {
      for (auto& command : submissions[s].commands) {
        if (!command.request) {
          answers[s].push_back(refusal_answer(*command.refusal, command.command_id));
          continue;
        }
        if (failure) {
          answers[s].push_back(failure_answer(*failure, command.command_id));
          continue;
        }
        if (!batch) {
          auto begun = ledger_.ledger->begin_batch();
          if (!begun) {
            failure = begun.error().message;
            answers[s].push_back(failure_answer(*failure, command.command_id));
            continue;
          }
          batch = std::move(begun).value();
          if (eventstore::StoreStatus read = read_ahead(submissions, *batch); !read) {
            failure = read.error().message;
            answers[s].push_back(failure_answer(*failure, command.command_id));
            continue;
          }
          begun_at = std::chrono::steady_clock::now();
        }
        if (!command.has_business_time) command.request->meta.at = business_time_now();
        auto outcome = ledger_.ledger->execute(*command.request, *batch);
        if (!outcome) {
          failure = outcome.error().message;
          answers[s].push_back(failure_answer(*failure, command.command_id));
          continue;
        }
        ++executed;
        for (const auto position : outcome->positions) head_position = std::max(head_position, position);
        const unsigned status = outcome->refusal ? http_status_of(outcome->refusal->code) : 200;
        std::string code = outcome->refusal ? std::string(domain::code_name(outcome->refusal->code)) : "ok";
        answers[s].push_back(CommandAnswer{std::move(*outcome), status, std::move(code), command.command_id});
      }
    }
  } catch (const std::exception& fault) {
    // A bug, not a refusal: the transaction is dropped below and every
    // command of the batch, answered or not yet, fails with it; the server
    // stays up.
    failure = std::string("internal error: ") + fault.what();
    for (std::size_t s = 0; s < submissions.size(); ++s) {
      while (answers[s].size() < submissions[s].commands.size()) {
        answers[s].push_back(failure_answer(*failure, submissions[s].commands[answers[s].size()].command_id));
      }
    }
  }
  const auto commit_start = std::chrono::steady_clock::now();
  const auto rows_due = ledger_.ledger->read_models_due();
  const bool writes_rows = rows_due && *rows_due <= commit_start;
  if (batch && !failure) {
    if (eventstore::StoreStatus committed = ledger_.ledger->commit(*batch); !committed) failure = committed.error().message;
  }
  const double commit_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_start).count();
  if (failure) {
    batch.reset();
    ledger_.ledger->forget_cached_state();
    spdlog::error("event=batch_failed commands={} error=\"{}\"", executed, domain::printable(*failure));
    // Every command that ran in the rolled-back transaction is answered as failed.
    for (std::size_t s = 0; s < submissions.size(); ++s) {
      for (std::size_t c = 0; c < answers[s].size(); ++c) {
        if (submissions[s].commands[c].request) answers[s][c] = failure_answer(*failure, submissions[s].commands[c].command_id);
      }
    }
  } else if (head_position != head_position_) {
    head_position_ = head_position;
    metrics_.set_head_position(head_position_);
    feed_.publish(head_position_);
  }
  metrics_.record_batch(executed, commit_seconds);
  const auto batch_end = std::chrono::steady_clock::now();
  if (batch_end - batch_start > slow_batch_threshold) {
    const auto ms = [](auto from, auto to) { return std::chrono::duration<double, std::milli>(to - from).count(); };
    spdlog::warn("event=slow_batch commands={} begin_ms={:.1f} decide_ms={:.1f} commit_ms={:.1f} rows_written={}", executed,
                 ms(batch_start, begun_at), ms(begun_at, commit_start), ms(commit_start, batch_end), writes_rows);
  }
  answer(submissions, answers);
}

void GroupCommitWriter::answer(std::vector<Submission>& submissions, std::vector<std::vector<CommandAnswer>>& answers) {
  const auto now = std::chrono::steady_clock::now();
  std::vector<Metrics::CommandTally>& tallies = tallies_;
  tallies.clear();
  for (std::size_t s = 0; s < submissions.size(); ++s) {
    const double latency_seconds = std::chrono::duration<double>(now - submissions[s].received).count();
    for (std::size_t c = 0; c < answers[s].size(); ++c) {
      const auto& command = submissions[s].commands[c];
      const std::string_view name = command.request ? domain::command_name(command.request->command) : "unparsed";
      tallies.push_back(Metrics::CommandTally{name, answers[s][c].outcome, latency_seconds});
      if (answers[s][c].outcome == "store_failure") {
        spdlog::error("event=command_failed command_id={} error=store_failure", command.command_id.empty() ? "-" : domain::printable(command.command_id));
      }
    }
  }
  // Counted before anyone is answered: a client that reads /metrics after
  // its answer finds its command there.
  metrics_.record_commands(tallies);
  for (std::size_t s = 0; s < submissions.size(); ++s) submissions[s].done(std::move(answers[s]));
}

}  // namespace csp::server
