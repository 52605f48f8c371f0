#pragma once
// Bounded caches that keep what is in use: the writer's state cache, its
// aliases and the stored read-model rows hold at most a set number of
// entries, and past it the least recently used are dropped, a tenth at a
// time. Dropping everything at once made the next commands reload every
// hot stream and row together (one slow batch per hundred thousand
// streams); dropping one entry per insert would scan the cache every
// time. A tenth costs one pass over the stamps per tenth of new entries.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <vector>

namespace csp::projections {

// Hands out the stamps that say when an entry was last used: larger is
// more recent.
class UseClock {
 public:
  std::uint64_t tick() { return ++now_; }

 private:
  std::uint64_t now_ = 0;
};

// When `map` holds more than `entries_max` entries, erases the least
// recently used until about nine tenths of `entries_max` remain.
// `stamp_of(value)` is the value's last UseClock stamp. Entries sharing
// the cut-off stamp go together, so a few more may go.
template <class Map, class StampOf>
void drop_coldest(Map& map, std::size_t entries_max, StampOf stamp_of) {
  if (map.size() <= entries_max) return;
  const std::size_t kept = entries_max - entries_max / 10;
  const std::size_t dropped = map.size() - kept;
  std::vector<std::uint64_t> stamps;
  stamps.reserve(map.size());
  for (const auto& entry : map) stamps.push_back(stamp_of(entry.second));
  const auto cut = stamps.begin() + static_cast<std::ptrdiff_t>(dropped - 1);
  std::nth_element(stamps.begin(), cut, stamps.end());
  const std::uint64_t cut_off = *cut;
  for (auto entry = map.begin(); entry != map.end();) {
    entry = stamp_of(entry->second) <= cut_off ? map.erase(entry) : std::next(entry);
  }
}

}  // namespace csp::projections
