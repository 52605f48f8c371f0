#include "reliability/command_stories.h"

#include <cstdio>

namespace csp::reliability {
namespace {

// Downloads per subscription before it is cancelled; well under R5's 50.
constexpr int downloads_per_link = 3;

}  // namespace

CommandStory::CommandStory(std::string id_prefix, std::uint64_t seed) : id_prefix_(std::move(id_prefix)), random_(seed) {}

std::string CommandStory::uuid() {
  const std::uint64_t high = random_();
  const std::uint64_t low = random_();
  char text[37];
  // Version 4, variant 1: a UUID every parser takes.
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(high >> 32),
                static_cast<unsigned>((high >> 16) & 0xffff), static_cast<unsigned>(high & 0xfff),
                static_cast<unsigned>(0x8000 | (low >> 48 & 0x3fff)),
                static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return text;
}

nlohmann::json CommandStory::with_id(nlohmann::json command) {
  command["id"] = id_prefix_ + "-" + std::to_string(++commands_);
  return command;
}

nlohmann::json CommandStory::next() {
  if (tenant_.empty()) {
    tenant_ = uuid();
    return with_id({{"command", "RegisterCustomer"}, {"tenant", tenant_},
                    {"domain", "c" + tenant_.substr(0, 8) + ".onmicrosoft.com"}, {"market", "JP"}});
  }
  const int step = step_;
  step_ = (step_ + 1) % (downloads_per_link + 3);
  if (step == 0) {
    subscription_ = uuid();
    return with_id({{"command", "PurchaseSoftware"}, {"customer", tenant_}, {"product", "windows-server-2022-datacenter"},
                    {"quantity", 1}, {"unit_price", "100.00"}, {"currency", "USD"}, {"subscription_id", subscription_}});
  }
  if (step == 1) {
    link_ = uuid();
    return with_id({{"command", "IssueDownloadLink"}, {"subscription", subscription_}, {"version", "2022"},
                    {"language", "en-us"}, {"file_type", "iso"}, {"link_id", link_}});
  }
  if (step <= downloads_per_link + 1) return with_id({{"command", "RecordDownload"}, {"link", link_}});
  return with_id({{"command", "CancelPurchase"}, {"subscription", subscription_}, {"customer", tenant_},
                  {"reason", "bought by mistake"}, {"amount", "10.00"}, {"contact_name", "Kenji Sato"},
                  {"contact_email", "kenji@contoso.example"}, {"contact_phone", "+81 3 1234 5678"},
                  {"ticket_id", uuid()}});
}

}  // namespace csp::reliability
