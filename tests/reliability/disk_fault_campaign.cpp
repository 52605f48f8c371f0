// The disk-fault campaign: runs the demo's commands one `run` each against a
// ledger whose disk fails the k-th write, sync or read, for every k the
// commands reach, in each way a disk fails. After each fault: every command
// answered before it holds all its events, the failed one all or none, the
// ledger verifies, and running the rest of the file ends as a run without
// the fault did. Then the power goes at each sync in turn, taking every
// write not yet synced with it: what is left must open, verify and hold
// every command answered before. Prints the points tried; exits 1 on any
// violation.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cmd/cli.h"
#include "reliability/faulty_vfs.h"

namespace {

namespace fs = std::filesystem;
using csp::reliability::Fault;

struct Answer {
  int status = -1;
  std::string out;
};

// csp-ledger in this process, so that its SQLite runs on the faulty VFS.
Answer ledger(std::vector<std::string> args) {
  args.insert(args.begin(), "csp-ledger");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  std::ostringstream out;
  std::ostringstream err;
  std::streambuf* real_out = std::cout.rdbuf(out.rdbuf());
  std::streambuf* real_err = std::cerr.rdbuf(err.rdbuf());
  int status = 1;
  try {
    status = csp::cmd::run_cli(static_cast<int>(argv.size()), argv.data());
  } catch (...) {
    std::cout.rdbuf(real_out);
    std::cerr.rdbuf(real_err);
    throw;
  }
  std::cout.rdbuf(real_out);
  std::cerr.rdbuf(real_err);
  return Answer{status, out.str()};
}

// The demo's story, each line given an id so that a line run again after a
// failure is recognised (L3).
std::vector<std::string> story(const std::string& scenario, std::size_t lines_max) {
  std::ifstream input(scenario);
  if (!input) throw std::runtime_error("cannot read " + scenario);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(input, line) && lines.size() < lines_max) {
    if (line.empty()) continue;
    auto command = nlohmann::ordered_json::parse(line);
    if (!command.contains("id")) command["id"] = "line-" + std::to_string(lines.size() + 1);
    lines.push_back(command.dump());
  }
  return lines;
}

using EventsById = std::map<std::string, int>;

EventsById events_by_command(const std::string& db) {
  const Answer exported = ledger({"--db", db, "export"});
  if (exported.status != 0) throw std::runtime_error("export failed on " + db);
  EventsById events;
  std::istringstream lines(exported.out);
  std::string line;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);
    if (event.contains("command_id")) ++events[event["command_id"].get<std::string>()];
  }
  return events;
}

std::string id_of(const std::string& line) { return nlohmann::json::parse(line)["id"].get<std::string>(); }

class Campaign {
 public:
  Campaign(fs::path work, std::vector<std::string> lines) : work_(std::move(work)), lines_(std::move(lines)) {}

  void prepare(const std::string& base) {
    base_ = base;
    const std::string db = fresh_copy("reference.db");
    csp::reliability::reset_operations();
    for (const std::string& line : lines_) reference_status_.push_back(run_line(db, line));
    for (const Fault fault : all_faults) operations_[fault] = csp::reliability::operations_seen(fault);
    reference_ = events_by_command(db);
    if (ledger({"--db", db, "audit", "verify"}).status != 0) throw std::runtime_error("the reference run does not verify");
  }

  std::int64_t operations(Fault fault) const { return operations_.at(fault); }

