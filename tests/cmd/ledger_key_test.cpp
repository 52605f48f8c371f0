// The ledger key that seals product keys at rest: AES-256-GCM envelopes
// that only their own key opens, and that fail to open when one byte of
// them changes.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "cmd/ledger_key.h"
#include "domain/event_codec.h"
#include "support/temp_dir.h"

namespace csp::cmd {
namespace {

const std::string clear_key = "VK7JG-RPHTM-C97JM-9MPGT-3V66T";

domain::ProductKey product_key() { return *domain::ProductKey::parse(clear_key); }

class LedgerKeyTest : public ::testing::Test {
 protected:
  csp::testing::TempDir folder;
  LedgerKey key = *LedgerKey::load_or_create(folder.file("ledger.key"));
};

TEST_F(LedgerKeyTest, ASealedKeyOpensToItselfAndHoldsNoClearText) {
  const domain::ProductKey sealed = key.seal(product_key());
  ASSERT_TRUE(sealed.is_sealed());
  EXPECT_EQ(sealed.sealed().size(), domain::ProductKey::sealed_bytes);
  EXPECT_EQ(sealed.sealed().find(clear_key), std::string::npos);
  EXPECT_EQ(sealed.sealed().find("VK7JG"), std::string::npos);
  EXPECT_EQ(envelope_key_id(sealed), key.id());

  // As the log holds it: the envelope only, which the domain carries unopened.
  auto stored = domain::ProductKey::from_sealed(sealed.sealed());
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_FALSE(stored->is_clear());
  auto opened = key.open(*stored);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  EXPECT_EQ(opened->str(), clear_key);
}

TEST_F(LedgerKeyTest, EachSealingHasANonceOfItsOwn) {
  EXPECT_NE(key.seal(product_key()).sealed(), key.seal(product_key()).sealed());
}

TEST_F(LedgerKeyTest, AnEnvelopeChangedInAnyByteDoesNotOpen) {
  const std::string envelope = key.seal(product_key()).sealed();
  for (std::size_t at = 1; at < envelope.size(); ++at) {
    std::string changed = envelope;
    changed[at] = static_cast<char>(changed[at] ^ 0x01);
    auto opened = key.open(*domain::ProductKey::from_sealed(changed));
    EXPECT_FALSE(opened.ok()) << "byte " << at;
  }
  EXPECT_TRUE(key.open(*domain::ProductKey::from_sealed(envelope)).ok()) << "a failed opening leaves the key usable";
}

TEST_F(LedgerKeyTest, AnotherLedgersKeyDoesNotOpenItAndSaysWhose) {
  const domain::ProductKey sealed = key.seal(product_key());
  const LedgerKey other = *LedgerKey::load_or_create(folder.file("other.key"));
  ASSERT_NE(other.id(), key.id());
  auto opened = other.open(sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_NE(opened.error().message.find(key.id()), std::string::npos) << opened.error().message;
  EXPECT_NE(opened.error().message.find(other.id()), std::string::npos) << opened.error().message;
}

TEST_F(LedgerKeyTest, TheKeyFileIsTheOwnersAloneAndNeverReplaced) {
  struct stat status {};
  ASSERT_EQ(::stat(folder.file("ledger.key").c_str(), &status), 0);
  EXPECT_EQ(status.st_mode & 0777, 0600u);
  auto again = LedgerKey::load_or_create(folder.file("ledger.key"));
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->id(), key.id());
}

TEST_F(LedgerKeyTest, AKeyFileOthersCanReadOrOfTheWrongShapeIsRefused) {
  ::chmod(folder.file("ledger.key").c_str(), 0644);
  auto readable = LedgerKey::load(folder.file("ledger.key"));
  ASSERT_FALSE(readable.ok());
  EXPECT_NE(readable.error().message.find("chmod 600"), std::string::npos) << readable.error().message;

  std::ofstream(folder.file("short.key")) << "abcd\n";
  ::chmod(folder.file("short.key").c_str(), 0600);
  auto shortened = LedgerKey::load(folder.file("short.key"));
  ASSERT_FALSE(shortened.ok());
  EXPECT_NE(shortened.error().message.find("64 hex digits"), std::string::npos) << shortened.error().message;

  auto missing = LedgerKey::load(folder.file("missing.key"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("missing.key"), std::string::npos);
}

TEST_F(LedgerKeyTest, WithoutAKeyFileNothingIsSealedOrOpenedAndTheReasonIsGiven) {
  const KeyAccess absent = KeyAccess::absent("its key file x.key is not there");
  auto sealed = absent.seal(product_key());
  ASSERT_FALSE(sealed.ok());
  EXPECT_NE(sealed.error().message.find("x.key is not there"), std::string::npos);
  EXPECT_FALSE(absent.open(*domain::ProductKey::from_sealed(key.seal(product_key()).sealed())).ok());
  EXPECT_TRUE(absent.open(product_key()).ok()) << "a key in clear needs no key file";
}

// The payload of a key's event holds the envelope, and a ledger made
// before keys were sealed still decodes, its keys in clear.
TEST_F(LedgerKeyTest, PayloadsHoldTheEnvelopeAndOldClearKeysStillDecode) {
  const auto subscription = *domain::SubscriptionId::parse("11111111-1111-4111-8111-111111111111");
  const auto at = *domain::Timestamp::parse("2026-01-01T00:00:00Z");
  const domain::Event sealed_event = domain::ProductKeyIssued{subscription, "2022", key.seal(product_key()), at};
  const std::string payload = domain::encode_payload(sealed_event);
  EXPECT_EQ(payload.find(clear_key), std::string::npos);
  auto decoded = domain::decode_payload("ProductKeyIssued", 1, payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->index(), sealed_event.index());
  const auto& issued = std::get<domain::ProductKeyIssued>(*decoded);
  EXPECT_FALSE(issued.key.is_clear());
  EXPECT_EQ(key.open(issued.key)->str(), clear_key);

  const domain::Event clear_event = domain::ProductKeyIssued{subscription, "2022", product_key(), at};
  auto old = domain::decode_payload("ProductKeyIssued", 1, domain::encode_payload(clear_event));
  ASSERT_TRUE(old.ok()) << old.error().message;
  EXPECT_EQ(std::get<domain::ProductKeyIssued>(*old).key.str(), clear_key);

  std::string cut = payload;
  cut.erase(cut.size() - 12, 4);  // inside the envelope: no longer its size
  EXPECT_FALSE(domain::decode_payload("ProductKeyIssued", 1, cut).ok());
}

}  // namespace
}  // namespace csp::cmd
