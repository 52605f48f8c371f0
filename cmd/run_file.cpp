// `run FILE|-`: JSON lines in, one JSON result per line out, in order. Many
// commands share one store transaction; results are printed only once that
// transaction is durable.

#include <algorithm>
#include <fstream>
#include <iostream>

#include "cmd/output.h"
#include "cmd/request_json.h"
#include "cmd/session.h"

namespace csp::cmd {
namespace {

constexpr std::size_t commands_per_transaction = 1000;
constexpr std::size_t line_bytes_max = 1 << 20;

domain::Error on_line(std::size_t line_number, const domain::Error& error) {
  return domain::Error{error.code, "line " + std::to_string(line_number) + ": " + error.message};
}

class Runner {
 public:
  explicit Runner(OpenedLedger& opened) : opened_(opened) {}

  // Returns false when the store failed and the run must stop.
  bool line(const std::string& text, std::size_t line_number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) return true;
    if (text.size() > line_bytes_max) {
      return refuse(domain::invalid_input("line " + std::to_string(line_number) + " is longer than 1 MiB"));
    }
    const nlohmann::ordered_json object = nlohmann::ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded()) {
      return refuse(domain::invalid_input("line " + std::to_string(line_number) + ": not valid JSON"));
    }
    auto request = parse_request(object, defaults_);
    if (!request) return refuse(on_line(line_number, request.error()));
    if (!batch_) {
      auto begun = opened_.ledger->begin_batch();
      if (!begun) return fail(begun.error());
      batch_ = std::move(begun).value();
    }
    auto outcome = opened_.ledger->execute(*request, *batch_);
    if (!outcome) return fail(outcome.error());
    if (outcome->refusal) {
      outcome->refusal = on_line(line_number, *outcome->refusal);
      worst_status_ = std::max(worst_status_, exit_status_of(*outcome->refusal));
    }
    pending_.push_back(outcome_json(std::move(*outcome)).dump());
    if (++commands_in_batch_ == commands_per_transaction) return commit();
    return true;
  }

  bool commit() {
    if (batch_) {
      if (eventstore::StoreStatus committed = batch_->commit(); !committed) {
        batch_.reset();
        return fail(committed.error());
      }
      batch_.reset();
    }
    for (const auto& result : pending_) std::cout << result << "\n";
    std::cout.flush();
    pending_.clear();
    commands_in_batch_ = 0;
    return true;
  }

  // 0 when every line succeeded, else the most serious line's status.
  int exit_status() const { return worst_status_; }

 private:
  bool refuse(const domain::Error& error) {
    pending_.push_back(refusal_json(error).dump());
    worst_status_ = std::max(worst_status_, exit_status_of(error));
    return true;
  }

  bool fail(const eventstore::StoreError& error) {
    // The uncommitted commands are lost: say which, so they can be rerun.
    batch_.reset();
    opened_.ledger->forget_cached_state();
    print_error("store_failure", error.message + "; the last " + std::to_string(commands_in_batch_) +
                                     " commands before this line were not committed");
    return false;
  }

  OpenedLedger& opened_;
  RequestDefaults defaults_ = system_defaults();
  std::unique_ptr<eventstore::WriteBatch> batch_;
  std::vector<std::string> pending_;
  std::size_t commands_in_batch_ = 0;
  int worst_status_ = exit_done;
};

}  // namespace

int run_file(const Globals& globals, const std::string& path) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) return report(globals, domain::invalid_input("cannot read " + path + ": give a JSON-lines file or - for stdin"));
  }
  std::istream& input = path == "-" ? std::cin : file;
  auto opened = open_ledger(globals.db_path, false);
  if (!opened) return report(globals, opened.error());
  Runner runner(*opened);
  std::string text;
  std::size_t line_number = 0;
  while (std::getline(input, text)) {
    if (!runner.line(text, ++line_number)) return exit_failed;
  }
  if (!runner.commit()) return exit_failed;
  if (runner.exit_status() != exit_done) std::cerr << "csp-ledger: some lines were refused; see their results\n";
  return runner.exit_status();
}

}  // namespace csp::cmd
