// The hash chain's canonical bytes, checked against FORMAT.md's worked example.

#include "eventstore/chain.h"
#include "store_fixture.h"

namespace csp::eventstore {
namespace {

TEST(Chain, MatchesTheWorkedExampleOfFormatMd) {
  ChainHasher hasher;
  const ChainFields first{1, "agents", 1, "AgentRoleGranted", 1, "init", "alice@partner.example", "admin-agent",
                          1'767'225'600'000'000, 1'767'225'600'000'000, std::string_view("\x01\x02", 2)};
  EXPECT_EQ(hash_hex(hasher.next(genesis_hash, first)),
            "5a9650c729ce3f7d654eb087e1c03ecf8ccf7adf59901f2dd8944bb0bd71eb6b");
}

TEST(Chain, EveryFieldAndThePredecessorChangeTheHash) {
  ChainHasher hasher;
  const ChainFields base{7, "s", 2, "T", 1, "c", "a", "r", 10, 20, "payload"};
  const Hash reference = hasher.next(genesis_hash, base);
  std::vector<ChainFields> variants(11, base);
  variants[0].position = 8;
  variants[1].stream_id = "t";
  variants[2].stream_version = 3;
  variants[3].event_type = "U";
  variants[4].schema_version = 2;
  variants[5].command_id = "d";
  variants[6].actor = "b";
  variants[7].role = "q";
  variants[8].business_time_us = 11;
  variants[9].recorded_time_us = 21;
  variants[10].payload = "payloae";
  for (std::size_t index = 0; index < variants.size(); ++index) {
    EXPECT_NE(hasher.next(genesis_hash, variants[index]), reference) << "field " << index;
  }
  Hash other_predecessor{};
  other_predecessor[31] = 1;
  EXPECT_NE(hasher.next(other_predecessor, base), reference);
  // Length prefixes keep field boundaries: "ab"+"c" differs from "a"+"bc".
  ChainFields split_one = base, split_two = base;
  split_one.actor = "ab";
  split_one.role = "c";
  split_two.actor = "a";
  split_two.role = "bc";
  EXPECT_NE(hasher.next(genesis_hash, split_one), hasher.next(genesis_hash, split_two));
}

}  // namespace
}  // namespace csp::eventstore
