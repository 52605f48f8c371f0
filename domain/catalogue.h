#pragma once
// The product catalogue. A purchase copies its product into the event (L7),
// so later edits of the catalogue never change what was sold.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "domain/result.h"
#include "domain/sku.h"

namespace csp::domain {

// Stored in events as a number: never renumber one.
enum class ProductKind : std::uint8_t {
  software = 1,                 // keys and downloads
  azure_reserved_instance = 2,  // reserved VM capacity: nothing to download
};

std::string_view product_kind_name(ProductKind kind);  // "software", "azure-reserved-instance"
Result<ProductKind> parse_product_kind(std::string_view text);

struct Product {
  Sku sku;
  std::string display_name;
  std::string family;   // "windows-server", "sql-server", "azure-reserved-instance"
  std::string edition;  // "datacenter", "standard", "enterprise", "d2s-v5-1y"
  ProductKind kind = ProductKind::software;
  std::vector<std::string> versions;    // software only
  std::vector<std::string> languages;   // software only, e.g. "en-us"
  std::vector<std::string> file_types;  // software only, e.g. "iso"
  bool hybrid_benefit_eligible = false;  // R2

  bool offers(const std::vector<std::string>& choices, std::string_view wanted) const;

  friend bool operator==(const Product&, const Product&) = default;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(sku, display_name, family, edition, kind, versions, languages, file_types, hybrid_benefit_eligible);
  }
};

// Checks one product on its own: tokens well formed, software offers at least
// one version, language and file type, a reserved instance offers none and is
// never Hybrid Benefit eligible.
Status check_product(const Product& product);

class Catalogue {
 public:
  // Refused when a product fails check_product or a SKU appears twice.
  static Result<Catalogue> make(std::vector<Product> products);

  // unknown_product when the SKU is not in the catalogue.
  Result<Product> find(const Sku& sku) const;
  const std::vector<Product>& products() const { return products_; }

 private:
  std::vector<Product> products_;  // sorted by SKU
};

}  // namespace csp::domain