  // One fault point; false (with what went wrong printed) on a violation.
  bool try_point(Fault fault, std::int64_t k) {
    ++points_;
    const std::string db = fresh_copy("faulty.db");
    csp::reliability::arm(fault, k);
    std::size_t failed_at = lines_.size();
    for (std::size_t index = 0; index < lines_.size(); ++index) {
      const int status = run_line(db, lines_[index]);
      if (status == 1) {
        failed_at = index;
        break;
      }
      if (status != reference_status_[index]) {
        csp::reliability::disarm();
        return violation(fault, k, "line " + std::to_string(index + 1) + " ended with " + std::to_string(status) +
                                       " instead of " + std::to_string(reference_status_[index]));
      }
    }
    const bool fired = csp::reliability::has_fired();
    csp::reliability::disarm();
    if (failed_at == lines_.size()) {
      if (fired) ++absorbed_;
      return check_final(fault, k, db);
    }
    ++store_failures_;
    const EventsById after = events_by_command(db);
    for (std::size_t index = 0; index <= failed_at; ++index) {
      const std::string id = id_of(lines_[index]);
      const int held = after.contains(id) ? after.at(id) : 0;
      const int whole = reference_.contains(id) ? reference_.at(id) : 0;
      if (index == failed_at && held == whole && whole > 0) ++committed_despite_failure_;
      if (held != whole && !(index == failed_at && held == 0)) {
        ++half_applied_;
        return violation(fault, k, "command " + id + " holds " + std::to_string(held) + " of its " +
                                       std::to_string(whole) + " events after the fault");
      }
    }
    if (ledger({"--db", db, "audit", "verify"}).status != 0) {
      ++verify_failures_;
      return violation(fault, k, "audit verify fails right after the fault");
    }
    for (std::size_t index = failed_at; index < lines_.size(); ++index) {
      const int status = run_line(db, lines_[index]);
      if (status != reference_status_[index]) {
        return violation(fault, k, "line " + std::to_string(index + 1) + " run again after the fault ended with " +
                                       std::to_string(status) + " instead of " + std::to_string(reference_status_[index]));
      }
    }
    return check_final(fault, k, db);
  }

  // The power goes at the k-th sync: what the disk holds must open, verify
  // and keep every command answered before it.
  bool try_power_cut(std::int64_t k) {
    const std::string db = fresh_copy("faulty.db");
    csp::reliability::arm_power_cut(k);
    std::size_t answered = 0;
    for (; answered < lines_.size(); ++answered) {
      const int status = run_line(db, lines_[answered]);
      if (csp::reliability::has_fired()) break;
      if (status != reference_status_[answered]) {
        csp::reliability::disarm();
        return violation(Fault::sync_error, k, "line " + std::to_string(answered + 1) + " ended with " +
                                                   std::to_string(status) + " before the power cut");
      }
    }
    const bool fired = csp::reliability::has_fired();
    csp::reliability::disarm();
    if (!fired) return true;
    ++power_cuts_;
    const fs::path cut = work_ / "cut.db";
    for (const char* companion : {"", "-wal", "-shm"}) fs::remove(cut.string() + companion);
    for (const char* companion : {"", "-wal"}) {
      const auto content = csp::reliability::durable_content("/faulty.db" + std::string(companion));
      if (content) std::ofstream(cut.string() + companion, std::ios::binary) << *content;
    }
    if (!fs::exists(cut)) return violation(Fault::sync_error, k, "the power cut left no ledger file");
    if (ledger({"--db", cut.string(), "audit", "verify"}).status != 0) {
      ++verify_failures_;
      return violation(Fault::sync_error, k, "the ledger left by the power cut does not verify");
    }
    const EventsById left = events_by_command(cut.string());
    for (std::size_t index = 0; index < lines_.size(); ++index) {
      const std::string id = id_of(lines_[index]);
      const int held = left.contains(id) ? left.at(id) : 0;
      const int whole = reference_.contains(id) ? reference_.at(id) : 0;
      const bool is_required = index < answered;
      if (is_required ? held != whole : held != 0 && held != whole) {
        ++(held < whole && is_required ? lost_ : half_applied_);
        return violation(Fault::sync_error, k, "after the power cut command " + id + " holds " + std::to_string(held) +
                                                   " of its " + std::to_string(whole) + " events");
      }
    }
    ++power_cuts_survived_;
    return true;
  }

  void print_power_cuts() const {
    std::cout << "power-loss campaign: " << lines_.size() << " commands, power cut at " << power_cuts_
              << " sync points, ledgers that opened and verified " << power_cuts_survived_
              << ", acknowledged commands lost " << lost_ << ", half-applied " << half_applied_ << "\n";
  }

