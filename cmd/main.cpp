// csp-ledger: the command runner. Until the event store and the runner land,
// it only checks the shipped catalogue and says what it will do.

#include <exception>
#include <iostream>

#include "cmd/catalogue_file.h"

int main() {
  try {
    auto catalogue = csp::cmd::parse_catalogue_json(csp::cmd::shipped_catalogue_json());
    if (!catalogue) {
      std::cerr << "csp-ledger: the shipped catalogue is invalid: " << catalogue.error().message << "\n";
      return 1;
    }
    std::cout << "csp-ledger: placeholder — the command runner is not built yet.\n"
              << "The domain model and its tests are in place; the catalogue ships "
              << catalogue->products().size() << " products.\n";
    return 0;
  } catch (const std::exception& failure) {
    std::cerr << "csp-ledger: internal error: " << failure.what() << "\n";
    return 1;
  }
}
