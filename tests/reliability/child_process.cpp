#include "reliability/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace csp::reliability {
namespace {

int shell_status(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

void redirect(int target, const std::string& path) {
  const int fd = open(path.empty() ? "/dev/null" : path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd >= 0) dup2(fd, target);
}

}  // namespace

ChildProcess::ChildProcess(const std::vector<std::string>& args, const std::string& stdout_path,
                           const std::string& stderr_path) {
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    redirect(STDOUT_FILENO, stdout_path);
    redirect(STDERR_FILENO, stderr_path);
    std::vector<std::string> copies = args;
    std::vector<char*> argv;
    for (auto& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
}

ChildProcess::~ChildProcess() { (void)kill_now(); }

bool ChildProcess::ends_within(int wait_ms) {
  if (pid_ < 0) return true;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
  // Polling keeps the kill's moment within a fraction of a millisecond of
  // the one drawn, with no signal handler in the campaign.
  while (true) {
    int wait_status = 0;
    if (waitpid(pid_, &wait_status, WNOHANG) == pid_) {
      status_ = shell_status(wait_status);
      pid_ = -1;
      return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

bool ChildProcess::kill_now() {
  if (pid_ < 0) return false;
  kill(pid_, SIGKILL);
  int wait_status = 0;
  waitpid(pid_, &wait_status, 0);
  pid_ = -1;
  status_ = shell_status(wait_status);
  // A child that had exited on its own before the signal keeps its status.
  return status_ == 128 + SIGKILL;
}

int run_to_end(const std::vector<std::string>& args, const std::string& stdout_path) {
  ChildProcess child(args, stdout_path, "");
  // An hour bounds the wait: no step of a campaign comes near it.
  if (!child.ends_within(3'600'000)) (void)child.kill_now();
  return child.status();
}

}  // namespace csp::reliability
