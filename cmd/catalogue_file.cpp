#include "cmd/catalogue_file.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace csp::cmd {
namespace {

using domain::invalid_input;
using domain::Product;
using domain::Result;
using nlohmann::json;

constexpr std::string_view format_marker = "csp-ledger-catalogue";
constexpr int format_version = 1;

Result<std::vector<std::string>> string_list(const json& product, const char* field) {
  std::vector<std::string> values;
  if (!product.contains(field)) return values;
  const json& list = product.at(field);
  if (!list.is_array()) return invalid_input(std::string("field \"") + field + "\" must be an array of strings");
  for (const json& value : list) {
    if (!value.is_string()) return invalid_input(std::string("field \"") + field + "\" must be an array of strings");
    values.push_back(value.get<std::string>());
  }
  return values;
}

Result<std::string> required_string(const json& product, const char* field) {
  if (!product.contains(field) || !product.at(field).is_string()) {
    return invalid_input(std::string("field \"") + field + "\" is missing or not a string");
  }
  return product.at(field).get<std::string>();
}

Result<Product> parse_product(const json& entry) {
  if (!entry.is_object()) return invalid_input("a product must be a JSON object");
  Product product;
  auto sku_text = required_string(entry, "sku");
  if (!sku_text) return std::move(sku_text).error();
  auto sku = domain::Sku::parse(*sku_text);
  if (!sku) return std::move(sku).error();
  product.sku = *sku;
  const auto in_product = [&](const domain::Error& error) { return invalid_input("product " + *sku_text + ": " + error.message); };
  for (const auto& [field, target] : {std::pair{"display_name", &product.display_name}, std::pair{"family", &product.family},
                                      std::pair{"edition", &product.edition}}) {
    auto value = required_string(entry, field);
    if (!value) return in_product(value.error());
    *target = *value;
  }
  auto kind_text = required_string(entry, "kind");
  if (!kind_text) return in_product(kind_text.error());
  auto kind = domain::parse_product_kind(*kind_text);
  if (!kind) return in_product(kind.error());
  product.kind = *kind;
  for (const auto& [field, target] : {std::pair{"versions", &product.versions}, std::pair{"languages", &product.languages},
                                      std::pair{"file_types", &product.file_types}}) {
    auto values = string_list(entry, field);
    if (!values) return in_product(values.error());
    *target = std::move(values).value();
  }
  const auto hybrid = entry.find("hybrid_benefit_eligible");
  if (hybrid != entry.end() && !hybrid->is_boolean()) {
    return in_product(invalid_input("field \"hybrid_benefit_eligible\" must be true or false"));
  }
  product.hybrid_benefit_eligible = hybrid != entry.end() && hybrid->get<bool>();
  return product;
}

}  // namespace

Result<domain::Catalogue> parse_catalogue_json(std::string_view json_text) {
  const json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return invalid_input("catalogue is not valid JSON");
  if (!document.is_object() || document.value("format", "") != format_marker) {
    return invalid_input("catalogue lacks \"format\": \"csp-ledger-catalogue\"; is this the right file?");
  }
  if (!document.contains("format_version") || document.at("format_version") != format_version) {
    return invalid_input("catalogue format_version must be 1; this build reads no other");
  }
  if (!document.contains("products") || !document.at("products").is_array()) {
    return invalid_input("catalogue needs a \"products\" array");
  }
  std::vector<Product> products;
  for (const json& entry : document.at("products")) {
    auto product = parse_product(entry);
    if (!product) return std::move(product).error();
    products.push_back(std::move(product).value());
  }
  return domain::Catalogue::make(std::move(products));
}

}  // namespace csp::cmd
