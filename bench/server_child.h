#pragma once
// csp-ledgerd as a child process, for bench-load and the server's
// end-to-end tests: started on an ephemeral port, which it prints first.

#include <sys/types.h>

#include <string>
#include <vector>

namespace csp::bench {

class ServerChild {
 public:
  // Runs `args` (argv[0] first) with stderr appended to `log_path`, and
  // waits up to 10 s for the "listening on HOST:PORT" line. Throws
  // std::runtime_error when the server does not start.
  ServerChild(const std::vector<std::string>& args, const std::string& log_path);
  // SIGTERM and wait, unless stop() was called.
  ~ServerChild();
  ServerChild(const ServerChild&) = delete;
  ServerChild& operator=(const ServerChild&) = delete;

  unsigned short port() const { return port_; }
  // -1 once it has been stopped or found ended.
  pid_t pid() const { return pid_; }
  // False once the server has ended, by itself or by a signal: a crash
  // shows as a server no longer running. Reaps it; stop() then returns the
  // status it ended with.
  bool is_running();
  // CPU time the server has used so far, user and system, in seconds.
  double cpu_seconds() const;
  // SIGTERM, then the exit status (128 + the signal when one ended it).
  int stop();
  // SIGKILL, as a crash would end it; then the exit status.
  int kill_now();

 private:
  int end_with(int signal_number);

  pid_t pid_ = -1;
  int ended_status_ = -1;
  unsigned short port_ = 0;
};

}  // namespace csp::bench