  void print(const std::map<Fault, std::int64_t>& tried) const {
    std::string by_kind;
    for (const auto& [fault, count] : tried) {
      by_kind += (by_kind.empty() ? "" : ", ") + std::string(csp::reliability::fault_name(fault)) + " " + std::to_string(count);
    }
    std::cout << "disk-fault campaign: " << lines_.size() << " commands, fault points " << points_ << " (" << by_kind
              << "), answered store_failure " << store_failures_ << ", absorbed " << absorbed_
              << ", committed despite the failure " << committed_despite_failure_ << ", half-applied " << half_applied_
              << ", verify failures " << verify_failures_ << ", violations " << violations_ << "\n";
  }

  int violations() const { return violations_; }

  static constexpr Fault all_faults[] = {Fault::write_error, Fault::short_write, Fault::disk_full, Fault::sync_error,
                                         Fault::read_error};

 private:
  std::string fresh_copy(const std::string& name) const {
    const fs::path copy = work_ / name;
    for (const char* companion : {"", "-wal", "-shm"}) fs::remove(copy.string() + companion);
    fs::copy_file(base_, copy);
    return copy.string();
  }

  int run_line(const std::string& db, const std::string& line) const {
    const fs::path file = work_ / "line.jsonl";
    std::ofstream(file) << line << "\n";
    return ledger({"--db", db, "run", file.string()}).status;
  }

  bool check_final(Fault fault, std::int64_t k, const std::string& db) {
    if (events_by_command(db) != reference_) return violation(fault, k, "the log differs from the run without the fault");
    if (ledger({"--db", db, "audit", "verify"}).status != 0) {
      ++verify_failures_;
      return violation(fault, k, "audit verify fails at the end");
    }
    return true;
  }

  bool violation(Fault fault, std::int64_t k, const std::string& what) {
    ++violations_;
    std::cout << "VIOLATION " << csp::reliability::fault_name(fault) << " at operation " << k << ": " << what << "\n";
    return false;
  }

  fs::path work_;
  std::vector<std::string> lines_;
  std::string base_;
  std::vector<int> reference_status_;
  EventsById reference_;
  std::map<Fault, std::int64_t> operations_;
  int points_ = 0;
  int store_failures_ = 0;
  int absorbed_ = 0;
  int committed_despite_failure_ = 0;
  int half_applied_ = 0;
  int verify_failures_ = 0;
  int violations_ = 0;
  int power_cuts_ = 0;
  int power_cuts_survived_ = 0;
  int lost_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string scenario = CSP_DEMO_SCENARIO;
  std::size_t lines_max = 1000;
  std::int64_t every = 1;
  CLI::App app{"Fails the k-th write, sync or read of a ledger's disk, for every k, and checks what is left"};
  app.add_option("--scenario", scenario, "the run file whose commands are run one at a time")->check(CLI::ExistingFile);
  app.add_option("--lines", lines_max, "run only the file's first N commands")->check(CLI::Range(1, 100000));
  app.add_option("--every", every, "try every K-th fault point only")->check(CLI::Range(1, 1000000));
  CLI11_PARSE(app, argc, argv);
  csp::reliability::install_faulty_vfs();
  try {
    const fs::path work = fs::temp_directory_path() / ("disk-fault-campaign-" + std::to_string(getpid()));
    fs::create_directories(work);
    const std::string base = (work / "base.db").string();
    if (ledger({"--db", base, "init", "--admin", "alice@partner.example", "--at", "2026-01-05T09:00:00Z"}).status != 0) {
      throw std::runtime_error("init failed");
    }
    Campaign campaign(work, story(scenario, lines_max));
    campaign.prepare(base);
    std::map<Fault, std::int64_t> tried;
    for (const Fault fault : Campaign::all_faults) {
      for (std::int64_t k = 1; k <= campaign.operations(fault); k += every) {
        campaign.try_point(fault, k);
        ++tried[fault];
      }
    }
    campaign.print(tried);
    for (std::int64_t k = 1; k <= campaign.operations(Fault::sync_error); ++k) campaign.try_power_cut(k);
    campaign.print_power_cuts();
    fs::remove_all(work);
    return campaign.violations() == 0 ? 0 : 1;
  } catch (const std::exception& failure) {
    std::cerr << "disk-fault-campaign: " << failure.what() << "\n";
    return 2;
  }
}
