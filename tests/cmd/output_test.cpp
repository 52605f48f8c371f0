// Exit statuses and JSON bodies of DESIGN.md, for every stable error code,
// including those no single command-line call can provoke.

#include <gtest/gtest.h>

#include "cmd/output.h"

namespace csp::cmd {
namespace {

TEST(ExitStatus, InvalidInputIsTwoEveryRuleRefusalIsThree) {
  for (int index = 0; index < domain::error_code_count; ++index) {
    const auto code = static_cast<domain::ErrorCode>(index);
    const int expected = code == domain::ErrorCode::invalid_input ? exit_bad_input : exit_refused;
    EXPECT_EQ(exit_status_of(domain::Error{code, "x"}), expected) << domain::code_name(code);
  }
  EXPECT_EQ(exit_status_of(domain::Error{domain::ErrorCode::concurrency_conflict, "x"}), 3);
}

TEST(ExitStatus, StoreFailuresAreBadInputOrOne) {
  using Kind = eventstore::StoreError::Kind;
  EXPECT_EQ(exit_status_of(eventstore::StoreError{Kind::not_found, ""}), 2);
  EXPECT_EQ(exit_status_of(eventstore::StoreError{Kind::not_a_ledger, ""}), 2);
  EXPECT_EQ(exit_status_of(eventstore::StoreError{Kind::newer_format, ""}), 2);
  EXPECT_EQ(exit_status_of(eventstore::StoreError{Kind::corrupt, ""}), 1);
  EXPECT_EQ(exit_status_of(eventstore::StoreError{Kind::io, ""}), 1);
}

TEST(OutcomeJson, HasTheContractsShape) {
  Outcome done;
  done.command_name = "PurchaseSoftware";
  done.result["order_id"] = "o-1";
  done.positions = {7};
  EXPECT_EQ(outcome_json(done).dump(),
            R"({"ok":true,"command":"PurchaseSoftware","result":{"order_id":"o-1"},"positions":[7]})");
  Outcome refused;
  refused.refusal = domain::Error{domain::ErrorCode::concurrency_conflict, "try again"};
  EXPECT_EQ(outcome_json(refused).dump(),
            R"({"ok":false,"error":{"code":"concurrency_conflict","message":"try again"}})");
}

}  // namespace
}  // namespace csp::cmd
