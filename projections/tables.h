#pragma once
// How each read model is laid out as an SQL table: its columns, a row as
// cells, and a row read back from cells. Column 0 is the row's key.
//
// Times are microseconds since 1970 (`_us`) and amounts whole minor units
// (`_minor`) beside their currency, so stored values are exact.

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "domain/result.h"
#include "projections/rows.h"

namespace csp::projections {

using Cell = std::variant<std::monostate, std::int64_t, std::string>;
using Cells = std::vector<Cell>;

// A cell as an audit message shows it: NULL, 42 or "text".
std::string cell_text(const Cell& cell);

struct Column {
  std::string_view name;
  bool is_integer = false;
  bool is_nullable = false;
};

struct TableShape {
  std::string_view name;  // the read model's name, and its table's without prefix
  std::vector<Column> columns;
};

template <class Row>
struct Table;

template <>
struct Table<CustomerRow> {
  static const TableShape& shape();
  static Cells cells(const CustomerRow& row);
  static domain::Result<CustomerRow> row(const Cells& cells);
};
template <>
struct Table<SubscriptionRow> {
  static const TableShape& shape();
  static Cells cells(const SubscriptionRow& row);
  static domain::Result<SubscriptionRow> row(const Cells& cells);
};
template <>
struct Table<LinkRow> {
  static const TableShape& shape();
  static Cells cells(const LinkRow& row);
  static domain::Result<LinkRow> row(const Cells& cells);
};
template <>
struct Table<RevocationRow> {
  static const TableShape& shape();
  static Cells cells(const RevocationRow& row);
  static domain::Result<RevocationRow> row(const Cells& cells);
};
template <>
struct Table<RefundRow> {
  static const TableShape& shape();
  static Cells cells(const RefundRow& row);
  static domain::Result<RefundRow> row(const Cells& cells);
};

}  // namespace csp::projections
