#include "projections/compare.h"

#include <algorithm>

namespace csp::projections {
namespace {

std::int64_t first_position_in(const Cells& cells, const TableShape& shape) {
  for (std::size_t index = 0; index < shape.columns.size(); ++index) {
    if (shape.columns[index].name != "first_position") continue;
    if (const auto* value = std::get_if<std::int64_t>(&cells[index])) return *value;
  }
  return 0;
}

template <class Key, class Row>
eventstore::StoreStatus compare_table(StoredReadModels& stored, const std::map<Key, Row>& replayed,
                                      std::vector<RowDifference>& found) {
  const TableShape& shape = Table<Row>::shape();
  auto stored_rows = stored.stored_cells(shape);
  if (!stored_rows) return std::move(stored_rows).error();
  const std::string model(shape.name);
  for (const auto& [key, row] : replayed) {
    const Cells cells = Table<Row>::cells(row);
    const std::string key_text = key.str();
    const auto match = stored_rows->find(key_text);
    if (match == stored_rows->end()) {
      found.push_back(RowDifference{model, key_text, "", "no row", "a row", row.first_position});
      continue;
    }
    for (std::size_t index = 0; index < cells.size(); ++index) {
      if (cells[index] == match->second[index]) continue;
      found.push_back(RowDifference{model, key_text, std::string(shape.columns[index].name),
                                    cell_text(match->second[index]), cell_text(cells[index]), row.first_position});
      break;
    }
    stored_rows->erase(match);
  }
  for (const auto& [key_text, cells] : *stored_rows) {
    found.push_back(RowDifference{model, key_text, "", "a row", "no row", first_position_in(cells, shape)});
  }
  return eventstore::StoreStatus::success();
}

}  // namespace

std::string RowDifference::describe() const {
  std::string text = "read model " + model + ", row " + row + ": ";
  if (column.empty()) {
    text += "stored " + stored + ", the replay has " + replayed;
  } else {
    text += column + " is " + stored + " stored but " + replayed + " in the replay";
  }
  return text + " (first event at position " + std::to_string(position) + ")";
}

eventstore::StoreResult<std::vector<RowDifference>> differences(StoredReadModels& stored, const ReadModels& replayed) {
  std::vector<RowDifference> found;
  eventstore::StoreStatus compared = compare_table(stored, replayed.customers(), found);
  if (compared) compared = compare_table(stored, replayed.subscriptions(), found);
  if (compared) compared = compare_table(stored, replayed.links(), found);
  if (compared) compared = compare_table(stored, replayed.revocations(), found);
  if (compared) compared = compare_table(stored, replayed.refunds(), found);
  if (!compared) return compared.error();
  std::stable_sort(found.begin(), found.end(),
                   [](const RowDifference& a, const RowDifference& b) { return a.position < b.position; });
  return found;
}

}  // namespace csp::projections
