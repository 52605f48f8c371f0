#pragma once
// GET /audit: the check of `audit verify`, as its --json object, with
// `checked_at`. 200 whether or not it found a fault (the body's `ok` says
// which); 500 store_failure when it could not run to its end.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "cmd/server/query_string.h"
#include "cmd/server/responses.h"
#include "domain/result.h"
#include "eventstore/store.h"

namespace csp::server {

// The check reads the whole log: a page polling it must not keep the
// readers busy. A verdict is reused for `reuse_for` (the body says which
// head it checked and when), one check runs at a time, and a caller
// arriving during it gets its verdict. `fresh=1` asks for a check begun
// after the request.
class AuditCache {
 public:
  explicit AuditCache(std::chrono::seconds reuse_for) : reuse_for_(reuse_for) {}

  Response answer(eventstore::EventStore& store, bool is_fresh_asked);

 private:
  struct Verdict {
    std::chrono::steady_clock::time_point checked;
    std::string body;
  };
  std::chrono::seconds reuse_for_;
  std::mutex mutex_;
  std::condition_variable checked_;
  bool is_checking_ = false;
  std::uint64_t checks_done_ = 0;
  std::optional<Verdict> last_verdict_;
  std::optional<Response> last_answer_;  // of the last check, a failed one too
};

// Whether the request asks for a fresh check; invalid_input for any other
// parameter or value.
domain::Result<bool> audit_fresh_asked(const Target& target);

}  // namespace csp::server
