// The catalogue holds only well-formed products, each SKU once.

#include <gtest/gtest.h>

#include "fixtures.h"

namespace csp::domain {
namespace {

using namespace testing;

TEST(Catalogue, FindsProductsBySku) {
  const Catalogue products = catalogue();
  EXPECT_EQ(products.find(sku("sql-server-2022-standard"))->edition, "standard");
  const auto missing = products.find(sku("office-2024"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::unknown_product);
  EXPECT_NE(missing.error().message.find("office-2024"), std::string::npos);
}

TEST(Catalogue, RefusesADuplicateSku) {
  const auto refused = Catalogue::make({sql_standard(), windows_datacenter(), sql_standard()});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("sql-server-2022-standard twice"), std::string::npos);
}

TEST(Catalogue, RefusesSoftwareWithNothingToChoose) {
  Product product = sql_standard();
  product.languages.clear();
  EXPECT_NE(Catalogue::make({product}).error().message.find("at least one language"), std::string::npos);
}

TEST(Catalogue, RefusesAReservedInstanceWithDownloadsOrHybridBenefit) {
  Product with_versions = reserved_instance();
  with_versions.versions = {"2022"};
  EXPECT_FALSE(Catalogue::make({with_versions}).ok());
  Product with_hybrid = reserved_instance();
  with_hybrid.hybrid_benefit_eligible = true;
  EXPECT_FALSE(Catalogue::make({with_hybrid}).ok());
}

TEST(Catalogue, RefusesMalformedTokens) {
  Product product = sql_standard();
  product.file_types = {"ISO"};
  EXPECT_FALSE(Catalogue::make({product}).ok());
  product = sql_standard();
  product.display_name.clear();
  EXPECT_FALSE(Catalogue::make({product}).ok());
}

TEST(ProductKind, NamesRoundTrip) {
  EXPECT_EQ(parsed(parse_product_kind("azure-reserved-instance")), ProductKind::azure_reserved_instance);
  EXPECT_EQ(product_kind_name(ProductKind::software), "software");
  EXPECT_FALSE(parse_product_kind("hardware").ok());
}

TEST(Policy, SeedHoldsTheSourceDocumentsNumbers) {
  const Policy policy = Policy::from_seed();
  EXPECT_EQ(policy.reserved_instance_restricted_markets.size(), 18u);
  EXPECT_EQ(policy.link_lifetime, std::chrono::days{14});
  EXPECT_EQ(policy.link_downloads_max, 50u);
  EXPECT_EQ(policy.cancel_window, std::chrono::days{60});
  EXPECT_TRUE(policy.restricts_reserved_instances_in(market("BR")));
  EXPECT_FALSE(policy.restricts_reserved_instances_in(market("JP")));
}

}  // namespace
}  // namespace csp::domain
