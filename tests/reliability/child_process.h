#pragma once
// csp-ledger as a child process that the campaign may SIGKILL at any
// moment, as a power cut or the OOM killer would end it.

#include <sys/types.h>

#include <string>
#include <vector>

namespace csp::reliability {

class ChildProcess {
 public:
  // Runs `args` (argv[0] first), its stdout written to `stdout_path` and
  // its stderr to `stderr_path`. Throws std::runtime_error when fork fails.
  ChildProcess(const std::vector<std::string>& args, const std::string& stdout_path, const std::string& stderr_path);
  // Kills and reaps a child still running, so none outlives the campaign.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // True when the child ended within `wait_ms`; its exit status is then
  // status().
  bool ends_within(int wait_ms);
  // SIGKILL unless it has ended already; true when the signal hit a child
  // still running.
  bool kill_now();
  // The shell's view of how it ended: the exit code, or 128 + the signal.
  int status() const { return status_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Runs `args` to the end and returns the shell's exit status; stdout goes
// to `stdout_path` ("" discards it), stderr is discarded.
int run_to_end(const std::vector<std::string>& args, const std::string& stdout_path = "");

}  // namespace csp::reliability
