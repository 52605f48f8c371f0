#pragma once
// Clients sending command stories to csp-ledgerd until it goes away, each
// remembering what the server acknowledged and what it was still waiting
// for when the connection broke.

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace csp::reliability {

struct SentCommand {
  std::string id;
  std::string name;
  std::string body;
};

struct AcknowledgedCommand {
  SentCommand sent;
  std::vector<std::int64_t> positions;
};

struct LoadOutcome {
  std::vector<AcknowledgedCommand> acknowledged;
  std::vector<SentCommand> in_flight;  // sent, never answered: applied or not
  std::vector<std::string> refusals;   // answers other than 200: the stories never expect one
};

// `clients` threads, each on its own connection and its own stories (ids
// `<id_prefix>-<client>-<n>`), sending until the server is gone or `stop`
// is set.
class ServerLoad {
 public:
  ServerLoad(unsigned short port, std::string token, std::string id_prefix, std::uint64_t seed);
  // Blocks until every client has stopped.
  LoadOutcome run(int clients, const std::atomic<bool>& stop);

 private:
  void client(int number, const std::atomic<bool>& stop, LoadOutcome& outcome);

  unsigned short port_;
  std::string token_;
  std::string id_prefix_;
  std::uint64_t seed_;
  std::mutex mutex_;
};

// Sends one command on a new connection; the positions the answer names,
// or empty with `why` set when it was not a 200.
std::vector<std::int64_t> send_once(unsigned short port, const std::string& token, const std::string& body, std::string& why);

}  // namespace csp::reliability
