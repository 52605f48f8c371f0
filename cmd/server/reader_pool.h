#pragma once
// Threads that answer reads (/reports, /history, /audit, /events) off the connections'
// threads, each with its own store object (the store's threading rule).

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "eventstore/store.h"

namespace csp::server {

class ReaderPool {
 public:
  using Job = std::function<void(eventstore::EventStore& store)>;

  // Opens one store object per thread on the ledger at `db_path`.
  static eventstore::StoreResult<std::unique_ptr<ReaderPool>> open(const std::string& db_path, std::size_t threads);
  ~ReaderPool();
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Runs `job` on some reader thread. False when the queue is full or the
  // pool is stopping: answer 503.
  bool post(Job job);

  // Finishes the queued jobs, then ends the threads.
  void stop();

 private:
  explicit ReaderPool(std::vector<std::unique_ptr<eventstore::EventStore>> stores);
  void run(eventstore::EventStore& store);

  static constexpr std::size_t queued_jobs_max = 10'000;
  std::vector<std::unique_ptr<eventstore::EventStore>> stores_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Job> jobs_;
  bool is_stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace csp::server
