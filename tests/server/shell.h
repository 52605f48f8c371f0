#pragma once
// A shell command's exit status and what it printed (stdout and stderr
// together), for tests that drive curl, openssl or csp-ledgerd itself.

#include <sys/wait.h>

#include <cstdio>
#include <stdexcept>
#include <string>

namespace csp::server::testing {

struct ShellResult {
  int status = -1;  // -1 when killed by a signal
  std::string output;
};

// Single-quoted for sh; named apart from std::quoted, which a std::string
// argument would otherwise also find.
inline std::string shell_quoted(const std::string& text) {
  std::string result = "'";
  for (const char c : text) result += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return result + "'";
}

inline ShellResult run_shell(const std::string& command) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed: " + command);
  ShellResult result;
  char chunk[4096];
  for (std::size_t read = 0; (read = std::fread(chunk, 1, sizeof chunk, pipe)) > 0;) result.output.append(chunk, read);
  const int raw = ::pclose(pipe);
  result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return result;
}

}  // namespace csp::server::testing
