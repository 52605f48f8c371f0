#pragma once
// WAL checkpoints off the commit path: the writer's connection never
// checkpoints (a checkpoint inside a commit stalls every command waiting
// for it); this thread copies committed pages into the database file now
// and then on a connection of its own, passively, beside the writer.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <sqlite3.h>

#include "eventstore/store_error.h"

namespace csp::server {

class Checkpointer {
 public:
  // Opens its connection to `db_path`; the writer connection `writer` stops
  // checkpointing by itself.
  static eventstore::StoreResult<std::unique_ptr<Checkpointer>> start(const std::string& db_path, sqlite3* writer,
                                                                      std::chrono::milliseconds interval);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Ends the thread after one last checkpoint.
  void stop();

 private:
  Checkpointer(sqlite3* connection, std::chrono::milliseconds interval);
  void run();
  void checkpoint();

  sqlite3* connection_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable stopping_;
  bool is_stopping_ = false;
  std::thread thread_;
};

}  // namespace csp::server
