// domain/ stays pure: no clock, randomness, I/O, environment, globals or
// includes from the layers above. A guard in the manner of a style checker.

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "support/source_files.h"

namespace {

using csp::testing::contents;

std::vector<std::filesystem::path> domain_sources() { return csp::testing::sources_in("domain"); }

// Calls `check(where, line)` for every line of every domain source.
template <class Check>
void for_each_domain_line(const Check& check) {
  for (const auto& file : domain_sources()) {
    std::istringstream lines(contents(file));
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      check(file.filename().string() + ":" + std::to_string(number) + ": " + line, line);
    }
  }
}

TEST(Layering, DomainHasNoClockRandomnessIoOrUpperLayers) {
  const std::vector<std::string> forbidden = {
      "system_clock", "steady_clock", "high_resolution_clock", "::now(", "<random>", "rand(", "<ctime>", "std::time(", "time(nullptr)",
      "<iostream>", "<fstream>", "<cstdio>", "printf", "<filesystem>", "getenv", "<thread>", "<mutex>",
      "\"eventstore/", "\"projections/", "\"cmd/", "<sqlite3.h>", "<nlohmann/", "<spdlog/", "<boost/"};
  const auto files = domain_sources();
  ASSERT_GT(files.size(), 20u);
  for (const auto& file : files) {
    const std::string text = contents(file);
    for (const auto& token : forbidden) {
      EXPECT_EQ(text.find(token), std::string::npos) << file.filename() << " contains " << token;
    }
  }
}

TEST(Layering, DomainHasNoMutableGlobals) {
  for_each_domain_line([](const std::string& where, const std::string& line) {
    // Namespace-scope variables start at column 0 in this code base; only
    // constants are allowed there.
    const bool is_static_variable = line.rfind("static ", 0) == 0 && line.find("static_assert") != 0 &&
                                    line.find('(') == std::string::npos;
    EXPECT_FALSE(is_static_variable) << where;
    EXPECT_EQ(line.find("thread_local"), std::string::npos) << where;
  });
}

// The rules' refusals reach callers on the command line and over HTTP: a
// message naming a csp-ledger command or a flag would be wrong for one of
// them. Each front end adds its own hint (cmd/hints.cpp).
TEST(Layering, DomainMessagesNameNoCommandLineVerbOrFlag) {
  for_each_domain_line([](const std::string& where, const std::string& line) {
    const std::size_t quote = line.find('"');
    if (quote == std::string::npos || line.find("//") < quote) return;
    const std::string literal = line.substr(quote);
    EXPECT_EQ(literal.find("csp-ledger"), std::string::npos) << where;
    EXPECT_EQ(literal.find(" --"), std::string::npos) << where;
  });
}

}  // namespace
