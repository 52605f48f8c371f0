#include "cmd/server/reader_pool.h"

#include "cmd/session.h"

namespace csp::server {

eventstore::StoreResult<std::unique_ptr<ReaderPool>> ReaderPool::open(const std::string& db_path, std::size_t threads) {
  std::vector<std::unique_ptr<eventstore::EventStore>> stores;
  for (std::size_t i = 0; i < threads; ++i) {
    // Readers never seal or show a product key: they need no key file.
    auto opened = cmd::open_ledger(db_path, false, cmd::KeyFile{});
    if (!opened) return std::move(opened).error();
    // The Ledger only set the store's upcasters; reads need nothing more.
    stores.push_back(std::move(opened->store));
  }
  return std::unique_ptr<ReaderPool>(new ReaderPool(std::move(stores)));
}

ReaderPool::ReaderPool(std::vector<std::unique_ptr<eventstore::EventStore>> stores) : stores_(std::move(stores)) {
  for (auto& store : stores_) threads_.emplace_back([this, &store] { run(*store); });
}

ReaderPool::~ReaderPool() { stop(); }

bool ReaderPool::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (is_stopping_ || jobs_.size() >= queued_jobs_max) return false;
    jobs_.push_back(std::move(job));
  }
  queued_.notify_one();
  return true;
}

void ReaderPool::stop() {
  {
    std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  queued_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void ReaderPool::run(eventstore::EventStore& store) {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [&] { return !jobs_.empty() || is_stopping_; });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job(store);
  }
}

}  // namespace csp::server
