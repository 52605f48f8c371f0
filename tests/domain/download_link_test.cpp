// R4, R5, R6, L5, L6, L7: keys, download links and downloads.

#include <gtest/gtest.h>

#include "fixtures.h"

namespace csp::domain {
namespace {

using namespace testing;
using std::chrono::days;
using std::chrono::microseconds;
using std::chrono::seconds;

class Links : public ::testing::Test {
 protected:
  World world;
  CustomerState customer = customer_in("JP");
  SubscriptionState subscription = purchased(windows_datacenter());

  SubscriptionState purchased(const Product& product) {
    const CommandMeta command_meta = meta(admin, day0());
    return given<SubscriptionState>(
        decide(SubscriptionState{}, purchase_of(product, customer), customer, world.context(command_meta)).events);
  }

  Decision issue(const SubscriptionState& state, const IssueDownloadLink& command, const Timestamp& when,
                 const std::string& who = admin) {
    const CommandMeta command_meta = meta(who, when);
    return decide(state, command, world.context(command_meta));
  }

  Decision download(const SubscriptionState& state, int link_serial, const Timestamp& when) {
    const CommandMeta command_meta = meta("downloader at customer1", when);
    return decide(state, RecordDownload{uuid<LinkId>(link_serial, 4)}, world.context(command_meta));
  }

