// `run FILE|-`: JSON lines in, one JSON result per line out, in order. Many
// commands share one store transaction; results are printed only once that
// transaction is durable.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <vector>

#include "cmd/hints.h"
#include "cmd/output.h"
#include "cmd/request_json.h"
#include "cmd/session.h"

namespace csp::cmd {
namespace {

// Results are printed only once durable: up to this many lines share one
// store transaction and wait for it.
constexpr std::size_t lines_per_flush = 1000;
// A long run rewrites hot read-model rows once a second, not once per
// thousand lines; the rest are written when the run ends.
constexpr std::chrono::milliseconds read_model_flush_interval{1000};
constexpr std::size_t line_bytes_max = 1 << 20;

domain::Error on_line(std::size_t line_number, const domain::Error& error) {
  return domain::Error{error.code, "line " + std::to_string(line_number) + ": " + error.message};
}

class Runner {
 public:
  explicit Runner(OpenedLedger& opened) : opened_(opened) {
    opened_.ledger->set_read_model_flush_interval(read_model_flush_interval);
  }

  // Returns false when the store failed and the run must stop. Lines are
  // decided a batch at a time, so that what they look up is read ahead in
  // a few round trips (on a database server, one per lookup otherwise).
  bool line(const std::string& text, std::size_t line_number) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) return true;
    const auto object = parse_command_text(text);
    if (!object) return refuse(on_line(line_number, object.error()), line_number);
    auto request = parse_request(*object, defaults_);
    if (!request) return refuse(on_line(line_number, request.error()), line_number);
    window_.push_back(ParsedLine{line_number, std::move(request).value(), std::nullopt, object->contains("at")});
    return window_.size() < lines_per_flush || commit();
  }

  // Decides the lines waiting, makes their batch durable, then prints the
  // results it holds.
  bool commit() {
    if (!decide_window()) return false;
    if (batch_) {
      if (eventstore::StoreStatus committed = opened_.ledger->commit(*batch_); !committed) {
        return fail(committed.error(), 0);
      }
      batch_.reset();
    }
    for (const auto& result : pending_) std::cout << result << "\n";
    std::cout.flush();
    pending_.clear();
    return true;
  }

  // The last lines committed, and the read-model rows they left waiting.
  bool finish() {
    if (!commit()) return false;
    // The lines are durable whatever happens here: a failure only leaves
    // the rows for the next command to catch up.
    if (eventstore::StoreStatus written = opened_.ledger->flush_read_models(); !written) {
      print_error("store_failure", "every line was committed, but the read models were not updated (" +
                                       written.error().message + "); the next command catches them up");
    }
    return true;
  }

  // 0 when every line succeeded, else the most serious line's status.
  int exit_status() const { return worst_status_; }

  bool refuse_too_long(std::size_t line_number) {
    return refuse(domain::invalid_input("line " + std::to_string(line_number) + " is longer than 1 MiB"), line_number);
  }

 private:
  struct ParsedLine {
    std::size_t number = 0;
    std::optional<Request> request;
    std::optional<domain::Error> refusal;  // the line did not parse
    // Without `at`, a line happens when it is decided, not when it was read:
    // another writer may have moved its stream on in between.
    bool has_business_time = false;
  };

  bool refuse(const domain::Error& error, std::size_t line_number) {
    window_.push_back(ParsedLine{line_number, std::nullopt, error});
    return window_.size() < lines_per_flush || commit();
  }

