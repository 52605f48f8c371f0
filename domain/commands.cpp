#include "domain/commands.h"

namespace csp::domain {

std::string customer_ref_text(const CustomerRef& customer) {
  return std::visit([](const auto& ref) { return std::string(ref.str()); }, customer);
}

std::string_view command_name(const Command& command) {
  struct Namer {
    std::string_view operator()(const InitializeLedger&) const { return "InitializeLedger"; }
    std::string_view operator()(const GrantRole&) const { return "GrantRole"; }
    std::string_view operator()(const RevokeRole&) const { return "RevokeRole"; }
    std::string_view operator()(const RegisterCustomer&) const { return "RegisterCustomer"; }
    std::string_view operator()(const PurchaseSoftware&) const { return "PurchaseSoftware"; }
    std::string_view operator()(const IssueDownloadLink&) const { return "IssueDownloadLink"; }
    std::string_view operator()(const RecordDownload&) const { return "RecordDownload"; }
    std::string_view operator()(const CancelPurchase&) const { return "CancelPurchase"; }
    std::string_view operator()(const ResolveRefundTicket&) const { return "ResolveRefundTicket"; }
  };
  return std::visit(Namer{}, command);
}

}  // namespace csp::domain
