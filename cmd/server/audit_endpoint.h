#pragma once
// GET /audit: the check of `audit verify`, as its --json object, with
// `checked_at`. 200 whether or not it found a fault (the body's `ok` says
// which); 500 store_failure when it could not run to its end.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "cmd/server/query_string.h"
#include "cmd/server/responses.h"
#include "domain/result.h"
#include "eventstore/store.h"

namespace csp::server {

// The last verdict, reused while the log's head is the same and it is
// younger than `reuse_for`: the check reads the whole log, and a page
// that polls it must not keep the readers busy. `fresh=1` asks anew.
class AuditCache {
 public:
  explicit AuditCache(std::chrono::seconds reuse_for) : reuse_for_(reuse_for) {}

  Response answer(eventstore::EventStore& store, bool is_fresh_asked);

 private:
  struct Verdict {
    std::int64_t head_position = 0;
    std::string head_hash;
    std::chrono::steady_clock::time_point checked;
    std::string body;
  };
  std::chrono::seconds reuse_for_;
  std::mutex mutex_;
  std::optional<Verdict> last_;
};

// Whether the request asks for a fresh check; invalid_input for any other
// parameter or value.
domain::Result<bool> audit_fresh_asked(const Target& target);

}  // namespace csp::server
