#pragma once
// Runs the real csp-ledger executable in a private folder and captures what
// it printed and its exit status.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/temp_dir.h"
#include "support/test_backend.h"

namespace csp::cmd::testing {

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;

  nlohmann::json json() const { return nlohmann::json::parse(out); }
  std::vector<nlohmann::json> json_lines() const {
    std::vector<nlohmann::json> lines;
    std::istringstream input(out);
    std::string line;
    while (std::getline(input, line)) {
      if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    }
    return lines;
  }
};

inline std::string quoted(const std::string& text) {
  std::string result = "'";
  for (const char c : text) {
    if (c == '\'') {
      result += "'\\''";
    } else {
      result.push_back(c);
    }
  }
  return result + "'";
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

class Workspace {
 public:
  std::filesystem::path path(const std::string& name) const { return dir_.path() / name; }
  // What `--db name` stands for on this suite's backend.
  std::string ledger(const std::string& name) const { return ledgers_.locate(name); }
  bool holds_ledger(const std::string& name) const { return ledgers_.holds_ledger(name, dir_.path().string()); }

  void write(const std::string& name, const std::string& text) const { std::ofstream(path(name), std::ios::binary) << text; }

  // Runs csp-ledger with `args` (no shell expansion), stdin from `input`.
  // The ledger after `--db` is located on the backend the suite runs on.
  Outcome run(const std::vector<std::string>& args, const std::string& input = "", const std::string& environment = "") const {
    write("stdin.txt", input);
    std::string command = "cd " + quoted(dir_.path().string()) + " && " + environment + " " + quoted(CSP_LEDGER_BIN);
    for (std::size_t index = 0; index < args.size(); ++index) {
      const bool is_ledger = index > 0 && args[index - 1] == "--db";
      command += " " + quoted(is_ledger ? ledgers_.locate(args[index]) : args[index]);
    }
    command += " < stdin.txt > stdout.txt 2> stderr.txt";
    const int raw = std::system(command.c_str());
    Outcome result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = slurp(path("stdout.txt"));
    result.err = slurp(path("stderr.txt"));
    return result;
  }

 private:
  csp::testing::TempDir dir_;
  mutable csp::testing::LedgerLocations ledgers_;
};

}  // namespace csp::cmd::testing
