// Tokens kept in the tokens file as `sha256:<64 hex>` (DESIGN.md,
// "Server"), made by csp-ledgerd --hash-token.

#include <gtest/gtest.h>

#include "server/server_harness.h"
#include "server/shell.h"

namespace csp::server::testing {
namespace {

ShellResult hash_token(const std::string& token) {
  return run_shell("printf %s " + shell_quoted(token) + " | " + shell_quoted(CSP_LEDGERD_BIN) + " --hash-token");
}

TEST(HashedTokens, HashTokenPrintsTheSha256OfTheTokenAsSha256sumDoes) {
  const ShellResult hashed = hash_token(admin_token);
  ASSERT_EQ(hashed.status, 0) << hashed.output;
  const ShellResult sum = run_shell("printf %s " + shell_quoted(admin_token) + " | sha256sum | cut -d' ' -f1");
  ASSERT_EQ(sum.status, 0) << sum.output;
  EXPECT_EQ(hashed.output, "sha256:" + sum.output);
  // A trailing newline, as `echo` adds, is no part of the token.
  EXPECT_EQ(run_shell("echo " + shell_quoted(admin_token) + " | " + shell_quoted(CSP_LEDGERD_BIN) + " --hash-token").output, hashed.output);
  const ShellResult short_token = hash_token("short");
  EXPECT_EQ(short_token.status, 2) << short_token.output;
  EXPECT_NE(short_token.output.find("16 to 512 characters"), std::string::npos) << short_token.output;
}

TEST(HashedTokens, AHashedTokenAuthenticatesAndAWrongOneGets401) {
  ServerFixture server;
  ASSERT_EQ(server.stop(), 0);
  const ShellResult hashed = hash_token(admin_token);
  ASSERT_EQ(hashed.status, 0) << hashed.output;
  const std::string hashed_form = hashed.output.substr(0, hashed.output.find('\n'));
  write_tokens_file(server.tokens_path(), hashed_form + " " + admin + "  # hashed\n" + helpdesk_token + " helen@partner.example\n");
  server.start();
  HttpClient client = server.client();
  EXPECT_EQ(client.get("/reports/agents", admin_token).status, 200u) << "the hashed token's agent";
  EXPECT_EQ(client.get("/reports/agents", helpdesk_token).status, 200u) << "a clear token beside it";
  const HttpAnswer command = client.post({{"command", "GrantRole"}, {"agent", "sam@partner.example"}, {"role", "sales-agent"}});
  EXPECT_EQ(command.status, 200u) << command.body;
  for (const std::string& wrong : {admin_token + "x", admin_token.substr(1), hashed_form, hashed_form.substr(7)}) {
    const HttpAnswer refused = client.get("/reports/agents", wrong);
    EXPECT_EQ(refused.status, 401u) << wrong;
    EXPECT_EQ(refused.json()["error"]["code"], "unauthorized");
  }
  EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace csp::server::testing
