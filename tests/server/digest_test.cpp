// GET /digest and GET /proof against the real csp-ledgerd: the bodies are
// `digest --json`'s and `prove --json`'s objects, and saved as files they
// check offline with `csp-ledger verify-proof`.

#include <gtest/gtest.h>

#include <fstream>

#include "server/server_harness.h"

namespace csp::server::testing {
namespace {

class DigestEndpoints : public ::testing::Test {
 protected:
  ServerFixture server;
  csp::testing::TempDir files;

  int verify_proof(const std::string& proof_body, const std::string& digest_body) {
    std::ofstream(files.file("proof.json")) << proof_body;
    std::ofstream(files.file("digest.json")) << digest_body;
    const std::string command = quoted(CSP_LEDGER_BIN) + " verify-proof --proof " + quoted(files.file("proof.json")) +
                                " --digest " + quoted(files.file("digest.json")) + " > /dev/null 2>&1";
    const int raw = std::system(command.c_str());
    return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  }
};

TEST_F(DigestEndpoints, L1_TheDigestAndAProofOfEachEventCheckOffline) {
  server.add_link();
  HttpClient client = server.client();
  const HttpAnswer digest = client.get("/digest");
  ASSERT_EQ(digest.status, 200u) << digest.body;
  EXPECT_EQ(digest.json()["ok"], true);
  EXPECT_EQ(digest.json()["command"], "digest");
  const std::int64_t size = digest.json()["result"]["tree_size"];
  EXPECT_EQ(size, client.get("/health").json()["head_position"]);
  for (std::int64_t position = 1; position <= size; ++position) {
    const HttpAnswer proof = client.get("/proof?position=" + std::to_string(position));
    ASSERT_EQ(proof.status, 200u) << proof.body;
    EXPECT_EQ(proof.json()["result"]["root"], digest.json()["result"]["root"]);
    EXPECT_EQ(verify_proof(proof.body, digest.body), 0) << position;
  }
  // A proof in an earlier tree is not one of this digest.
  const HttpAnswer earlier = client.get("/proof?position=1&tree_size=" + std::to_string(size - 1));
  ASSERT_EQ(earlier.status, 200u) << earlier.body;
  EXPECT_EQ(earlier.json()["result"]["tree_size"], size - 1);
  EXPECT_EQ(verify_proof(earlier.body, digest.body), 4);
}

TEST_F(DigestEndpoints, BadParametersAre400AndATokenIsNeeded) {
  HttpClient client = server.client();
  for (const std::string target : {"/proof", "/proof?position=0", "/proof?position=99", "/proof?position=x",
                                   "/proof?position=1&tree_size=99", "/proof?position=1&from=2", "/digest?x=1"}) {
    const HttpAnswer answer = client.get(target);
    EXPECT_EQ(answer.status, 400u) << target << answer.body;
    EXPECT_EQ(answer.json()["error"]["code"], "invalid_input") << target;
  }
  EXPECT_EQ(client.get("/digest", std::nullopt).status, 401u);
  EXPECT_EQ(client.get("/proof?position=1", std::nullopt).status, 401u);
  EXPECT_EQ(client.send(http::verb::post, "/digest").status, 405u);
}

}  // namespace
}  // namespace csp::server::testing
