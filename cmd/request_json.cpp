#include "cmd/request_json.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>

#include "cmd/command_digest.h"
#include "cmd/system.h"
#include "domain/text.h"
#include "eventstore/chain.h"

namespace csp::cmd {
namespace {

using domain::invalid_input;
using domain::Result;
// Objects as small vectors: cheaper than a map for a command's few fields.
using json = nlohmann::ordered_json;

constexpr std::array<std::string_view, 4> common_fields = {"command", "id", "actor", "at"};

bool is_among(const auto& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Reads fields of one JSON object, naming the field in every error.
class Fields {
 public:
  Fields(const json& object, std::string_view command) : object_(object), command_(command) {}

  Result<std::string> text(const char* name) const {
    used_.push_back(name);
    const auto found = object_.find(name);
    if (found == object_.end() || found->is_null()) return missing(name);
    if (!found->is_string()) return invalid_input("field \"" + std::string(name) + "\" must be a string");
    return found->get<std::string>();
  }

  std::optional<std::string> optional_text(const char* name, Result<std::string>* error_out = nullptr) const {
    used_.push_back(name);
    const auto found = object_.find(name);
    if (found == object_.end() || found->is_null()) return std::nullopt;
    if (!found->is_string()) {
      if (error_out != nullptr) *error_out = invalid_input("field \"" + std::string(name) + "\" must be a string");
      return std::nullopt;
    }
    return found->get<std::string>();
  }

  // Whether the field is given; a field asked about is one the command
  // knows, so `null` for it is no unknown field.
  bool has(const char* name) const {
    used_.push_back(name);
    const auto found = object_.find(name);
    return found != object_.end() && !found->is_null();
  }

  // A value parsed by `parse`, its error prefixed with the field's name.
  template <class T, class Parse>
  Result<T> parsed(const char* name, Parse parse) const {
    auto raw = text(name);
    if (!raw) return std::move(raw).error();
    return named(name, parse(*raw));
  }

  template <class T, class Parse>
  Result<std::optional<T>> optional_parsed(const char* name, Parse parse) const {
    if (!has(name)) {
      used_.push_back(name);
      return std::optional<T>();
    }
    auto value = parsed<T>(name, parse);
    if (!value) return std::move(value).error();
    return std::optional<T>(std::move(value).value());
  }

  Result<domain::Quantity> quantity() const {
    used_.push_back("quantity");
    const auto found = object_.find("quantity");
    if (found == object_.end() || found->is_null()) return missing("quantity");
    if (found->is_number_unsigned() && found->get<std::uint64_t>() > static_cast<std::uint64_t>(domain::Quantity::max)) {
      return invalid_input("field \"quantity\": quantity " + found->dump() + " is out of range: give a whole number from 1 to 1000000");
    }
    if (found->is_number_integer()) return named("quantity", domain::Quantity::of(found->get<std::int64_t>()));
    if (found->is_string()) return named("quantity", domain::Quantity::parse(found->get<std::string>()));
    return invalid_input("field \"quantity\" must be a whole number");
  }

  Result<std::vector<std::string>> text_list(const char* name) const {
    used_.push_back(name);
    std::vector<std::string> values;
    const auto found = object_.find(name);
    if (found == object_.end() || found->is_null()) return values;
    if (!found->is_array()) return invalid_input("field \"" + std::string(name) + "\" must be an array of strings");
    for (const auto& value : *found) {
      if (!value.is_string()) return invalid_input("field \"" + std::string(name) + "\" must be an array of strings");
      values.push_back(value.get<std::string>());
    }
    return values;
  }

  // Refuses fields the command does not take: a typo must not pass silently.
  domain::Status check_no_unknown_fields() const {
    for (const auto& [name, value] : object_.items()) {
      if (!is_among(used_, name) && !is_among(common_fields, name)) {
        return invalid_input("field \"" + name + "\" is not known for " + std::string(command_));
      }
    }
    return domain::Status::success();
  }

 private:
  domain::Error missing(const char* name) const {
    return invalid_input("field \"" + std::string(name) + "\" is missing; " + std::string(command_) + " needs it");
  }

  template <class T>
  static Result<T> named(const char* name, Result<T> value) {
    if (!value) return invalid_input("field \"" + std::string(name) + "\": " + value.error().message);
    return value;
  }

  const json& object_;
  std::string_view command_;
  // The names asked for, all string literals; a command has a handful.
  mutable std::vector<std::string_view> used_;
};

template <class Id>
Result<Id> new_or_given(const Fields& fields, const char* name, const RequestDefaults& defaults) {
  auto given = fields.optional_parsed<Id>(name, [](const std::string& text) { return Id::parse(text); });
  if (!given) return std::move(given).error();
  if (*given) return **given;
  auto made = Id::parse(defaults.new_uuid());
  if (!made) throw std::logic_error("generated id is not a GUID");
  return *made;
}

Result<domain::CustomerRef> customer_ref(const std::string& text) {
  if (auto tenant = domain::TenantId::parse(text)) return domain::CustomerRef{*tenant};
  if (auto domain_name = domain::DomainName::parse(text)) return domain::CustomerRef{*domain_name};
  return invalid_input("customer \"" + std::string(domain::utf8_prefix(text, 80)) +
                       "\" is neither a tenant GUID nor a domain name (example: contoso.onmicrosoft.com)");
}

// The caller-chosen ids new_or_given made up because the caller gave none.
std::vector<std::string_view> made_up_ids(const Fields& fields) {
  std::vector<std::string_view> made_up;
  for (const char* name : {"order_id", "subscription_id", "link_id", "ticket_id"}) {
    if (!fields.has(name)) made_up.emplace_back(name);
  }
  return made_up;
}

// Shorthand: return the error of a Result expression, else bind its value.
#define CSP_TRY(name, expression)                           \
  auto name##_result = (expression);                        \
  if (!name##_result) return std::move(name##_result).error(); \
  auto name = std::move(name##_result).value()

Result<domain::Command> parse_command(const std::string& name, const Fields& f, const RequestDefaults& defaults) {
  const auto agent_id = [](const std::string& t) { return domain::AgentId::parse(t); };
  const auto role = [](const std::string& t) { return domain::parse_role(t); };
  if (name == "InitializeLedger") {
    CSP_TRY(admin, f.parsed<domain::AgentId>("admin", agent_id));
    return domain::Command{domain::InitializeLedger{admin}};
  }
  if (name == "GrantRole" || name == "RevokeRole") {
    CSP_TRY(agent, f.parsed<domain::AgentId>("agent", agent_id));
    CSP_TRY(chosen_role, f.parsed<domain::Role>("role", role));
    if (name == "GrantRole") return domain::Command{domain::GrantRole{agent, chosen_role}};
    return domain::Command{domain::RevokeRole{agent, chosen_role}};
  }
  if (name == "RegisterCustomer") {
    CSP_TRY(tenant, f.parsed<domain::TenantId>("tenant", [](const std::string& t) { return domain::TenantId::parse(t); }));
    CSP_TRY(domain_name, f.parsed<domain::DomainName>("domain", [](const std::string& t) { return domain::DomainName::parse(t); }));
    CSP_TRY(market, f.parsed<domain::Market>("market", [](const std::string& t) { return domain::Market::parse(t); }));
    CSP_TRY(customer_name, f.optional_parsed<domain::CustomerName>("name", [](const std::string& t) { return domain::CustomerName::parse(t); }));
    return domain::Command{domain::RegisterCustomer{tenant, domain_name, market, customer_name}};
  }
  if (name == "PurchaseSoftware") {
    CSP_TRY(customer, f.parsed<domain::CustomerRef>("customer", customer_ref));
    CSP_TRY(product, f.parsed<domain::Sku>("product", [](const std::string& t) { return domain::Sku::parse(t); }));
    CSP_TRY(quantity, f.quantity());
    CSP_TRY(currency, f.parsed<domain::Currency>("currency", [](const std::string& t) { return domain::Currency::parse(t); }));
    CSP_TRY(unit_price, f.parsed<domain::Money>("unit_price", [&](const std::string& t) { return domain::Money::parse(t, currency); }));
    CSP_TRY(order, new_or_given<domain::OrderId>(f, "order_id", defaults));
    CSP_TRY(subscription, new_or_given<domain::SubscriptionId>(f, "subscription_id", defaults));
    return domain::Command{domain::PurchaseSoftware{customer, product, quantity, unit_price, order, subscription}};
  }
  if (name == "IssueDownloadLink") {
    CSP_TRY(subscription, f.parsed<domain::SubscriptionId>("subscription", [](const std::string& t) { return domain::SubscriptionId::parse(t); }));
    CSP_TRY(version, f.text("version"));
    CSP_TRY(language, f.text("language"));
    CSP_TRY(file_type, f.text("file_type"));
    CSP_TRY(link, new_or_given<domain::LinkId>(f, "link_id", defaults));
    return domain::Command{domain::IssueDownloadLink{subscription, version, language, file_type, link, defaults.new_product_key()}};
  }
  if (name == "RecordDownload") {
    CSP_TRY(link, f.parsed<domain::LinkId>("link", [](const std::string& t) { return domain::LinkId::parse(t); }));
    return domain::Command{domain::RecordDownload{link}};
  }
  if (name == "CancelPurchase") {
    if (f.has("order") == f.has("subscription")) {
      return invalid_input("CancelPurchase needs exactly one of the fields \"order\" and \"subscription\"");
    }
    domain::PurchaseRef purchase;
    if (f.has("order")) {
      CSP_TRY(order, f.parsed<domain::OrderId>("order", [](const std::string& t) { return domain::OrderId::parse(t); }));
      purchase = order;
    } else {
      CSP_TRY(subscription, f.parsed<domain::SubscriptionId>("subscription", [](const std::string& t) { return domain::SubscriptionId::parse(t); }));
      purchase = subscription;
    }
    CSP_TRY(customer, f.parsed<domain::CustomerRef>("customer", customer_ref));
    CSP_TRY(reason, f.parsed<domain::Reason>("reason", [](const std::string& t) { return domain::Reason::parse(t); }));
    CSP_TRY(amount, f.parsed<domain::DecimalAmount>("amount", [](const std::string& t) { return domain::DecimalAmount::parse(t); }));
    CSP_TRY(contact_name, f.parsed<domain::PersonName>("contact_name", [](const std::string& t) { return domain::PersonName::parse(t); }));
    CSP_TRY(contact_email, f.parsed<domain::EmailAddress>("contact_email", [](const std::string& t) { return domain::EmailAddress::parse(t); }));
    CSP_TRY(contact_phone, f.parsed<domain::PhoneNumber>("contact_phone", [](const std::string& t) { return domain::PhoneNumber::parse(t); }));
    CSP_TRY(title, f.optional_parsed<domain::Title>("title", [](const std::string& t) { return domain::Title::parse(t); }));
    CSP_TRY(impact, f.optional_parsed<domain::Impact>("impact", [](const std::string& t) { return domain::parse_impact(t); }));
    CSP_TRY(paths, f.text_list("attach"));
    std::vector<domain::Attachment> attachments;
    for (const auto& path : paths) {
      CSP_TRY(attachment, defaults.read_attachment(path));
      attachments.push_back(attachment);
    }
    CSP_TRY(ticket, new_or_given<domain::TicketId>(f, "ticket_id", defaults));
    return domain::Command{domain::CancelPurchase{purchase, customer, reason, amount,
                                                  domain::Contact{contact_name, contact_email, contact_phone}, title,
                                                  impact.value_or(domain::Impact::minimal), attachments, ticket}};
  }
  if (name == "ResolveRefundTicket") {
    CSP_TRY(ticket, f.parsed<domain::TicketId>("ticket", [](const std::string& t) { return domain::TicketId::parse(t); }));
    if (f.has("refunded") == f.has("rejected")) {
      return invalid_input("ResolveRefundTicket needs exactly one of the fields \"refunded\" (an amount) and \"rejected\" (a reason)");
    }
    if (f.has("refunded")) {
      CSP_TRY(amount, f.parsed<domain::DecimalAmount>("refunded", [](const std::string& t) { return domain::DecimalAmount::parse(t); }));
      (void)f.text("rejected");
      return domain::Command{domain::ResolveRefundTicket{ticket, domain::Refunded{amount}}};
    }
    CSP_TRY(reason, f.parsed<domain::Reason>("rejected", [](const std::string& t) { return domain::Reason::parse(t); }));
    (void)f.optional_text("refunded");
    return domain::Command{domain::ResolveRefundTicket{ticket, domain::Rejected{reason}}};
  }
  return invalid_input("command \"" + std::string(domain::utf8_prefix(name, 60)) +
                       "\" is not one of GrantRole, RevokeRole, RegisterCustomer, PurchaseSoftware, IssueDownloadLink, "
                       "RecordDownload, CancelPurchase, ResolveRefundTicket");
}

Result<domain::Attachment> read_attachment_file(const std::string& path) {
  constexpr std::uintmax_t bytes_max = 64 * 1024 * 1024;
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    return invalid_input("attachment " + path + " is not a readable regular file");
  }
  if (std::filesystem::file_size(path, error) > bytes_max || error) {
    return invalid_input("attachment " + path + " is larger than 64 MiB; attach a smaller file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return invalid_input("attachment " + path + " cannot be read");
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  std::uint64_t size = 0;
  char buffer[1 << 16];
  while (file.read(buffer, sizeof buffer) || file.gcount() > 0) {
    EVP_DigestUpdate(context, buffer, static_cast<std::size_t>(file.gcount()));
    size += static_cast<std::uint64_t>(file.gcount());
  }
  unsigned char digest[32];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  const std::string digest_hex = eventstore::bytes_hex(std::string_view(reinterpret_cast<const char*>(digest), length));
  auto name = domain::FileName::parse(std::filesystem::path(path).filename().string());
  if (!name) return invalid_input("attachment " + path + ": " + name.error().message);
  return domain::Attachment{*name, size, digest_hex};
}

}  // namespace

json parse_json_noting_repeats(std::string_view text, std::optional<std::string>& repeated_key) {
  // The keys of every object still open, innermost last; `starts` says
  // where each object's keys begin.
  std::vector<std::string> keys;
  std::vector<std::size_t> starts;
  const json::parser_callback_t note_keys = [&](int, json::parse_event_t event, json& parsed) {
    if (event == json::parse_event_t::object_start) {
      starts.push_back(keys.size());
    } else if (event == json::parse_event_t::object_end) {
      keys.resize(starts.back());
      starts.pop_back();
    } else if (event == json::parse_event_t::key) {
      const auto& name = parsed.get_ref<const std::string&>();
      const auto open_keys = keys.begin() + static_cast<std::ptrdiff_t>(starts.back());
      if (!repeated_key && std::find(open_keys, keys.end(), name) != keys.end()) repeated_key = name;
      keys.push_back(name);
    }
    return true;
  };
  repeated_key.reset();
  return json::parse(text, note_keys, /*allow_exceptions=*/false);
}

domain::Error repeated_key_error(const std::string& key) {
  return domain::Error{domain::ErrorCode::invalid_input,
                       "field \"" + key + "\" is given twice: give each field once"};
}

Result<json> parse_command_text(std::string_view text) {
  std::optional<std::string> repeated_key;
  json parsed = parse_json_noting_repeats(text, repeated_key);
  if (parsed.is_discarded()) {
    if (const auto bad = domain::first_invalid_utf8(text)) {
      return invalid_input("not valid UTF-8 (bad byte at offset " + std::to_string(*bad) + "): send JSON in UTF-8");
    }
    return invalid_input("not valid JSON");
  }
  if (repeated_key) return repeated_key_error(*repeated_key);
  return parsed;
}

RequestDefaults system_defaults() {
  return RequestDefaults{[] { return now(); }, [] { return new_uuid(); }, [] { return new_product_key(); },
                         read_attachment_file};
}

Result<Request> parse_request(const json& object, const RequestDefaults& defaults) {
  if (!object.is_object()) return invalid_input("a command must be a JSON object");
  const auto command_field = object.find("command");
  if (command_field == object.end() || !command_field->is_string()) {
    return invalid_input("field \"command\" is missing or not a string");
  }
  const std::string name = command_field->get<std::string>();
  const Fields fields(object, name);
  CSP_TRY(id, fields.optional_parsed<domain::CommandId>("id", [](const std::string& t) { return domain::CommandId::parse(t); }));
  if (id && id->str().front() == '@') return invalid_input("field \"id\": a command id may not start with '@'");
  const bool actor_is_optional = name == "RecordDownload";
  std::optional<domain::Actor> actor;
  if (actor_is_optional && !fields.has("actor")) {
    actor = *domain::Actor::parse("anonymous");
  } else {
    CSP_TRY(given, fields.parsed<domain::Actor>("actor", [](const std::string& t) { return domain::Actor::parse(t); }));
    actor = given;
  }
  CSP_TRY(at, fields.optional_parsed<domain::Timestamp>("at", [](const std::string& t) { return domain::Timestamp::parse(t); }));
  // Last: a CancelPurchase reads its attachments, which only a command
  // already known to be well formed should do.
  CSP_TRY(command, parse_command(name, fields, defaults));
  if (domain::Status known = fields.check_no_unknown_fields(); !known) return known.error();
  std::optional<eventstore::Hash> digest;
  if (id) digest = command_digest(canonical_command_json(command, *actor, made_up_ids(fields)));
  return Request{std::move(command), domain::CommandMeta{id, *actor, at.value_or(defaults.now())}, digest};
}

#undef CSP_TRY

}  // namespace csp::cmd
