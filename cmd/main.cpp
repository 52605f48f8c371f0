// csp-ledger: the command runner.

#include <exception>
#include <iostream>

#include "cmd/cli.h"

int main(int argc, char** argv) {
  try {
    return csp::cmd::run_cli(argc, argv);
  } catch (const std::exception& failure) {
    std::cerr << "csp-ledger: internal error: " << failure.what() << "\n";
    return 1;
  }
}
