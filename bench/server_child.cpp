#include "bench/server_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace csp::bench {
namespace {

constexpr int start_wait_ms = 10'000;

// As a shell says it: 128 + the signal that ended it.
int shell_status(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
}

}  // namespace

ServerChild::ServerChild(const std::vector<std::string>& args, const std::string& log_path) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(log, STDERR_FILENO);
    close(out[0]);
    std::vector<std::string> copies = args;
    std::vector<char*> argv;
    for (auto& arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c = 0;
  pollfd waiting{out[0], POLLIN, 0};
  while (line.find('\n') == std::string::npos) {
    if (poll(&waiting, 1, start_wait_ms) <= 0 || read(out[0], &c, 1) != 1) {
      close(out[0]);
      stop();
      throw std::runtime_error("csp-ledgerd did not start; its log: " + log_path);
    }
    line += c;
  }
  close(out[0]);
  port_ = static_cast<unsigned short>(std::stoi(line.substr(line.rfind(':') + 1)));
}

double ServerChild::cpu_seconds() const {
  std::ifstream stat("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  // The command name in parentheses may hold spaces; the fields after it
  // are plain: state is the 3rd field, utime and stime the 14th and 15th.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  long long utime = 0;
  long long stime = 0;
  for (int number = 3; number <= 15 && fields >> field; ++number) {
    if (number == 14) utime = std::stoll(field);
    if (number == 15) stime = std::stoll(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

bool ServerChild::is_running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return true;
  pid_ = -1;
  ended_status_ = shell_status(status);
  return false;
}

ServerChild::~ServerChild() {
  if (pid_ > 0) stop();
}

int ServerChild::stop() { return end_with(SIGTERM); }

int ServerChild::kill_now() { return end_with(SIGKILL); }

int ServerChild::end_with(int signal_number) {
  if (pid_ <= 0) return ended_status_;
  kill(pid_, signal_number);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return shell_status(status);
}

}  // namespace csp::bench
