#include "cmd/hints.h"

#include <string>

#include "domain/email.h"

namespace csp::cmd {
namespace {

using domain::ErrorCode;

struct Hint {
  std::string_view command_line;
  std::string_view http;
};

// Empty when the code needs no hint: the message alone says what to change.
Hint hint_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::unknown_customer:
      return {"register it with `csp-ledger customer add`; `csp-ledger customer list` shows the customers",
              "register it with a RegisterCustomer command (POST /commands); GET /reports/customers lists the customers"};
    case ErrorCode::unknown_product:
      return {"`csp-ledger catalogue list` shows the SKUs", "GET /reports/catalogue lists the SKUs"};
    case ErrorCode::unknown_subscription:
      return {"`csp-ledger report subscriptions` lists the subscriptions", "GET /reports/subscriptions lists the subscriptions"};
    case ErrorCode::unknown_link:
      return {"`csp-ledger report links` lists the download links", "GET /reports/links lists the download links"};
    case ErrorCode::unknown_ticket:
      return {"`csp-ledger report refunds` lists the refund tickets", "GET /reports/refunds lists the refund tickets"};
    case ErrorCode::link_expired:
    case ErrorCode::download_limit_reached:
      return {"an admin can issue a new link with `csp-ledger link issue` (R6)",
              "an admin can issue a new link with an IssueDownloadLink command (POST /commands) (R6)"};
    default:
      return {};
  }
}

// An actor that is no agent id is told so by the domain's message already;
// over HTTP the actor is the token's agent, always an agent id.
std::string authorization_hint(FrontEnd front_end, std::string_view actor) {
  if (front_end == FrontEnd::http) return "an admin can grant one with a GrantRole command (POST /commands)";
  if (!domain::AgentId::parse(actor)) return "";
  return "an admin can grant one with `csp-ledger agent grant " + std::string(actor) + " --role ROLE`";
}

}  // namespace

domain::Error with_hint(domain::Error error, FrontEnd front_end, std::string_view actor) {
  std::string hint;
  if (error.code == ErrorCode::not_authorized) {
    hint = authorization_hint(front_end, actor);
  } else {
    const Hint known = hint_of(error.code);
    hint = front_end == FrontEnd::command_line ? known.command_line : known.http;
  }
  if (!hint.empty()) error.message += "; " + hint;
  return error;
}

}  // namespace csp::cmd
