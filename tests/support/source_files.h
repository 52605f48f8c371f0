#pragma once
// The project's own sources, read as text: what the layering tests search
// for includes and calls a layer must not make.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace csp::testing {

// The .h and .cpp files directly in `folder` of the source tree.
inline std::vector<std::filesystem::path> sources_in(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(CSP_SOURCE_DIR) / folder)) {
    const auto extension = entry.path().extension();
    if (extension == ".h" || extension == ".cpp") files.push_back(entry.path());
  }
  return files;
}

inline std::string contents(const std::filesystem::path& file) {
  std::ifstream input(file);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

}  // namespace csp::testing
