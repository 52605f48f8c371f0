#include "reliability/command_file.h"

#include <fstream>

#include "reliability/command_stories.h"

namespace csp::reliability {

std::vector<std::string> write_command_file(const std::string& path, std::int64_t commands, std::int64_t story_commands,
                                            const std::string& actor, std::uint64_t seed) {
  std::ofstream output(path);
  std::vector<std::string> ids;
  for (std::int64_t story_number = 0; static_cast<std::int64_t>(ids.size()) < commands; ++story_number) {
    CommandStory story("file-" + std::to_string(story_number), seed + static_cast<std::uint64_t>(story_number));
    for (std::int64_t i = 0; i < story_commands && static_cast<std::int64_t>(ids.size()) < commands; ++i) {
      nlohmann::json command = story.next();
      command["actor"] = actor;
      ids.push_back(command["id"].get<std::string>());
      output << command.dump() << "\n";
    }
  }
  return ids;
}

}  // namespace csp::reliability