  bool decide_window() {
    std::vector<const Request*> requests;
    for (const auto& parsed : window_) {
      if (parsed.request) requests.push_back(&*parsed.request);
    }
    if (!requests.empty() && !batch_) {
      auto begun = opened_.ledger->begin_batch();
      if (!begun) return fail(begun.error(), window_.back().number, window_.front().number);
      batch_ = std::move(begun).value();
      first_line_in_batch_ = window_.front().number;
      if (eventstore::StoreStatus read = opened_.ledger->read_ahead(requests, *batch_); !read) {
        return fail(read.error(), window_.back().number);
      }
    }
    for (auto& parsed : window_) {
      if (!parsed.request) {
        pending_.push_back(json_line(refusal_json(*parsed.refusal)));
        note_refusal(*parsed.refusal);
        continue;
      }
      if (!parsed.has_business_time) parsed.request->meta.at = defaults_.now();
      auto outcome = opened_.ledger->execute(*parsed.request, *batch_);
      if (!outcome) return fail(outcome.error(), parsed.number);
      if (outcome->refusal) {
        outcome->refusal = with_hint(on_line(parsed.number, *outcome->refusal), FrontEnd::command_line,
                                     parsed.request->meta.actor.str());
        note_refusal(*outcome->refusal);
      }
      pending_.push_back(json_line(outcome_json(std::move(*outcome))));
    }
    window_.clear();
    return true;
  }

  // A refusal is printed once, as its line's JSON result on stdout; stderr
  // says only, at the end, that some lines were refused.
  void note_refusal(const domain::Error& error) { worst_status_ = std::max(worst_status_, exit_status_of(error)); }

  // The batch is rolled back and the run stops: says which lines to run
  // again, from the batch's first (or `unbatched_from`, the first line
  // read that no batch held yet) on. `failed_at` is 0 for the commit.
  bool fail(const eventstore::StoreError& error, std::size_t failed_at, std::size_t unbatched_from = 0) {
    const std::size_t first = batch_ ? first_line_in_batch_ : unbatched_from;
    batch_.reset();
    std::string message = error.message;
    if (failed_at > 0) message += " (deciding line " + std::to_string(failed_at) + ")";
    if (first > 0) message += "; lines " + std::to_string(first) + " on were not committed: run them again";
    print_error("store_failure", message);
    return false;
  }

  OpenedLedger& opened_;
  RequestDefaults defaults_ = system_defaults();
  std::unique_ptr<eventstore::WriteBatch> batch_;
  std::vector<ParsedLine> window_;
  std::vector<std::string> pending_;
  std::size_t first_line_in_batch_ = 0;
  int worst_status_ = exit_done;
};

// Reads one line of at most line_bytes_max bytes into `text`. A longer
// line is skipped to its end without being held in memory: false with
// `is_too_long` set. False without it at the end of the input.
bool read_line(std::istream& input, std::vector<char>& buffer, std::string& text, bool& is_too_long) {
  is_too_long = false;
  buffer.resize(line_bytes_max + 2);
  input.getline(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  const auto read = static_cast<std::size_t>(input.gcount());
  if (input.fail() && !input.eof() && read == buffer.size() - 1) {
    input.clear();
    input.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    is_too_long = true;
    return false;
  }
  if (read == 0 && input.eof()) return false;
  // gcount counts the newline that getline consumed but did not store.
  const bool ended_with_newline = !input.eof();
  text.assign(buffer.data(), ended_with_newline ? read - 1 : read);
  if (input.fail() && !input.eof()) return false;
  return true;
}

}  // namespace

int run_file(const Globals& globals, const std::string& path, std::size_t cached_entries_max) {
  std::ifstream file;
  if (path != "-") {
    file.open(path);
    if (!file) return report(globals, domain::invalid_input("cannot read " + path + ": give a JSON-lines file or - for stdin"));
  }
  std::istream& input = path == "-" ? std::cin : file;
  auto opened = open_ledger(globals.db_path, false, globals.key_file_to_use());
  if (!opened) return report(globals, opened.error());
  opened->ledger->set_cached_entries_max(cached_entries_max);
  Runner runner(*opened);
  std::string text;
  std::vector<char> buffer;
  std::size_t line_number = 0;
  while (true) {
    bool is_too_long = false;
    const bool has_line = read_line(input, buffer, text, is_too_long);
    if (is_too_long) {
      if (!runner.refuse_too_long(++line_number)) return exit_failed;
      continue;
    }
    if (!has_line) break;
    if (!runner.line(text, ++line_number)) return exit_failed;
  }
  if (!runner.finish()) return exit_failed;
  if (runner.exit_status() != exit_done) std::cerr << "csp-ledger: some lines were refused; see their results\n";
  return runner.exit_status();
}

}  // namespace csp::cmd
