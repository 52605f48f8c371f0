#pragma once
// WAL checkpoints mostly off the commit path. A checkpoint inside a commit
// stalls every command waiting for it; this thread copies committed pages
// into the database file every interval, on a connection of its own,
// beside the writer. Under steady load it never finds the WAL idle, so the
// WAL is only restarted by the writer's own checkpoint when it reaches its
// size limit: that one then finds nearly every page copied already.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <sqlite3.h>

#include "eventstore/sqlite/connection.h"
#include "eventstore/store_error.h"

namespace csp::server {

class Checkpointer {
 public:
  static eventstore::StoreResult<std::unique_ptr<Checkpointer>> start(const std::string& db_path,
                                                                      std::chrono::milliseconds interval);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Ends the thread after one last checkpoint.
  void stop();

 private:
  Checkpointer(eventstore::sqlite::Connection connection, std::chrono::milliseconds interval);
  void run();
  void checkpoint();

  eventstore::sqlite::Connection connection_;  // closed after the thread ends
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable stopping_;
  bool is_stopping_ = false;
  bool is_failing_ = false;  // only the checkpoint thread touches it
  std::thread thread_;
};

}  // namespace csp::server
