#pragma once
// The product catalogue as a JSON file (data/catalogue.json). The shipped
// file is compiled into the executables so they run from any directory.

#include <string_view>

#include "domain/catalogue.h"
#include "domain/result.h"

namespace csp::cmd {

// invalid_input naming the product and field when the JSON is malformed, has
// the wrong format marker or version, or a product fails its checks.
domain::Result<domain::Catalogue> parse_catalogue_json(std::string_view json_text);

// The text of data/catalogue.json at build time.
std::string_view shipped_catalogue_json();

}  // namespace csp::cmd
