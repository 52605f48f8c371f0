#include "projections/tables.h"

#include <stdexcept>

namespace csp::projections {
namespace {

// Reading a stored row stops at its first unreadable cell.
struct BadCell : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CellReader {
 public:
  CellReader(const Cells& cells, const TableShape& shape) : cells_(cells), shape_(shape) {
    if (cells.size() != shape.columns.size()) throw BadCell("has " + std::to_string(cells.size()) + " columns");
  }

  std::int64_t integer(std::size_t column) const {
    const auto* value = std::get_if<std::int64_t>(&cells_[column]);
    if (value == nullptr) throw BadCell(std::string(shape_.columns[column].name) + " is not an integer");
    return *value;
  }

  const std::string& text(std::size_t column) const {
    const auto* value = std::get_if<std::string>(&cells_[column]);
    if (value == nullptr) throw BadCell(std::string(shape_.columns[column].name) + " is not text");
    return *value;
  }

  bool is_null(std::size_t column) const { return std::holds_alternative<std::monostate>(cells_[column]); }

  template <class Value>
  Value parsed(std::size_t column) const {
    return valid(column, Value::parse(text(column)));
  }

  domain::Timestamp time(std::size_t column) const { return valid(column, domain::Timestamp::from_micros(integer(column))); }

  domain::Money money(std::size_t minor_column, std::size_t currency_column) const {
    const auto currency = valid(currency_column, domain::Currency::parse(text(currency_column)));
    return valid(minor_column, domain::Money::of_minor_units(integer(minor_column), currency));
  }

  bool flag(std::size_t column) const {
    const std::int64_t value = integer(column);
    if (value != 0 && value != 1) throw BadCell(std::string(shape_.columns[column].name) + " is not 0 or 1");
    return value == 1;
  }

  template <class Value>
  Value valid(std::size_t column, domain::Result<Value> value) const {
    if (!value) throw BadCell(std::string(shape_.columns[column].name) + ": " + value.error().message);
    return std::move(value).value();
  }

