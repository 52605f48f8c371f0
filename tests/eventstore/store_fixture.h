#pragma once
// Shared by the event store tests: a private temporary folder, a fake clock,
// and requests built from short literals.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "eventstore/sqlite/store.h"
#include "support/temp_dir.h"

namespace csp::eventstore::testing {

using csp::testing::TempDir;

// Starts at 2026-01-01T00:00:00Z and ticks one second per reading.
struct FakeClock {
  std::int64_t now_us = 1'767'225'600'000'000;
  std::function<std::int64_t()> function() {
    return [this] { return now_us += 1'000'000; };
  }
};

inline NewEvent event(const std::string& type, const std::string& payload, const std::string& actor = "alice@partner.example",
                      const std::string& role = "admin-agent", std::int64_t business_time_us = 1'767'225'600'000'000) {
  return NewEvent{type, 1, payload, actor, role, business_time_us};
}

inline AppendRequest request(const std::string& command_id, const std::string& stream, std::int64_t expected_version,
                             std::vector<NewEvent> events) {
  return AppendRequest{command_id, {StreamWrite{stream, expected_version, std::move(events)}}};
}

inline std::string file_bytes(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  std::stringstream bytes;
  bytes << input.rdbuf();
  return bytes.str();
}

template <class T>
T ok_or_throw(StoreResult<T> result) {
  if (!result) throw std::runtime_error("store call failed: " + result.error().message);
  return std::move(result).value();
}

}  // namespace csp::eventstore::testing
