#include "cmd/server/checkpointer.h"

#include <spdlog/spdlog.h>

#include "eventstore/sqlite/connection.h"

namespace csp::server {

eventstore::StoreResult<std::unique_ptr<Checkpointer>> Checkpointer::start(const std::string& db_path,
                                                                           std::chrono::milliseconds interval) {
  auto connection = eventstore::sqlite::Connection::open(db_path, SQLITE_OPEN_READWRITE);
  if (!connection) return std::move(connection).error();
  // A checkpoint syncs the WAL before it copies and the file after, as the
  // store's own connections do. And until it has read the file, a
  // connection does not know it is in WAL mode: its checkpoints do nothing.
  if (eventstore::StoreStatus ready = connection->exec("PRAGMA synchronous=FULL; SELECT count(*) FROM sqlite_schema",
                                                       "preparing the connection for checkpoints");
      !ready) {
    return ready.error();
  }
  return std::unique_ptr<Checkpointer>(new Checkpointer(std::move(connection).value(), interval));
}

Checkpointer::Checkpointer(eventstore::sqlite::Connection connection, std::chrono::milliseconds interval)
    : connection_(std::move(connection)), interval_(interval) {
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() { stop(); }

void Checkpointer::stop() {
  {
    std::lock_guard lock(mutex_);
    is_stopping_ = true;
  }
  stopping_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_.wait_for(lock, interval_, [&] { return is_stopping_; })) {
    lock.unlock();
    checkpoint();
    lock.lock();
  }
  lock.unlock();
  checkpoint();
}

void Checkpointer::checkpoint() {
  int wal_frames = 0;
  int copied_frames = 0;
  const int code = sqlite3_wal_checkpoint_v2(connection_.handle(), "main", SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied_frames);
  // SQLITE_BUSY: another checkpoint is running; the next pass goes on.
  const bool has_failed = code != SQLITE_OK && code != SQLITE_BUSY;
  // Said once when it starts failing and once when it works again, not
  // ten times a second.
  if (has_failed && !is_failing_) spdlog::warn("event=checkpoint_failed error=\"{}\"", sqlite3_errmsg(connection_.handle()));
  if (!has_failed && is_failing_) spdlog::info("event=checkpoint_recovered");
  is_failing_ = has_failed;
}

}  // namespace csp::server
