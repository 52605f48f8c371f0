#include "reliability/ledger_server.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "reliability/child_process.h"
#include "reliability/http_client.h"
#include "reliability/server_load.h"

namespace csp::reliability {

ServerFiles server_files_in(const std::string& dir) {
  const std::filesystem::path folder(dir);
  return ServerFiles{(folder / "ledger.db").string(), (folder / "tokens").string(), (folder / "server.log").string(),
                     (folder / "export.jsonl").string(), (folder / "output.txt").string()};
}

void make_served_ledger(const std::string& ledger_bin, const ServerFiles& files, const std::string& admin,
                        const std::string& token) {
  if (run_to_end({ledger_bin, "--db", files.db, "init", "--admin", admin}) != 0) {
    throw std::runtime_error("csp-ledger init failed");
  }
  std::ofstream(files.tokens) << token << " " << admin << "\n";
  // csp-ledgerd refuses a tokens file others may read.
  std::filesystem::permissions(files.tokens, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

std::unique_ptr<bench::ServerChild> start_ledger_server(const std::string& ledgerd_bin, const ServerFiles& files,
                                                        const std::vector<std::string>& flags) {
  std::vector<std::string> args{ledgerd_bin, "--db", files.db, "--tokens", files.tokens, "--listen", "127.0.0.1:0",
                                "--log-level", "warn"};
  args.insert(args.end(), flags.begin(), flags.end());
  return std::make_unique<bench::ServerChild>(args, files.log);
}

std::string why_not_serving(unsigned short port, const std::string& token, const std::string& command_id,
                            const std::string& agent) {
  try {
    HttpClient connection(port, token);
    if (const unsigned status = connection.get("/health").status; status != 200) {
      return "answered /health with " + std::to_string(status);
    }
  } catch (const std::exception& error) {
    return std::string("gave no /health: ") + error.what();
  }
  std::string why;
  const std::string body =
      nlohmann::json{{"id", command_id}, {"command", "GrantRole"}, {"agent", agent}, {"role", "sales-agent"}}.dump();
  if (send_once(port, token, body, why).empty()) return "took no new command: " + why;
  return "";
}

}  // namespace csp::reliability
