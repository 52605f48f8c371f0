#pragma once
// A new SQLite ledger built under a temporary name beside its final path
// and renamed into place once whole: a process killed half way leaves no
// file at the final path, only a temporary that the next build removes.

#include <string>

#include "eventstore/store_error.h"

namespace csp::cmd {

// `<target>.building-<pid>`: this process's temporary for `target`.
std::string staging_path_for(const std::string& target);

// Removes the temporaries of `target` whose process has ended (a killed
// build's), with their -wal and -shm; a live build's are left alone.
void remove_abandoned_staging(const std::string& target);

// Gives the closed, complete, checkpointed `staging` file the name `target`, which must
// not exist: already_exists (and `staging` left) when another process made
// it meanwhile, io when the system fails. The directory is synced, so the
// new name survives a power cut.
eventstore::StoreStatus publish_staged(const std::string& staging, const std::string& target);

}  // namespace csp::cmd
