#include "cmd/cli_diagnosis.h"

#include "cmd/nearest.h"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace csp::cmd {
namespace {

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

const CLI::App* subcommand_named(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

// Flags reach the parents' flags too: the global ones may follow a command.
const CLI::Option* flag_named(const CLI::App& app, const std::string& name) {
  for (const CLI::App* scope = &app; scope != nullptr; scope = scope->get_parent()) {
    if (const CLI::Option* option = scope->get_option_no_throw(name); option != nullptr && option->nonpositional()) {
      return option;
    }
  }
  return nullptr;
}

std::vector<std::string> flag_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* scope = &app; scope != nullptr; scope = scope->get_parent()) {
    for (const CLI::Option* option : scope->get_options()) {
      for (const auto& name : option->get_lnames()) names.push_back("--" + name);
    }
  }
  return names;
}

std::size_t positional_count(const CLI::App& app) {
  return app.get_options([](const CLI::Option* option) { return option->get_positional(); }).size();
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + word;
  return text;
}

struct Walk {
  const CLI::App* app;
  std::string path;  // "csp-ledger agent grant"
  std::optional<std::string> unknown;
};

Walk walk(const CLI::App& root, const std::string& program, int argc, const char* const* argv) {
  Walk at{&root, program, std::nullopt};
  std::size_t positionals_used = 0;
  for (int index = 1; index < argc; ++index) {
    const std::string word = argv[index];
    if (word == "--") break;
    if (word.size() > 1 && word[0] == '-') {
      const std::string name = word.substr(0, word.find('='));
      const CLI::Option* option = flag_named(*at.app, name);
      if (option == nullptr) {
        at.unknown = "unknown flag " + name + " for `" + at.path + "` (nearest: " + nearest(name, flag_names(*at.app)) + ")";
        return at;
      }
      if (option->get_expected_min() > 0 && name.size() == word.size()) ++index;
      continue;
    }
    if (const CLI::App* sub = subcommand_named(*at.app, word)) {
      at.app = sub;
      at.path += " " + word;
      positionals_used = 0;
      continue;
    }
    if (positionals_used < positional_count(*at.app)) {
      ++positionals_used;
      continue;
    }
    const std::vector<std::string> commands = subcommand_names(*at.app);
    at.unknown = commands.empty() ? "unexpected argument \"" + word + "\" for `" + at.path + "`"
                                  : "unknown command \"" + word + "\" for `" + at.path + "` (nearest: " +
                                        nearest(word, commands) + "; the commands are " + joined(commands) + ")";
    return at;
  }
  return at;
}

// CLI11 ends some messages with its own pointer to --help.
std::string without_help_pointer(std::string message) {
  for (const std::string_view tail : {"Run with --help for more information.", "Run with --help for more information"}) {
    if (const std::size_t found = message.find(tail); found != std::string::npos) message.erase(found);
  }
  while (!message.empty() && (message.back() == ' ' || message.back() == '\n' || message.back() == '.')) message.pop_back();
  return message;
}

}  // namespace

std::string diagnose_arguments(const CLI::App& root, const std::string& program, int argc, const char* const* argv,
                               const std::string& parse_message) {
  const Walk at = walk(root, program, argc, argv);
  const std::string help = "; see `" + at.path + " --help`";
  if (at.unknown) return *at.unknown + help;
  const std::vector<std::string> commands = subcommand_names(*at.app);
  if (!commands.empty() && at.app->get_require_subcommand_min() > 0) {
    return "`" + at.path + "` needs a command: " + joined(commands) + help;
  }
  return without_help_pointer(parse_message) + help;
}

}  // namespace csp::cmd
