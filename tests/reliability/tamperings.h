#pragma once
// The ways to change a ledger file behind its back, each with what
// `audit verify` must answer: the fault, and where known the first position
// it concerns.

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "reliability/ledger_file.h"

namespace csp::reliability {

struct Expectation {
  std::string fault;  // empty: the file's own evidence cannot show it
  std::optional<std::int64_t> position;
  // What `audit verify --digest` of the untouched ledger answers instead
  // when the file cannot tell: the fault, and a range holding `position`
  // (a digest's subtree roots tell apart no finer).
  std::string digest_fault = {};
};

struct Tampering {
  std::string kind;  // what the tally groups by
  std::string what;  // this one case, for the report of a miss
  Expectation expected;
  std::function<void(LedgerFile&)> apply;
  // Then `csp-ledger audit replay`, as one would who wants the read models
  // to agree with a rewritten log.
  bool rebuilds_read_models = false;
};

struct ReadModelRow {
  std::string table;
  std::string key_column;
  std::string key;
  std::int64_t first_position = 0;
  std::vector<std::string> columns;  // all but the key and first_position
};

struct Alias {
  std::string alias;
  std::int64_t introduced_at = 0;
};

// What a plan needs to know of the untouched ledger.
struct LedgerFacts {
  std::int64_t head = 0;
  std::vector<ReadModelRow> rows;
  std::vector<Alias> aliases;
  std::vector<std::string> triggers;
};

LedgerFacts read_facts(LedgerFile& ledger);

// `positions` event positions (the first and the last among them) and as
// many read-model rows and aliases, drawn with `random`.
std::vector<Tampering> plan_tamperings(const LedgerFacts& facts, int positions, std::mt19937_64& random);

}  // namespace csp::reliability
