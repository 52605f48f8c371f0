#pragma once
// The csp-ledger command line (DESIGN.md, "Command-line contract").

namespace csp::cmd {

// Parses argv, runs the chosen subcommand, returns the exit status.
int run_cli(int argc, char** argv);

}  // namespace csp::cmd
