#include "cmd/server/checkpointer.h"

#include <spdlog/spdlog.h>

#include "eventstore/sqlite_connection.h"

namespace csp::server {

eventstore::StoreResult<std::unique_ptr<Checkpointer>> Checkpointer::start(const std::string& db_path,
                                                                           std::chrono::milliseconds interval) {
  const auto failure = [&](sqlite3* db, const std::string& doing) {
    eventstore::StoreError error{eventstore::StoreError::Kind::io, doing + ": " + sqlite3_errmsg(db)};
    return error;
  };
  sqlite3* connection = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    eventstore::StoreError error = failure(connection, "opening a connection for checkpoints");
    sqlite3_close(connection);
    return error;
  }
  // A checkpoint syncs the WAL before it copies and the file after, as the
  // store's own connections do.
  if (sqlite3_exec(connection, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK) {
    eventstore::StoreError error = failure(connection, "configuring the checkpoint connection");
    sqlite3_close(connection);
    return error;
  }
  // Until it has read the file, a connection does not know it is in WAL
  // mode, and its checkpoints do nothing.
  if (sqlite3_exec(connection, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr) != SQLITE_OK) {
    eventstore::StoreError error = failure(connection, "reading the ledger for checkpoints");
    sqlite3_close(connection);
    return error;
  }
  return std::unique_ptr<Checkpointer>(new Checkpointer(connection, interval));
}

Checkpointer::Checkpointer(sqlite3* connection, std::chrono::milliseconds interval)
    : connection_(connection), interval_(interval) {
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  stop();
  sqlite3_close(connection_);
}

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
  const int code = sqlite3_wal_checkpoint_v2(connection_, "main", SQLITE_CHECKPOINT_PASSIVE, &wal_frames, &copied_frames);
  // SQLITE_BUSY: another checkpoint is running; the next pass goes on.
  const bool has_failed = code != SQLITE_OK && code != SQLITE_BUSY;
  // Said once when it starts failing and once when it works again, not
  // ten times a second.
  if (has_failed && !is_failing_) spdlog::warn("event=checkpoint_failed error=\"{}\"", sqlite3_errmsg(connection_));
  if (!has_failed && is_failing_) spdlog::info("event=checkpoint_recovered");
  is_failing_ = has_failed;
}

}  // namespace csp::server