  // Applies a decision's events, accepted or not (L5 events are recorded too).
  static void apply(SubscriptionState& state, const Decision& decision) {
    for (const auto& event : decision.events) state = evolve(std::move(state), event);
  }
};

TEST_F(Links, R4_AdminGetsKeyAndLink) {
  const Decision decision = issue(subscription, link_request(1), day0());
  ASSERT_TRUE((has_events<ProductKeyIssued, DownloadLinkIssued>(decision)));
  EXPECT_EQ(only<ProductKeyIssued>(decision).key, key(1));
  const auto& link = only<DownloadLinkIssued>(decision, 1);
  EXPECT_EQ(link.version, "2022");
  EXPECT_EQ(link.language, "en-us");
  EXPECT_EQ(link.file_type, "iso");
}

TEST_F(Links, R4_OnlyAdminMayIssueKeysAndLinks) {
  EXPECT_TRUE(is_refused(issue(subscription, link_request(1), day0(), sales), ErrorCode::not_authorized));
  EXPECT_TRUE(is_refused(issue(subscription, link_request(1), day0(), helpdesk), ErrorCode::not_authorized));
}

TEST_F(Links, R4_ChoicesMustBeOfferedByTheProduct) {
  IssueDownloadLink command = link_request(1);
  command.version = "2019";
  const Decision wrong_version = issue(subscription, command, day0());
  ASSERT_TRUE(is_refused(wrong_version, ErrorCode::invalid_input));
  EXPECT_NE(wrong_version.refusal->message.find("choose one of: 2022"), std::string::npos);
  command = link_request(1);
  command.language = "fr-fr";
  EXPECT_TRUE(is_refused(issue(subscription, command, day0()), ErrorCode::invalid_input));
  command = link_request(1);
  command.file_type = "vhd";
  EXPECT_TRUE(is_refused(issue(subscription, command, day0()), ErrorCode::invalid_input));
  command = link_request(1);
  command.language = "ja-jp";
  command.file_type = "vhdx";
  EXPECT_TRUE((has_events<ProductKeyIssued, DownloadLinkIssued>(issue(subscription, command, day0()))));
}

TEST_F(Links, R4_ReservedInstancesHaveNothingToDownload) {
  EXPECT_TRUE(is_refused(issue(purchased(reserved_instance()), link_request(1), day0()),
                         ErrorCode::nothing_to_download));
}

TEST_F(Links, UnknownSubscriptionAndReusedLinkIdAreRefused) {
  EXPECT_TRUE(is_refused(issue(SubscriptionState{}, link_request(1), day0()), ErrorCode::unknown_subscription));
  apply(subscription, issue(subscription, link_request(1), day0()));
  EXPECT_TRUE(is_refused(issue(subscription, link_request(1), day0()), ErrorCode::invalid_input));
}

TEST_F(Links, R4_TheKeyIsIssuedOncePerVersion) {
  apply(subscription, issue(subscription, link_request(1), day0()));
  EXPECT_TRUE(has_events<DownloadLinkIssued>(issue(subscription, link_request(2), day0())));
}

TEST_F(Links, R5_L7_LinkRecordsItsExpiryAndDownloadLimit) {
  const auto& link = only<DownloadLinkIssued>(issue(subscription, link_request(1), day0()), 1);
  EXPECT_EQ(link.expires_at, at("2026-01-15T00:00:00Z"));
  EXPECT_EQ(link.downloads_max, 50u);
}

TEST_F(Links, R5_FiftiethDownloadSucceedsFiftyFirstIsRefused) {
  apply(subscription, issue(subscription, link_request(1), day0()));
  for (int count = 1; count <= 50; ++count) {
    const Decision decision = download(subscription, 1, day0());
    ASSERT_TRUE(has_events<DownloadRecorded>(decision)) << "download " << count;
    EXPECT_EQ(only<DownloadRecorded>(decision).downloads_used, static_cast<std::uint32_t>(count));
    apply(subscription, decision);
  }
  const Decision fifty_first = download(subscription, 1, day0());
  ASSERT_TRUE(is_refused(fifty_first, ErrorCode::download_limit_reached));
  ASSERT_TRUE(has_events<DownloadDenied>(fifty_first));  // L5
  EXPECT_EQ(only<DownloadDenied>(fifty_first).reason, DenialReason::download_limit_reached);
}

TEST_F(Links, R5_DownloadAtExactlyFourteenDaysIsRefused) {
  apply(subscription, issue(subscription, link_request(1), day0()));
  const Timestamp expiry = plus(day0(), days{14});
  EXPECT_TRUE(has_events<DownloadRecorded>(download(subscription, 1, plus(expiry, microseconds{-1}))));
  const Decision at_expiry = download(subscription, 1, expiry);
  ASSERT_TRUE(is_refused(at_expiry, ErrorCode::link_expired));
  ASSERT_TRUE(has_events<DownloadDenied>(at_expiry));  // L5
  EXPECT_EQ(only<DownloadDenied>(at_expiry).reason, DenialReason::link_expired);
  EXPECT_EQ(only<DownloadDenied>(at_expiry).downloaded_by.str(), "downloader at customer1");
}

TEST_F(Links, R6_ANewLinkAfterExpiryHasFreshDaysAndDownloads) {
  apply(subscription, issue(subscription, link_request(1), day0()));
  for (int count = 0; count < 50; ++count) apply(subscription, download(subscription, 1, day0()));
  const Timestamp later = plus(day0(), days{20});
  ASSERT_TRUE(is_refused(download(subscription, 1, later), ErrorCode::link_expired));
  const Decision reissued = issue(subscription, link_request(2), later);
  ASSERT_TRUE(has_events<DownloadLinkIssued>(reissued));
  EXPECT_EQ(only<DownloadLinkIssued>(reissued).expires_at, plus(later, days{14}));
  apply(subscription, reissued);
  for (int count = 0; count < 50; ++count) {
    ASSERT_TRUE(has_events<DownloadRecorded>(download(subscription, 2, later)));
    apply(subscription, download(subscription, 2, later));
  }
  EXPECT_TRUE(is_refused(download(subscription, 2, later), ErrorCode::download_limit_reached));
}

TEST_F(Links, R6_ANewLinkNeverShortensAnOlderOne) {
  apply(subscription, issue(subscription, link_request(1), day0()));
  apply(subscription, download(subscription, 1, day0()));
  apply(subscription, issue(subscription, link_request(2), plus(day0(), days{5})));
  const Timestamp before_first_expiry = plus(day0(), days{14} - seconds{1});
  const Decision old_link = download(subscription, 1, before_first_expiry);
  ASSERT_TRUE(has_events<DownloadRecorded>(old_link));
  EXPECT_EQ(only<DownloadRecorded>(old_link).downloads_used, 2u);
  EXPECT_EQ(subscription.find_link(uuid<LinkId>(1, 4))->expires_at, plus(day0(), days{14}));
}

TEST_F(Links, L7_ALaterPolicyDoesNotChangeAnIssuedLink) {
  apply(subscription, issue(subscription, link_request(1), day0()));
  world.policy.link_lifetime = days{1};
  world.policy.link_downloads_max = 1;
  apply(subscription, download(subscription, 1, plus(day0(), days{10})));
  EXPECT_TRUE(has_events<DownloadRecorded>(download(subscription, 1, plus(day0(), days{10}))));
}

TEST_F(Links, L5_OnlyRefusedDownloadsRecordEvents) {
  EXPECT_TRUE(issue(subscription, link_request(1), day0(), sales).events.empty());
  const Decision unknown = download(subscription, 7, day0());
  EXPECT_TRUE(is_refused(unknown, ErrorCode::unknown_link));
  EXPECT_TRUE(unknown.events.empty());
}

TEST_F(Links, L6_DownloadsCannotGoBackInTime) {
  apply(subscription, issue(subscription, link_request(1), plus(day0(), days{2})));
  const Decision earlier = download(subscription, 1, plus(day0(), days{1}));
  EXPECT_TRUE(is_refused(earlier, ErrorCode::time_went_backwards));
  EXPECT_TRUE(earlier.events.empty());
  EXPECT_TRUE(is_refused(issue(subscription, link_request(2), plus(day0(), days{1})), ErrorCode::time_went_backwards));
  EXPECT_TRUE(has_events<DownloadRecorded>(download(subscription, 1, plus(day0(), days{2}))));
}

TEST_F(Links, L7_LinkKeepsTheDownloadLimitItWasIssuedWith) {
  world.policy.link_downloads_max = 3;
  apply(subscription, issue(subscription, link_request(1), day0()));
  world.policy = Policy::from_seed();
  for (int count = 1; count <= 3; ++count) {
    const Decision decision = download(subscription, 1, day0());
    ASSERT_TRUE(has_events<DownloadRecorded>(decision)) << "download " << count;
    apply(subscription, decision);
  }
  EXPECT_TRUE(is_refused(download(subscription, 1, day0()), ErrorCode::download_limit_reached));
}

}  // namespace
}  // namespace csp::domain
