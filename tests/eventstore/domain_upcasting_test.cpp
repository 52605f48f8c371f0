// A CustomerRegistered v1 payload, stored by the earlier event layout, is
// read back through the store as the current struct.

#include <cereal/archives/portable_binary.hpp>

#include "domain/event_codec.h"
#include "domain/events.h"
#include "domain/upcasters.h"
#include "eventstore/verify.h"
#include "store_fixture.h"

namespace csp::eventstore {
namespace {

using namespace testing;

TEST(DomainUpcasting, StoredV1CustomerRegisteredReadsAsV2) {
  TempDir dir;
  FakeClock clock;
  auto store = ok_or_throw(create_sqlite_store(dir.file("ledger.db"), SqliteOptions{clock.function()}));
  const auto tenant = *domain::TenantId::parse("8f0c2b1e-4c3a-4d8e-9a51-2b7f3e6d9c10");
  const auto domain_name = *domain::DomainName::parse("contoso.onmicrosoft.com");
  const auto market = *domain::Market::parse("JP");
  const auto at = *domain::Timestamp::parse("2025-06-01T00:00:00Z");
  std::ostringstream v1_bytes;
  {
    cereal::PortableBinaryOutputArchive archive(v1_bytes);
    archive(tenant, domain_name, market, at);  // the v1 layout: no name
  }
  NewEvent stored_v1{"CustomerRegistered", 1, v1_bytes.str(), "alice@partner.example", "admin-agent", 0};
  (void)ok_or_throw(store->append(request("c1", "customer-" + tenant.str(), 0, {stored_v1})));

  UpcasterRegistry upcasters;
  for (const auto& step : domain::upcast_steps()) upcasters.add(std::string(step.event_type), step.from_version, step.upcast);
  store->set_upcasters(&upcasters);
  const StoredEvent read = ok_or_throw(store->read_stream("customer-" + tenant.str())).at(0);
  EXPECT_EQ(read.schema_version, 2u);
  const auto decoded = domain::decode_payload(read.event_type, read.schema_version, read.payload);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(std::get<domain::CustomerRegistered>(*decoded),
            (domain::CustomerRegistered{tenant, domain_name, market, std::nullopt, at}));
  EXPECT_FALSE(ok_or_throw(verify_chain(*store)).first_break.has_value());
}

}  // namespace
}  // namespace csp::eventstore
