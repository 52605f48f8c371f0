#include "domain/catalogue.h"

#include <algorithm>

#include "domain/text.h"

namespace csp::domain {
namespace {

Status check_choices(const Product& product, const std::vector<std::string>& choices, std::string_view what) {
  const std::string where = "product " + product.sku.str() + ": ";
  if (product.kind == ProductKind::azure_reserved_instance) {
    if (!choices.empty()) return invalid_input(where + "a reserved instance has no " + std::string(what) + "s to offer");
    return Status::success();
  }
  if (choices.empty()) return invalid_input(where + "software must offer at least one " + std::string(what));
  for (const auto& choice : choices) {
    auto token = parse_token(choice, what);
    if (!token) return invalid_input(where + token.error().message);
  }
  return Status::success();
}

}  // namespace

std::string_view product_kind_name(ProductKind kind) {
  switch (kind) {
    case ProductKind::software: return "software";
    case ProductKind::azure_reserved_instance: return "azure-reserved-instance";
  }
  throw std::logic_error("product kind out of range");
}

Result<ProductKind> parse_product_kind(std::string_view text) {
  for (const ProductKind kind : {ProductKind::software, ProductKind::azure_reserved_instance}) {
    if (product_kind_name(kind) == text) return kind;
  }
  return invalid_input("product kind \"" + std::string(utf8_prefix(text, 40)) +
                       "\" is not one of software, azure-reserved-instance");
}

bool Product::offers(const std::vector<std::string>& choices, std::string_view wanted) const {
  return std::find(choices.begin(), choices.end(), wanted) != choices.end();
}

Status check_product(const Product& product) {
  const std::string where = "product " + product.sku.str() + ": ";
  if (auto sku = Sku::parse(product.sku.str()); !sku) return invalid_input(where + sku.error().message);
  if (product.display_name.empty() || product.display_name.size() > 200) {
    return invalid_input(where + "display name must be 1 to 200 characters");
  }
  if (auto family = parse_token(product.family, "family"); !family) return invalid_input(where + family.error().message);
  if (auto edition = parse_token(product.edition, "edition"); !edition) {
    return invalid_input(where + edition.error().message);
  }
  if (product.kind == ProductKind::azure_reserved_instance && product.hybrid_benefit_eligible) {
    return invalid_input(where + "Azure Hybrid Benefit applies to Windows Server licences, not to reserved instances");
  }
  for (const auto& [choices, what] : {std::pair{&product.versions, "version"}, std::pair{&product.languages, "language"},
                                      std::pair{&product.file_types, "file type"}}) {
    if (Status status = check_choices(product, *choices, what); !status) return status;
  }
  return Status::success();
}

Result<Catalogue> Catalogue::make(std::vector<Product> products) {
  for (const auto& product : products) {
    if (Status status = check_product(product); !status) return status.error();
  }
  std::sort(products.begin(), products.end(), [](const Product& a, const Product& b) { return a.sku < b.sku; });
  const auto duplicate = std::adjacent_find(products.begin(), products.end(),
                                            [](const Product& a, const Product& b) { return a.sku == b.sku; });
  if (duplicate != products.end()) {
    return invalid_input("catalogue lists product " + duplicate->sku.str() + " twice");
  }
  Catalogue catalogue;
  catalogue.products_ = std::move(products);
  return catalogue;
}

Result<Product> Catalogue::find(const Sku& sku) const {
  const auto found = std::lower_bound(products_.begin(), products_.end(), sku,
                                      [](const Product& product, const Sku& wanted) { return product.sku < wanted; });
  if (found == products_.end() || !(found->sku == sku)) {
    return Error{ErrorCode::unknown_product,
                 "product \"" + sku.str() + "\" is not in the catalogue"};
  }
  return *found;
}

}  // namespace csp::domain
