// domain/ stays pure: no clock, randomness, I/O, environment, globals or
// includes from the layers above. A guard in the manner of a style checker.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

std::vector<std::filesystem::path> domain_sources() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(CSP_SOURCE_DIR) / "domain")) {
    const auto extension = entry.path().extension();
    if (extension == ".h" || extension == ".cpp") files.push_back(entry.path());
  }
  return files;
}

std::string contents(const std::filesystem::path& file) {
  std::ifstream input(file);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
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
  for (const auto& file : domain_sources()) {
    std::istringstream lines(contents(file));
    std::string line;
    int number = 0;
    while (std::getline(lines, line)) {
      ++number;
      // Namespace-scope variables start at column 0 in this code base; only
      // constants are allowed there.
      const bool is_static_variable = line.rfind("static ", 0) == 0 && line.find("static_assert") != 0 &&
                                      line.find('(') == std::string::npos;
      EXPECT_FALSE(is_static_variable) << file.filename() << ":" << number << ": " << line;
      EXPECT_EQ(line.find("thread_local"), std::string::npos) << file.filename() << ":" << number;
    }
  }
}

}  // namespace
