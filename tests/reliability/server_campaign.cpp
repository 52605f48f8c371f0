// server mode: csp-ledgerd under several clients, SIGKILLed at a random
// moment, again and again on the same ledger. After each kill every
// acknowledged command is in the log once and whole, the ledger verifies,
// and the restarted server answers a re-sent id with its first result,
// then takes new commands.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "reliability/campaigns.h"
#include "reliability/ledger_log.h"
#include "reliability/ledger_server.h"
#include "reliability/server_load.h"

namespace csp::reliability {
namespace {

constexpr int clients = 4;
constexpr int load_ms_max = 400;
const std::string token = "crash-campaign-token-0123456789abcdef";

bool has_type(const std::vector<LoggedEvent>& events, const std::string& type) {
  for (const LoggedEvent& event : events) {
    if (event.type == type) return true;
  }
  return false;
}

// Every acknowledged command once, with the positions it was answered
// with; a cancellation with its key revocation; no id in two places, nor
// an id checked before (in `earlier`) again in this part of the log.
void check_log(const LedgerLog& log, const std::vector<AcknowledgedCommand>& acknowledged,
               const std::set<std::string>& earlier, const std::string& when, CampaignTally& tally) {
  for (const AcknowledgedCommand& command : acknowledged) {
    const auto found = log.events_by_command.find(command.sent.id);
    if (found == log.events_by_command.end()) {
      tally.problem(tally.lost, when + ": acknowledged " + command.sent.id + " is not in the log");
      continue;
    }
    const std::vector<std::int64_t> positions = positions_of(found->second);
    if (positions.size() > command.positions.size()) {
      tally.problem(tally.duplicated, when + ": " + command.sent.id + " has " + std::to_string(positions.size()) +
                                          " events, acknowledged with " + std::to_string(command.positions.size()));
    } else if (positions != command.positions) {
      tally.problem(tally.half_applied, when + ": " + command.sent.id + " is not logged at the positions it was acknowledged with");
    }
    if (command.sent.name == "CancelPurchase" &&
        !(has_type(found->second, "PurchaseCancelled") && has_type(found->second, "ProductKeysRevoked"))) {
      tally.problem(tally.half_applied, when + ": cancellation " + command.sent.id + " lacks its cancellation or revocation");
    }
  }
  for (const auto& [id, events] : log.events_by_command) {
    if (!is_contiguous(events)) tally.problem(tally.duplicated, when + ": " + id + "'s events stand apart in the log");
    if (earlier.contains(id)) tally.problem(tally.duplicated, when + ": " + id + " was applied again after a restart");
  }
}

// A re-sent id must answer with the first result; a command that was in
// flight is applied now if it was not before, and whole either way.
void resend(unsigned short port, const LedgerLog& log, LoadOutcome& load,
            const std::string& when, CampaignTally& tally) {
  for (const AcknowledgedCommand& command : load.acknowledged) {
    std::string why;
    if (send_once(port, token, command.sent.body, why) != command.positions) {
      tally.problem(tally.duplicated, when + ": re-sent " + command.sent.id + " did not answer its first positions " + why);
    }
  }
  for (const SentCommand& sent : load.in_flight) {
    std::string why;
    std::vector<std::int64_t> positions = send_once(port, token, sent.body, why);
    if (positions.empty()) {
      tally.problem(tally.other_failures, when + ": in-flight " + sent.id + " re-sent: " + why);
      continue;
    }
    const auto logged = log.events_by_command.find(sent.id);
    if (logged != log.events_by_command.end() && positions_of(logged->second) != positions) {
      tally.problem(tally.half_applied, when + ": in-flight " + sent.id + " was logged in part");
    }
    load.acknowledged.push_back(AcknowledgedCommand{sent, std::move(positions)});
  }
}

bool serves_again(unsigned short port, std::int64_t kill, CampaignTally& tally) {
  const std::string number = std::to_string(kill);
  const std::string why =
      why_not_serving(port, token, "crash-campaign-after-kill-" + number, "agent-" + number + "@partner.example");
  if (why.empty()) return true;
  tally.problem(tally.other_failures, "kill " + number + ": the restarted server " + why);
  return false;
}

}  // namespace

CampaignTally server_campaign(const CampaignSettings& settings) {
  CampaignTally tally;
  tally.mode = "server";
  const ServerFiles files = server_files_in(settings.dir);
  make_served_ledger(settings.ledger_bin, files, campaign_admin, token);
  std::unique_ptr<bench::ServerChild> server = start_ledger_server(settings.ledgerd_bin, files);
  std::vector<AcknowledgedCommand> all_acknowledged;
  std::set<std::string> checked_ids;
  std::int64_t checked_head = 0;

  for (std::int64_t kill = 1; kill <= settings.kills; ++kill) {
    const std::string when = "kill " + std::to_string(kill);
    std::atomic<bool> stop{false};
    ServerLoad load(server->port(), token, "s" + std::to_string(kill), (*settings.random)());
    const int delay_ms = 20 + random_delay_ms(settings, load_ms_max);
    std::thread killer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      (void)server->kill_now();
      stop = true;
    });
    LoadOutcome outcome = load.run(clients, stop);
    killer.join();
    server.reset();
    ++tally.kills;
    for (const std::string& refusal : outcome.refusals) tally.problem(tally.other_failures, when + ": " + refusal);

    // What came before was checked after the last kill; the whole log is
    // checked again at the end, and audit verify reads all of it each time.
    const std::optional<LedgerLog> log = read_ledger_log(settings.ledger_bin, files.db, files.scratch, checked_head + 1);
    if (!log) {
      tally.problem(tally.verify_failures, when + ": the ledger does not export");
      break;
    }
    check_log(*log, outcome.acknowledged, checked_ids, when, tally);
    for (const auto& [id, events] : log->events_by_command) checked_ids.insert(id);
    checked_head = std::max(checked_head, log->head);
    if (const int status = audit_verify(settings.ledger_bin, files.db, files.output); status != 0) {
      tally.problem(tally.verify_failures, when + ": audit verify exited " + std::to_string(status));
    }
    try {
      server = start_ledger_server(settings.ledgerd_bin, files);
    } catch (const std::exception& error) {
      tally.problem(tally.other_failures, when + ": csp-ledgerd did not start again: " + error.what());
      break;
    }
    resend(server->port(), *log, outcome, when, tally);
    // With the in-flight commands re-sent above, acknowledged now.
    all_acknowledged.insert(all_acknowledged.end(), outcome.acknowledged.begin(), outcome.acknowledged.end());
    if (!serves_again(server->port(), kill, tally)) break;
  }
  if (server && server->stop() != 0) tally.problem(tally.other_failures, "csp-ledgerd did not stop cleanly on SIGTERM");
  const std::optional<LedgerLog> log = read_ledger_log(settings.ledger_bin, files.db, files.scratch);
  if (!log) {
    tally.problem(tally.verify_failures, "at the end: the ledger does not export");
  } else {
    check_log(*log, all_acknowledged, {}, "at the end", tally);
  }
  tally.acknowledged = static_cast<std::int64_t>(all_acknowledged.size());
  return tally;
}

}  // namespace csp::reliability
