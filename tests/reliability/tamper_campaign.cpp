// The tamper campaign: builds one ledger, then changes copies of it in every
// way tamperings.h knows, asking `csp-ledger audit verify` each time to find
// the change and name its first position. Prints the tally by kind; exits 1
// when any tampering went unnoticed or was misplaced.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/workload.h"
#include "reliability/child_process.h"
#include "reliability/tamperings.h"

namespace {

namespace fs = std::filesystem;
using csp::reliability::Expectation;
using csp::reliability::LedgerFile;
using csp::reliability::Tampering;

struct Settings {
  std::string ledger_bin = CSP_LEDGER_BIN;
  std::string scenario = CSP_DEMO_SCENARIO;
  std::int64_t commands = 2000;
  int positions = 6;
  std::uint64_t seed = 1;
};

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const fs::path& path) {
  std::ifstream input(path, std::ios::binary);
  std::stringstream text;
  text << input.rdbuf();
  return text.str();
}

Outcome run(const std::vector<std::string>& args, const fs::path& scratch) {
  const std::string out = (scratch / "stdout").string();
  const std::string err = (scratch / "stderr").string();
  csp::reliability::ChildProcess child(args, out, err);
  while (!child.ends_within(60'000)) {
  }
  return Outcome{child.status(), slurp(out), slurp(err)};
}

void expect_status(const Outcome& outcome, int status, const std::string& doing) {
  if (outcome.status != status) {
    throw std::runtime_error(doing + " ended with status " + std::to_string(outcome.status) + ", expected " +
                             std::to_string(status) + ": " + outcome.err);
  }
}

// The demo's story (every kind of event, refusals included), then the
// benchmarks' workload for bulk.
void build_ledger(const Settings& settings, const fs::path& ledger, const fs::path& scratch) {
  const std::string db = ledger.string();
  expect_status(run({settings.ledger_bin, "--db", db, "init", "--admin", "alice@partner.example", "--at",
                     "2026-01-05T09:00:00Z"}, scratch),
                0, "init");
  expect_status(run({settings.ledger_bin, "--db", db, "run", settings.scenario}, scratch), 3, "the demo scenario");
  const std::string workload = (scratch / "workload.jsonl").string();
  csp::bench::write_workload(workload, settings.commands);
  expect_status(run({settings.ledger_bin, "--db", db, "run", workload}, scratch), 0, "the workload");
  // One file to copy: everything moved out of the WAL.
  LedgerFile(db).exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

struct Verdict {
  bool is_detected = false;
  std::string answer;  // what verify said, for a report
};

// A digest fault must name a range holding the position tampered with;
// digest_ahead, where the log stops, exactly.
Verdict judge_digest(const Expectation& expected, const Outcome& verify) {
  std::string fault;
  std::optional<std::int64_t> first;
  std::optional<std::int64_t> last;
  try {
    const auto result = nlohmann::json::parse(verify.out);
    if (result.contains("error")) {
      const auto& error = result["error"];
      fault = error.value("fault", "");
      if (error.contains("position")) first = error["position"].get<std::int64_t>();
      if (error.contains("last_position")) last = error["last_position"].get<std::int64_t>();
    }
  } catch (const nlohmann::json::exception&) {
    fault = "(no JSON)";
  }
  std::string answer = "status " + std::to_string(verify.status) + (fault.empty() ? "" : ", " + fault);
  if (first) answer += " at " + std::to_string(*first) + (last ? ".." + std::to_string(*last) : "");
  const std::int64_t p = expected.position.value_or(0);
  const bool is_placed = first && (expected.digest_fault == "digest_ahead" ? *first == p : *first <= p && last && p <= *last);
  return Verdict{verify.status == 4 && fault == expected.digest_fault && is_placed, answer};
}

Verdict judge(const Expectation& expected, const Outcome& verify) {
  std::string fault;
  std::optional<std::int64_t> position;
  try {
    const auto result = nlohmann::json::parse(verify.out);
    if (result.contains("error")) {
      fault = result["error"].value("fault", "");
      if (result["error"].contains("position")) position = result["error"]["position"].get<std::int64_t>();
    }
  } catch (const nlohmann::json::exception&) {
    fault = "(no JSON)";
  }
  std::string answer = "status " + std::to_string(verify.status) + (fault.empty() ? "" : ", " + fault);
  if (position) answer += " at " + std::to_string(*position);
  if (verify.status != 4 && !verify.err.empty()) answer += ": " + verify.err.substr(0, verify.err.find('\n'));
  return Verdict{verify.status == 4 && fault == expected.fault && position == expected.position, answer};
}

std::string expectation_text(const Expectation& expected) {
  return expected.fault + (expected.position ? " at " + std::to_string(*expected.position) : "");
}

struct Tally {
  int total = 0;
  int detected = 0;
};

int campaign(const Settings& settings) {
  const fs::path work = fs::temp_directory_path() / ("tamper-campaign-" + std::to_string(getpid()));
  fs::create_directories(work);
  const fs::path base = work / "base.db";
  build_ledger(settings, base, work);
  std::mt19937_64 random(settings.seed);
  csp::reliability::LedgerFacts facts;
  {
    LedgerFile ledger(base.string());
    facts = csp::reliability::read_facts(ledger);
  }
  const std::vector<Tampering> plan = csp::reliability::plan_tamperings(facts, settings.positions, random);
  // The auditor's digest, kept outside the file before anything was changed.
  const fs::path digest = work / "base.digest";
  {
    const Outcome made = run({settings.ledger_bin, "--db", base.string(), "digest"}, work);
    expect_status(made, 0, "digest");
    std::ofstream(digest) << made.out;
  }
  std::cout << "tamper campaign: a ledger of " << facts.head << " events, " << facts.rows.size() << " read-model rows, "
            << facts.aliases.size() << " aliases (seed " << settings.seed << "); " << plan.size() << " tamperings\n";

  std::vector<std::string> kinds;
  std::map<std::string, Tally> tallies;
  std::vector<std::string> misses;
  int beyond = 0;
  int beyond_passed = 0;
  int beyond_caught = 0;
  const fs::path copy = work / "tampered.db";
  for (const Tampering& tampering : plan) {
    fs::copy_file(base, copy, fs::copy_options::overwrite_existing);
    for (const char* companion : {"-wal", "-shm"}) fs::remove(copy.string() + companion);
    {
      LedgerFile ledger(copy.string());
      tampering.apply(ledger);
    }
    if (tampering.rebuilds_read_models) {
      expect_status(run({settings.ledger_bin, "--db", copy.string(), "audit", "replay"}, work), 0,
                    "audit replay after " + tampering.what);
    }
    const Outcome verify = run({settings.ledger_bin, "--db", copy.string(), "--json", "audit", "verify"}, work);
    if (tampering.expected.fault.empty()) {
      ++beyond;
      if (verify.status == 0) ++beyond_passed;
      const Outcome against_digest = run(
          {settings.ledger_bin, "--db", copy.string(), "--json", "audit", "verify", "--digest", digest.string()}, work);
      const Verdict verdict = judge_digest(tampering.expected, against_digest);
      if (verdict.is_detected) {
        ++beyond_caught;
      } else {
        misses.push_back(tampering.what + " against the digest: expected " + tampering.expected.digest_fault +
                         " around " + std::to_string(tampering.expected.position.value_or(0)) + ", got " + verdict.answer);
      }
      continue;
    }
    if (!tallies.contains(tampering.kind)) kinds.push_back(tampering.kind);
    Tally& tally = tallies[tampering.kind];
    ++tally.total;
    const Verdict verdict = judge(tampering.expected, verify);
    if (verdict.is_detected) {
      ++tally.detected;
    } else {
      misses.push_back(tampering.what + ": expected " + expectation_text(tampering.expected) + ", got " + verdict.answer);
    }
  }

  int total = 0;
  int detected = 0;
  for (const std::string& kind : kinds) {
    const Tally& tally = tallies[kind];
    std::printf("  %-28s %4d/%d\n", kind.c_str(), tally.detected, tally.total);
    total += tally.total;
    detected += tally.detected;
  }
  std::printf("tamperings %d, detected %d (%.1f%%), missed %d\n", total, detected,
              total == 0 ? 0.0 : 100.0 * detected / total, total - detected);
  std::printf("beyond the file's own evidence (a rewrite re-chained, a tail cut with its traces): %d tamperings, "
              "plain audit verify passed %d, audit verify --digest caught %d (%.1f%%)\n",
              beyond, beyond_passed, beyond_caught, beyond == 0 ? 0.0 : 100.0 * beyond_caught / beyond);
  for (const std::string& miss : misses) std::cout << "MISSED " << miss << "\n";
  fs::remove_all(work);
  return misses.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  CLI::App app{"Tampers with copies of one ledger file in every known way and checks that audit verify names each"};
  app.add_option("--ledger-bin", settings.ledger_bin, "the csp-ledger executable to test")->check(CLI::ExistingFile);
  app.add_option("--scenario", settings.scenario, "the run file that tells the ledger's story")->check(CLI::ExistingFile);
  app.add_option("--commands", settings.commands, "bulk commands after the story")->check(CLI::Range(100, 10'000'000));
  app.add_option("--positions", settings.positions, "event positions (and read-model rows, aliases) to tamper at")
      ->check(CLI::Range(2, 10'000));
  app.add_option("--seed", settings.seed, "seed of the positions drawn");
  CLI11_PARSE(app, argc, argv);
  try {
    return campaign(settings);
  } catch (const std::exception& failure) {
    std::cerr << "tamper-campaign: " << failure.what() << "\n";
    return 2;
  }
}
