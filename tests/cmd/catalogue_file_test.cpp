// The shipped catalogue has what DESIGN.md promises; a bad file is refused.

#include <gtest/gtest.h>

#include "cmd/catalogue_file.h"

namespace csp::cmd {
namespace {

using domain::ProductKind;

domain::Catalogue shipped() {
  auto catalogue = parse_catalogue_json(shipped_catalogue_json());
  if (!catalogue) throw std::runtime_error(catalogue.error().message);
  return std::move(catalogue).value();
}

domain::Product product(const domain::Catalogue& catalogue, const std::string& sku) {
  auto found = catalogue.find(*domain::Sku::parse(sku));
  if (!found) throw std::runtime_error(found.error().message);
  return *found;
}

TEST(ShippedCatalogue, HasEverySoftwareSkuWithItsYearLanguagesAndFileTypes) {
  const auto catalogue = shipped();
  for (const std::string year : {"2022", "2019"}) {
    for (const std::string edition : {"datacenter", "standard"}) {
      const auto windows = product(catalogue, "windows-server-" + year + "-" + edition);
      EXPECT_EQ(windows.family, "windows-server");
      EXPECT_EQ(windows.edition, edition);
      EXPECT_TRUE(windows.hybrid_benefit_eligible) << "R2: " << windows.sku.str();
      EXPECT_TRUE(windows.offers(windows.versions, year));
    }
  }
  for (const std::string edition : {"standard", "enterprise"}) {
    const auto sql = product(catalogue, "sql-server-2022-" + edition);
    EXPECT_FALSE(sql.hybrid_benefit_eligible);
    EXPECT_TRUE(sql.offers(sql.versions, "2022"));
  }
  for (const auto& item : catalogue.products()) {
    if (item.kind != ProductKind::software) continue;
    for (const char* language : {"en-us", "ja-jp"}) EXPECT_TRUE(item.offers(item.languages, language)) << item.sku.str();
    for (const char* file_type : {"iso", "vhdx"}) EXPECT_TRUE(item.offers(item.file_types, file_type)) << item.sku.str();
  }
}

TEST(ShippedCatalogue, HasTheReservedInstances) {
  const auto catalogue = shipped();
  for (const std::string term : {"1y", "3y"}) {
    const auto ri = product(catalogue, "azure-ri-vm-d2s-v5-" + term);
    EXPECT_EQ(ri.kind, ProductKind::azure_reserved_instance);
    EXPECT_TRUE(ri.versions.empty());
  }
}

TEST(CatalogueFile, RefusesWhatIsNotACatalogue) {
  EXPECT_NE(parse_catalogue_json("{").error().message.find("not valid JSON"), std::string::npos);
  EXPECT_NE(parse_catalogue_json("{\"products\":[]}").error().message.find("csp-ledger-catalogue"), std::string::npos);
  EXPECT_FALSE(parse_catalogue_json(R"({"format":"csp-ledger-catalogue","format_version":2,"products":[]})").ok());
  EXPECT_FALSE(parse_catalogue_json(R"({"format":"csp-ledger-catalogue","format_version":1})").ok());
}

TEST(CatalogueFile, NamesTheProductAndFieldThatIsWrong) {
  const auto refused = parse_catalogue_json(R"({"format":"csp-ledger-catalogue","format_version":1,"products":[
      {"sku":"x-1","display_name":"X","family":"x","edition":"e","kind":"hardware"}]})");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("product x-1"), std::string::npos) << refused.error().message;
  EXPECT_NE(refused.error().message.find("hardware"), std::string::npos);
  const auto no_family = parse_catalogue_json(R"({"format":"csp-ledger-catalogue","format_version":1,"products":[
      {"sku":"x-1","display_name":"X","edition":"e","kind":"software"}]})");
  EXPECT_NE(no_family.error().message.find("\"family\""), std::string::npos);
  const auto bad_list = parse_catalogue_json(R"({"format":"csp-ledger-catalogue","format_version":1,"products":[
      {"sku":"x-1","display_name":"X","family":"x","edition":"e","kind":"software","versions":"2022"}]})");
  EXPECT_NE(bad_list.error().message.find("\"versions\""), std::string::npos);
}

}  // namespace
}  // namespace csp::cmd
