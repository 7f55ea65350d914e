#include "engine/column_types.h"

#include <vector>

namespace quipu::engine {

void FillColumnTypes(QueryResult* result) {
  result->column_types.assign(result->columns.size(), Value::Type::kNull);
  std::vector<bool> mixed(result->columns.size(), false);
  for (const auto& row : result->rows) {
    for (size_t i = 0; i < row.size() && i < mixed.size(); ++i) {
      const Value::Type t = row[i].type();
      Value::Type& column = result->column_types[i];
      if (t == Value::Type::kNull || mixed[i] || t == column) continue;
      if (column == Value::Type::kNull) {
        column = t;
      } else if (row[i].is_numeric() &&
                 (column == Value::Type::kInt || column == Value::Type::kDouble ||
                  column == Value::Type::kDecimal)) {
        // Integers and decimals mix as decimals; a float makes the column float.
        column = t == Value::Type::kDouble || column == Value::Type::kDouble
                     ? Value::Type::kDouble
                     : Value::Type::kDecimal;
      } else {
        mixed[i] = true;
      }
    }
  }
  for (size_t i = 0; i < mixed.size(); ++i) {
    if (mixed[i]) result->column_types[i] = Value::Type::kNull;
  }
}

}  // namespace quipu::engine
