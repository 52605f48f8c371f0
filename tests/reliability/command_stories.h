#pragma once
// Commands as a reseller sends them, each with its own command id: a
// customer is registered, then buys subscriptions one after another; each
// gets a download link (which issues its key), some downloads, and is then
// cancelled, so that every cancellation revokes a key and a link.

#include <cstdint>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace csp::reliability {

class CommandStory {
 public:
  // `id_prefix` makes the command ids unique across stories: ids are
  // `<id_prefix>-<n>`. The caller-chosen UUIDs come from `seed`.
  CommandStory(std::string id_prefix, std::uint64_t seed);

  // The next command as `run` reads it (and POST /commands takes it), with
  // "id" and without "actor"; a story never runs out.
  nlohmann::json next();

 private:
  std::string uuid();
  nlohmann::json with_id(nlohmann::json command);

  std::string id_prefix_;
  std::mt19937_64 random_;
  std::int64_t commands_ = 0;
  std::string tenant_;
  std::string subscription_;
  std::string link_;
  int step_ = 0;  // where in the subscription's life the next command is
};

}  // namespace csp::reliability
