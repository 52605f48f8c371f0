#pragma once
// The operator's web view (web/): static files compiled into csp-ledgerd,
// so the server needs nothing beside it and the page works offline.

#include <optional>
#include <string_view>

namespace csp::server {

struct WebAsset {
  std::string_view body;
  std::string_view content_type;
};

// The file served at `path` ("/" is index.html); empty for any other path.
std::optional<WebAsset> web_asset(std::string_view path);

// What the page may load and where it may connect: its own files and this
// server's API only. Nothing inline, so an injected value cannot run.
inline constexpr std::string_view web_content_security_policy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

}  // namespace csp::server
