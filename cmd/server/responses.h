#pragma once
// The bodies and statuses the server answers with (DESIGN, "Server"); the
// session only writes them.

#include <string>
#include <vector>

#include <boost/beast/http.hpp>

#include "cmd/server/group_commit.h"
#include "domain/error.h"

namespace csp::server {

namespace http = boost::beast::http;
using Response = http::response<http::string_body>;

// Appends the response as it goes on the wire, header and body.
void append_wire_bytes(Response& response, std::string& wire);

Response text_response(http::status status, std::string body, std::string content_type);
Response json_response(http::status status, const nlohmann::ordered_json& body);
// {"ok":false,"error":{"code":...,"message":...}} with `status`; `code` may
// be one outside the rules' vocabulary (unauthorized, not_found, ...).
Response error_response(http::status status, std::string_view code, const std::string& message);
Response refusal_response(const domain::Error& error);

// One command: its result object with its own status. Several (JSON
// lines): 200 and one result line each.
Response commands_response(std::vector<CommandAnswer> answers, bool is_json_lines);

}  // namespace csp::server
