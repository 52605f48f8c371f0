#include "cmd/server/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace csp::server {
namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

void append(std::string& out, const char* name, const char* type, const char* help, double value) {
  out += std::string("# HELP ") + name + " " + help + "\n";
  out += std::string("# TYPE ") + name + " " + type + "\n";
  out += std::string(name) + " " + number(value) + "\n";
}

// The fields of /proc/self/stat after the command name, which is in
// parentheses and may itself hold spaces and parentheses.
std::vector<std::string> stat_fields() {
  std::ifstream file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const std::size_t name_end = text.rfind(')');
  if (name_end == std::string::npos) return {};
  std::istringstream rest(text.substr(name_end + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(field);
  return fields;
}

double boot_time_seconds() {
  std::ifstream file("/proc/stat");
  for (std::string line; std::getline(file, line);) {
    if (line.starts_with("btime ")) return std::stod(line.substr(6));
  }
  return -1;
}

void append_process_series(std::string& out) {
  const double ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const double page_bytes = static_cast<double>(::sysconf(_SC_PAGESIZE));
  // Counted from the state field, the third of stat(5): utime is its 14th.
  constexpr std::size_t utime = 11, stime = 12, starttime = 19, vsize = 20, rss = 21;
  const std::vector<std::string> fields = stat_fields();
  if (fields.size() > rss && ticks_per_second > 0) {
    append(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.",
           (std::stod(fields[utime]) + std::stod(fields[stime])) / ticks_per_second);
    append(out, "process_virtual_memory_bytes", "gauge", "Virtual memory size, in bytes.", std::stod(fields[vsize]));
    append(out, "process_resident_memory_bytes", "gauge", "Resident memory size, in bytes.",
           std::stod(fields[rss]) * page_bytes);
    const double boot = boot_time_seconds();
    if (boot >= 0) {
      append(out, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.",
             boot + std::stod(fields[starttime]) / ticks_per_second);
    }
  }
  std::error_code error;
  std::size_t open_files = 0;
  for (std::filesystem::directory_iterator entry("/proc/self/fd", error), end; !error && entry != end;
       entry.increment(error)) {
    ++open_files;
  }
  // The iterator's own descriptor is among those counted.
  if (!error && open_files > 0) {
    append(out, "process_open_fds", "gauge", "Open file descriptors.", static_cast<double>(open_files - 1));
  }
  rlimit files_limit{};
  if (::getrlimit(RLIMIT_NOFILE, &files_limit) == 0 && files_limit.rlim_cur != RLIM_INFINITY) {
    append(out, "process_max_fds", "gauge", "The limit on open file descriptors.",
           static_cast<double>(files_limit.rlim_cur));
  }
}

}  // namespace

std::string process_metrics_text() {
  std::string out;
  try {
    append_process_series(out);
  } catch (const std::exception&) {
    // An unexpected /proc (a field that is not a number) costs the series
    // after it, never the scrape or the server.
  }
  return out;
}

}  // namespace csp::server