#pragma once
// The streams that aliases (an order id, a link id, a customer's domain)
// resolved to. An alias never changes once taken, so a resolved one is
// kept; the least recently used go past a bound, to be resolved again.

#include <cstddef>
#include <string>
#include <unordered_map>

#include "projections/coldest_first.h"

namespace csp::cmd {

class RememberedAliases {
 public:
  static constexpr std::size_t aliases_max_default = 100'000;
  void set_aliases_max(std::size_t aliases) { aliases_max_ = aliases; }

  // The stream `alias` names, or nullptr when it is not remembered. The
  // pointer is valid until the next remember() or clear().
  const std::string* find(const std::string& alias) {
    const auto found = streams_.find(alias);
    if (found == streams_.end()) return nullptr;
    found->second.used = clock_.tick();
    return &found->second.stream;
  }
  void remember(const std::string& alias, const std::string& stream) {
    projections::drop_coldest(streams_, aliases_max_ > 0 ? aliases_max_ - 1 : 0,
                              [](const Resolved& resolved) { return resolved.used; });
    streams_.insert_or_assign(alias, Resolved{stream, clock_.tick()});
  }
  void clear() { streams_.clear(); }
  std::size_t size() const { return streams_.size(); }

 private:
  struct Resolved {
    std::string stream;
    std::uint64_t used = 0;
  };
  std::unordered_map<std::string, Resolved> streams_;
  std::size_t aliases_max_ = aliases_max_default;
  projections::UseClock clock_;
};

}  // namespace csp::cmd
