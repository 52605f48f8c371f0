#include "cmd/server/responses.h"

#include "cmd/hints.h"
#include "cmd/output.h"
#include "cmd/server/http_status.h"

namespace csp::server {

void append_wire_bytes(Response& response, std::string& wire) {
  http::response_serializer<http::string_body> serializer{response};
  boost::beast::error_code error;
  while (!error && !serializer.is_done()) {
    serializer.next(error, [&](boost::beast::error_code&, const auto& buffers) {
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        wire.append(static_cast<const char*>(buffer.data()), buffer.size());
      }
      serializer.consume(boost::beast::buffer_bytes(buffers));
    });
  }
}

Response text_response(http::status status, std::string body, std::string content_type) {
  Response response{status, 11};
  response.set(http::field::content_type, content_type);
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

Response json_response(http::status status, const nlohmann::ordered_json& body) {
  return text_response(status, cmd::json_line(body) + "\n", "application/json");
}

Response error_response(http::status status, std::string_view code, const std::string& message) {
  return json_response(status, cmd::error_json(code, message));
}

Response refusal_response(const domain::Error& error) {
  return json_response(static_cast<http::status>(http_status_of(error.code)),
                       cmd::refusal_json(cmd::with_hint(error, cmd::FrontEnd::http, "")));
}

namespace {

nlohmann::ordered_json body_json(CommandAnswer& answer) {
  if (auto* outcome = std::get_if<cmd::Outcome>(&answer.body)) {
    if (outcome->refusal) outcome->refusal = cmd::with_hint(std::move(*outcome->refusal), cmd::FrontEnd::http, "");
    return cmd::outcome_json(std::move(*outcome));
  }
  return std::move(std::get<nlohmann::ordered_json>(answer.body));
}

}  // namespace

Response commands_response(std::vector<CommandAnswer> answers, bool is_json_lines) {
  if (!is_json_lines && answers.size() == 1) {
    return json_response(static_cast<http::status>(answers.front().http_status), body_json(answers.front()));
  }
  std::string lines;
  for (auto& answer : answers) lines += cmd::json_line(body_json(answer)) + "\n";
  return text_response(http::status::ok, std::move(lines), "application/x-ndjson");
}

}  // namespace csp::server
