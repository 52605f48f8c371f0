#include "eventstore/verify.h"

#include <vector>

#include "eventstore/chain.h"

namespace csp::eventstore {
namespace {

// The event as it would be hashed at `position`. A command named by the
// store ("@<first position>") was named for where its first event stood.
struct MovedEvent {
  StoredEvent event;
  ChainFields fields() const { return chain_fields(event); }
};

MovedEvent at_position(const StoredEvent& event, std::int64_t position) {
  MovedEvent moved{event};
  if (moved.event.command_id == "@" + std::to_string(event.position)) {
    moved.event.command_id = "@" + std::to_string(position);
  }
  moved.event.position = position;
  return moved;
}

// The event now at p as it stood at p+1 before it and its neighbour were
// swapped. A command the store named for p or p+1 may be named for the other
// now: its first event moved, or the row that says where the command began
// was moved with it; or the rows moved alone. Each is tried.
std::vector<MovedEvent> before_swap(const StoredEvent& event, std::int64_t p) {
  const std::string here = "@" + std::to_string(p);
  const std::string there = "@" + std::to_string(p + 1);
  MovedEvent kept{event};
  kept.event.position = p + 1;
  std::vector<MovedEvent> candidates{kept};
  if (event.command_id == here || event.command_id == there) {
    MovedEvent renamed = kept;
    renamed.event.command_id = event.command_id == here ? there : here;
    candidates.push_back(std::move(renamed));
  }
  return candidates;
}

// Walks the log holding one event back, so a break at p can be classified
// by looking at p+1 (see FORMAT.md).
class ChainWalk {
 public:
  // `recorded` is the head the last commit wrote down before the walk
  // began; events after it that chain correctly were appended meanwhile.
  ChainWalk(const LogHead& recorded, const std::function<void(std::int64_t)>& progress, std::int64_t progress_every)
      : recorded_(recorded), progress_(progress), progress_every_(progress_every) {}

  // Returns false once the first break is known.
  bool see(const StoredEvent& event) {
    if (pending_) {
      classify(*pending_, &event);
      return false;
    }
    const std::int64_t expected = checked_ + 1;
    if (event.position != expected) {
      report(ChainBreak::Kind::missing, expected,
             "no event at position " + std::to_string(expected) + " (the next is " + std::to_string(event.position) +
                 "): events were removed");
      return false;
    }
    if (hasher_.next(running_, chain_fields(event)) != event.hash) {
      pending_ = event;
      return true;
    }
    if (event.position == recorded_.position && event.hash != recorded_.hash) {
      report(ChainBreak::Kind::changed, event.position,
             "the chain up to position " + std::to_string(event.position) +
                 " was recomputed: its hash differs from the one the last commit recorded");
      return false;
    }
    running_ = event.hash;
    ++checked_;
    if (progress_ && checked_ % progress_every_ == 0) progress_(checked_);
    return true;
  }

  void finish() {
    if (pending_) classify(*pending_, nullptr);
    if (!report_.first_break && recorded_.position > checked_) {
      report(ChainBreak::Kind::missing, checked_ + 1,
             "the log ends at position " + std::to_string(checked_) + " but the last commit recorded position " +
                 std::to_string(recorded_.position) + ": events were removed from the end");
    }
    report_.events_checked = checked_;
    report_.head_hash = running_;
  }

  ChainReport report() const { return report_; }

 private:
  void classify(const StoredEvent& broken, const StoredEvent* next) {
    const std::int64_t p = broken.position;
    const std::string at = "event at position " + std::to_string(p);
    if (next != nullptr && next->position == p + 1) {
      if (hasher_.next(broken.hash, chain_fields(*next)) == next->hash) {
        report(ChainBreak::Kind::changed, p, at + " differs from what was recorded: its contents were changed");
        return;
      }
      if (hasher_.next(running_, at_position(*next, p).fields()) == next->hash) {
        bool is_swap = false;
        for (const MovedEvent& candidate : before_swap(broken, p)) {
          is_swap = is_swap || hasher_.next(next->hash, candidate.fields()) == broken.hash;
        }
        if (is_swap) {
          report(ChainBreak::Kind::reordered, p, "events at positions " + std::to_string(p) + " and " +
                                                     std::to_string(p + 1) + " were swapped");
        } else {
          report(ChainBreak::Kind::inserted, p, at + " is not part of the chain: it was inserted");
        }
        return;
      }
    }
    if (p > recorded_.position) {
      report(ChainBreak::Kind::inserted, p, at + " lies past the head the last commit recorded (" +
                                                std::to_string(recorded_.position) + "): it was inserted");
      return;
    }
    report(ChainBreak::Kind::changed, p, at + " does not match its recorded hash: it was changed");
  }

  void report(ChainBreak::Kind kind, std::int64_t position, std::string explanation) {
    if (!report_.first_break) report_.first_break = ChainBreak{kind, position, std::move(explanation)};
  }

  LogHead recorded_;
  const std::function<void(std::int64_t)>& progress_;
  std::int64_t progress_every_;
  ChainHasher hasher_;
  Hash running_ = genesis_hash;
  std::int64_t checked_ = 0;
  std::optional<StoredEvent> pending_;
  ChainReport report_;
};

}  // namespace

std::string_view chain_break_name(ChainBreak::Kind kind) {
  switch (kind) {
    case ChainBreak::Kind::missing: return "missing";
    case ChainBreak::Kind::changed: return "changed";
    case ChainBreak::Kind::inserted: return "inserted";
    case ChainBreak::Kind::reordered: return "reordered";
  }
  throw std::logic_error("chain break kind out of range");
}

StoreResult<ChainReport> verify_chain(EventStore& store, const std::function<void(std::int64_t)>& progress,
                                      std::int64_t progress_every) {
  auto recorded = store.recorded_head();
  if (!recorded) return std::move(recorded).error();
  ChainWalk walk(*recorded, progress, progress_every);
  if (StoreStatus read = store.for_each_stored(1, [&](const StoredEvent& event) { return walk.see(event); }); !read) {
    return read.error();
  }
  walk.finish();
  return walk.report();
}

}  // namespace csp::eventstore
