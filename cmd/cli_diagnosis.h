#pragma once
// Why a command line did not parse, said about what was typed: the unknown
// command or flag by name with the nearest valid one, and the --help of the
// command it was given to. CLI11's own messages name neither.

#include <string>

#include <CLI/CLI.hpp>

namespace csp::cmd {

// `parse_message` is CLI11's message, kept when the walk finds no unknown
// word (a required flag missing, a value that does not parse).
// `program` names the executable in the messages ("csp-ledger").
std::string diagnose_arguments(const CLI::App& root, const std::string& program, int argc, const char* const* argv,
                               const std::string& parse_message);

}  // namespace csp::cmd
