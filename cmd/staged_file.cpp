#include "cmd/staged_file.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace csp::cmd {
namespace {

const std::string staging_infix = ".building-";

std::filesystem::path directory_of(const std::string& target) {
  const std::filesystem::path parent = std::filesystem::path(target).parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

// The process id a temporary's name ends with; 0 for any other name.
pid_t builder_of(const std::string& name, const std::string& prefix) {
  if (name.rfind(prefix, 0) != 0) return 0;
  std::string digits = name.substr(prefix.size());
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    if (digits.ends_with(suffix)) digits.resize(digits.size() - std::strlen(suffix));
  }
  if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return 0;
  return static_cast<pid_t>(std::stol(digits));
}

}  // namespace

std::string staging_path_for(const std::string& target) { return target + staging_infix + std::to_string(getpid()); }

void remove_abandoned_staging(const std::string& target) {
  const std::string prefix = std::filesystem::path(target).filename().string() + staging_infix;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory_of(target), error)) {
    const pid_t builder = builder_of(entry.path().filename().string(), prefix);
    // kill(pid, 0) reaches a live process (or one of another user's, which
    // is alive too); only an ended builder's files are abandoned.
    if (builder > 0 && builder != getpid() && kill(builder, 0) != 0 && errno == ESRCH) {
      std::filesystem::remove(entry.path(), error);
    }
  }
}

eventstore::StoreStatus publish_staged(const std::string& staging, const std::string& target) {
  using eventstore::StoreError;
  // A WAL still beside it would hold commits the renamed file lacks.
  std::error_code missing;
  if (std::filesystem::file_size(staging + "-wal", missing) > 0 && !missing) {
    return StoreError{StoreError::Kind::io, staging + "-wal still holds commits; the import was not put in place"};
  }
  // link() fails when the target exists, where rename() would replace a
  // ledger another process made meanwhile.
  if (link(staging.c_str(), target.c_str()) != 0) {
    if (errno == EEXIST) {
      return StoreError{StoreError::Kind::already_exists,
                        target + " appeared while the import ran; the import was not put in its place"};
    }
    return StoreError{StoreError::Kind::io, "cannot name the imported ledger " + target + ": " + std::strerror(errno)};
  }
  std::error_code ignored;
  for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(staging + suffix, ignored);
  if (unlink(staging.c_str()) != 0) {
    return StoreError{StoreError::Kind::io, "cannot remove the temporary " + staging + ": " + std::strerror(errno)};
  }
  const int directory = open(directory_of(target).c_str(), O_RDONLY | O_DIRECTORY);
  const bool is_synced = directory >= 0 && fsync(directory) == 0;
  if (directory >= 0) close(directory);
  if (!is_synced) {
    return StoreError{StoreError::Kind::io, "cannot sync the folder of " + target + ": " + std::strerror(errno)};
  }
  return eventstore::StoreStatus::success();
}

}  // namespace csp::cmd
