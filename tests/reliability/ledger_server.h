#pragma once
// A fresh ledger served by a real csp-ledgerd, as the campaigns that
// attack the server need it: the ledger made by `csp-ledger init`, a
// tokens file holding the admin's token, and the server on a free port.

#include <memory>
#include <string>
#include <vector>

#include "bench/server_child.h"

namespace csp::reliability {

struct ServerFiles {
  std::string db;
  std::string tokens;
  std::string log;      // the server's stderr, appended across restarts
  std::string scratch;  // an export read back
  std::string output;   // what `audit verify` printed
};

// The files' places in `dir`.
ServerFiles server_files_in(const std::string& dir);

// `csp-ledger init` with `admin` as the first admin, and a tokens file
// giving `token` to `admin`. Throws std::runtime_error when init fails.
void make_served_ledger(const std::string& ledger_bin, const ServerFiles& files, const std::string& admin,
                        const std::string& token);

// csp-ledgerd on the ledger, on 127.0.0.1 and a free port, logging only
// problems; `flags` are added to its command line. Throws
// std::runtime_error when it does not start.
std::unique_ptr<bench::ServerChild> start_ledger_server(const std::string& ledgerd_bin, const ServerFiles& files,
                                                        const std::vector<std::string>& flags = {});

// Empty when the server on `port` answers GET /health with 200 and takes
// a new command (a GrantRole to `agent` under `command_id`); else what it
// did instead, as "answered /health with 503".
std::string why_not_serving(unsigned short port, const std::string& token, const std::string& command_id,
                            const std::string& agent);

}  // namespace csp::reliability