 private:
  const Cells& cells_;
  const TableShape& shape_;
};

template <class Row>
domain::Result<Row> read_row(const Cells& cells, Row (*build)(const CellReader&)) {
  try {
    const CellReader reader(cells, Table<Row>::shape());
    return build(reader);
  } catch (const BadCell& bad) {
    return domain::Error{domain::ErrorCode::invalid_input, std::string(Table<Row>::shape().name) + " row: " + bad.what()};
  }
}

template <class Row>
void read_positions(const CellReader& reader, Row& row, std::size_t first_column) {
  row.first_position = reader.integer(first_column);
  row.last_position = reader.integer(first_column + 1);
}

constexpr Column text(std::string_view name) { return Column{name, false, false}; }
constexpr Column integer(std::string_view name) { return Column{name, true, false}; }
constexpr Column nullable_text(std::string_view name) { return Column{name, false, true}; }
constexpr Column nullable_integer(std::string_view name) { return Column{name, true, true}; }

Cell time_cell(const domain::Timestamp& at) { return at.micros_since_epoch(); }
Cell flag_cell(bool value) { return std::int64_t{value ? 1 : 0}; }

}  // namespace

std::string cell_text(const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "NULL";
  if (const auto* value = std::get_if<std::int64_t>(&cell)) return std::to_string(*value);
  return "\"" + std::get<std::string>(cell) + "\"";
}

const TableShape& Table<CustomerRow>::shape() {
  static const TableShape shape{"customers",
                                {text("tenant_id"), text("domain"), text("market"), nullable_text("name"),
                                 integer("registered_at_us"), integer("subscriptions"), integer("first_position"),
                                 integer("last_position")}};
  return shape;
}

Cells Table<CustomerRow>::cells(const CustomerRow& row) {
  return {row.tenant.str(),
          row.domain.str(),
          row.market.str(),
          row.name ? Cell(row.name->str()) : Cell(),
          time_cell(row.registered_at),
          row.subscriptions,
          row.first_position,
          row.last_position};
}

domain::Result<CustomerRow> Table<CustomerRow>::row(const Cells& cells) {
  return read_row<CustomerRow>(cells, [](const CellReader& reader) {
    CustomerRow row;
    row.tenant = reader.parsed<domain::TenantId>(0);
    row.domain = reader.parsed<domain::DomainName>(1);
    row.market = reader.parsed<domain::Market>(2);
    if (!reader.is_null(3)) row.name = reader.parsed<domain::CustomerName>(3);
    row.registered_at = reader.time(4);
    row.subscriptions = reader.integer(5);
    read_positions(reader, row, 6);
    return row;
  });
}

const TableShape& Table<SubscriptionRow>::shape() {
  static const TableShape shape{
      "subscriptions",
      {text("subscription_id"), text("order_id"), text("tenant_id"), text("market"), text("product"),
       integer("quantity"), integer("amount_minor"), text("currency"), integer("is_cancelled"),
       integer("purchased_at_us"), integer("cancel_deadline_us"), integer("hybrid_benefit_eligible"),
       integer("first_position"), integer("last_position")}};
  return shape;
}

Cells Table<SubscriptionRow>::cells(const SubscriptionRow& row) {
  return {row.subscription.str(),
          row.order.str(),
          row.tenant.str(),
          row.market.str(),
          row.product.str(),
          std::int64_t{row.quantity.count()},
          row.amount.minor_units(),
          row.amount.currency().code(),
          flag_cell(row.is_cancelled),
          time_cell(row.purchased_at),
          time_cell(row.cancel_deadline),
          flag_cell(row.is_hybrid_benefit_eligible),
          row.first_position,
          row.last_position};
}

domain::Result<SubscriptionRow> Table<SubscriptionRow>::row(const Cells& cells) {
  return read_row<SubscriptionRow>(cells, [](const CellReader& reader) {
    SubscriptionRow row;
    row.subscription = reader.parsed<domain::SubscriptionId>(0);
    row.order = reader.parsed<domain::OrderId>(1);
    row.tenant = reader.parsed<domain::TenantId>(2);
    row.market = reader.parsed<domain::Market>(3);
    row.product = reader.parsed<domain::Sku>(4);
    row.quantity = reader.valid(5, domain::Quantity::of(reader.integer(5)));
    row.amount = reader.money(6, 7);
    row.is_cancelled = reader.flag(8);
    row.purchased_at = reader.time(9);
    row.cancel_deadline = reader.time(10);
    row.is_hybrid_benefit_eligible = reader.flag(11);
    read_positions(reader, row, 12);
    return row;
  });
}

const TableShape& Table<LinkRow>::shape() {
  static const TableShape shape{"links",
                                {text("link_id"), text("subscription_id"), text("tenant_id"), integer("downloads_used"),
                                 integer("downloads_max"), integer("issued_at_us"), integer("expires_at_us"),
                                 integer("is_revoked"), integer("first_position"), integer("last_position")}};
  return shape;
}

Cells Table<LinkRow>::cells(const LinkRow& row) {
  return {row.link.str(),
          row.subscription.str(),
          row.tenant.str(),
          std::int64_t{row.downloads_used},
          std::int64_t{row.downloads_max},
          time_cell(row.issued_at),
          time_cell(row.expires_at),
          flag_cell(row.is_revoked),
          row.first_position,
          row.last_position};
}

domain::Result<LinkRow> Table<LinkRow>::row(const Cells& cells) {
  return read_row<LinkRow>(cells, [](const CellReader& reader) {
    LinkRow row;
    row.link = reader.parsed<domain::LinkId>(0);
    row.subscription = reader.parsed<domain::SubscriptionId>(1);
    row.tenant = reader.parsed<domain::TenantId>(2);
    const auto count = [&](std::size_t column) {
      const std::int64_t value = reader.integer(column);
      if (value < 0 || value > 1'000'000) throw BadCell(std::string(shape().columns[column].name) + " is out of range");
      return static_cast<std::uint32_t>(value);
    };
    row.downloads_used = count(3);
    row.downloads_max = count(4);
    row.issued_at = reader.time(5);
    row.expires_at = reader.time(6);
    row.is_revoked = reader.flag(7);
    read_positions(reader, row, 8);
    return row;
  });
}

const TableShape& Table<RevocationRow>::shape() {
  static const TableShape shape{"revocations",
                                {text("ticket_id"), text("subscription_id"), text("tenant_id"), integer("revoked_at_us"),
                                 integer("keys_revoked"), integer("links_revoked"), integer("first_position"),
                                 integer("last_position")}};
  return shape;
}

Cells Table<RevocationRow>::cells(const RevocationRow& row) {
  return {row.ticket.str(),       row.subscription.str(), row.tenant.str(),   time_cell(row.revoked_at),
          row.keys_revoked,       row.links_revoked,      row.first_position, row.last_position};
}

domain::Result<RevocationRow> Table<RevocationRow>::row(const Cells& cells) {
  return read_row<RevocationRow>(cells, [](const CellReader& reader) {
    RevocationRow row;
    row.ticket = reader.parsed<domain::TicketId>(0);
    row.subscription = reader.parsed<domain::SubscriptionId>(1);
    row.tenant = reader.parsed<domain::TenantId>(2);
    row.revoked_at = reader.time(3);
    row.keys_revoked = reader.integer(4);
    row.links_revoked = reader.integer(5);
    read_positions(reader, row, 6);
    return row;
  });
}

const TableShape& Table<RefundRow>::shape() {
  static const TableShape shape{
      "refunds",
      {text("ticket_id"), text("subscription_id"), text("order_id"), text("tenant_id"), text("reason"),
       integer("requested_minor"), text("currency"), text("status"), nullable_integer("refunded_minor"),
       integer("opened_at_us"), nullable_integer("resolved_at_us"), text("market"), integer("first_position"),
       integer("last_position")}};
  return shape;
}

Cells Table<RefundRow>::cells(const RefundRow& row) {
  return {row.ticket.str(),
          row.subscription.str(),
          row.order.str(),
          row.tenant.str(),
          row.reason.str(),
          row.requested_amount.minor_units(),
          row.requested_amount.currency().code(),
          std::string(refund_status_name(row.status)),
          row.refunded_amount ? Cell(row.refunded_amount->minor_units()) : Cell(),
          time_cell(row.opened_at),
          row.resolved_at ? time_cell(*row.resolved_at) : Cell(),
          row.market.str(),
          row.first_position,
          row.last_position};
}

domain::Result<RefundRow> Table<RefundRow>::row(const Cells& cells) {
  return read_row<RefundRow>(cells, [](const CellReader& reader) {
    RefundRow row;
    row.ticket = reader.parsed<domain::TicketId>(0);
    row.subscription = reader.parsed<domain::SubscriptionId>(1);
    row.order = reader.parsed<domain::OrderId>(2);
    row.tenant = reader.parsed<domain::TenantId>(3);
    row.reason = reader.parsed<domain::Reason>(4);
    row.requested_amount = reader.money(5, 6);
    const std::string& status = reader.text(7);
    if (status == "open") {
      row.status = RefundStatus::open;
    } else if (status == "refunded") {
      row.status = RefundStatus::refunded;
    } else if (status == "rejected") {
      row.status = RefundStatus::rejected;
    } else {
      throw BadCell("status \"" + status + "\" is not open, refunded or rejected");
    }
    if (!reader.is_null(8)) row.refunded_amount = reader.money(8, 6);
    row.opened_at = reader.time(9);
    if (!reader.is_null(10)) row.resolved_at = reader.time(10);
    row.market = reader.parsed<domain::Market>(11);
    read_positions(reader, row, 12);
    return row;
  });
}

}  // namespace csp::projections
