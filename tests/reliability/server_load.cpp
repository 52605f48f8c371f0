#include "reliability/server_load.h"

#include <optional>
#include <thread>

#include <nlohmann/json.hpp>

#include "reliability/command_stories.h"
#include "reliability/http_client.h"

namespace csp::reliability {
namespace {

// Bounds a client's commands should a kill never come.
constexpr int commands_per_client_max = 100'000;

std::vector<std::int64_t> positions_in(const std::string& body) {
  const nlohmann::json answer = nlohmann::json::parse(body, nullptr, false);
  std::vector<std::int64_t> positions;
  if (answer.is_discarded() || !answer.contains("positions")) return positions;
  for (const auto& position : answer["positions"]) positions.push_back(position.get<std::int64_t>());
  return positions;
}

}  // namespace

ServerLoad::ServerLoad(unsigned short port, std::string token, std::string id_prefix, std::uint64_t seed)
    : port_(port), token_(std::move(token)), id_prefix_(std::move(id_prefix)), seed_(seed) {}

LoadOutcome ServerLoad::run(int clients, const std::atomic<bool>& stop) {
  LoadOutcome outcome;
  std::vector<std::thread> threads;
  for (int number = 0; number < clients; ++number) {
    threads.emplace_back([this, number, &stop, &outcome] { client(number, stop, outcome); });
  }
  for (auto& thread : threads) thread.join();
  return outcome;
}

void ServerLoad::client(int number, const std::atomic<bool>& stop, LoadOutcome& outcome) {
  CommandStory story(id_prefix_ + "-" + std::to_string(number), seed_ + static_cast<std::uint64_t>(number));
  std::optional<SentCommand> waiting;
  try {
    HttpClient connection(port_, token_);
    for (int i = 0; i < commands_per_client_max && !stop.load(); ++i) {
      const nlohmann::json command = story.next();
      waiting = SentCommand{command["id"], command["command"], command.dump()};
      const HttpAnswer answer = connection.post_command(waiting->body);
      std::lock_guard lock(mutex_);
      if (answer.status != 200) {
        outcome.refusals.push_back(waiting->id + " answered " + std::to_string(answer.status) + ": " + answer.body.substr(0, 200));
        return;
      }
      outcome.acknowledged.push_back(AcknowledgedCommand{*waiting, positions_in(answer.body)});
      waiting.reset();
    }
  } catch (const std::exception&) {
    // The server went away: the command it had not answered is in flight.
    std::lock_guard lock(mutex_);
    if (waiting) outcome.in_flight.push_back(*waiting);
  }
}

std::vector<std::int64_t> send_once(unsigned short port, const std::string& token, const std::string& body, std::string& why) {
  try {
    HttpClient connection(port, token);
    const HttpAnswer answer = connection.post_command(body);
    if (answer.status != 200) {
      why = "answered " + std::to_string(answer.status) + ": " + answer.body.substr(0, 200);
      return {};
    }
    std::vector<std::int64_t> positions = positions_in(answer.body);
    if (positions.empty()) why = "answered 200 without positions: " + answer.body.substr(0, 200);
    return positions;
  } catch (const std::exception& error) {
    why = std::string("no answer: ") + error.what();
    return {};
  }
}

}  // namespace csp::reliability
