#pragma once
// csp-ledgerd: the HTTP server of DESIGN.md ("Server"), from its options to
// its exit status.

#include <functional>
#include <string>

#include "cmd/server/server_context.h"

namespace csp::server {

struct ServerOptions {
  std::string db_path;
  std::string key_file;  // "": beside a SQLite ledger as <db>.key (cmd/ledger_key.h)
  std::string listen = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  std::string tokens_path;
  // Both or neither: HTTPS with this PEM certificate chain and key.
  std::string tls_certificate_path;
  std::string tls_key_path;
  // Plain HTTP on an address other than loopback: bearer tokens would
  // cross the network in clear, so it must be asked for.
  bool is_insecure_listen_allowed = false;
  // GET /metrics without a token, for a Prometheus scrape: the figures say
  // how busy the ledger is, never what is in it.
  bool is_metrics_public = false;
  ServerLimits limits;
};

// Serves until SIGTERM or SIGINT, then answers every command already read
// (each only once durable) and returns 0. Prints
// "csp-ledgerd: listening on HOST:PORT" on stdout once it accepts
// connections. 2 for a bad tokens file (one that group or others may
// read or write included), address, TLS certificate or key, or ledger
// file, and for plain HTTP on an address other than loopback without
// is_insecure_listen_allowed, with a message on stderr; 1 when it cannot
// listen.
int run_server(const ServerOptions& options);

}  // namespace csp::server
