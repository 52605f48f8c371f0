#pragma once
// A command's result as callers see it (DESIGN: `--json` and `run`), built
// from the events it appended, so a replayed command (L3) answers exactly
// as the first time.

#include <optional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/ledger_key.h"
#include "domain/error.h"
#include "domain/events.h"
#include "domain/subscription.h"

namespace csp::cmd {

// A link's result shows its product key, opened with `keys`; without the
// key file, "product_key_withheld" says why it is not there.
nlohmann::ordered_json result_of(std::string_view command_name, const std::vector<domain::Event>& events,
                                 const domain::SubscriptionState* subscription_after, const KeyAccess& keys);

// A refused download records its DownloadDenied (L5): replaying it must
// refuse again with the same code.
std::optional<domain::Error> refusal_recorded_in(const std::vector<domain::Event>& events);

}  // namespace csp::cmd
