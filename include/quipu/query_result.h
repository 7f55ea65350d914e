// What a statement returns, and the values of its parameters.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "quipu/value.h"

namespace quipu {

// Values for the $name parameters of a statement, by name without the '$'.
using Params = std::map<std::string, Value>;

struct QueryResult {
  // Columns and rows of a match; empty for writes.
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  // What a write changed: fact instances added and removed.
  uint64_t facts_inserted = 0;
  uint64_t facts_deleted = 0;
  bool is_query = false;  // true for statements that return rows
  // One per column: the type of its non-null values (kInt and kDecimal mixed
  // give kDecimal, either with kDouble gives kDouble); kNull when the column holds only nulls, no
  // rows, or values of several other types (then read each Value's type()).
  std::vector<Value::Type> column_types;
  // For writes: one line for people, e.g. "inserted 5 facts".
  std::string summary;
  // True when `summary` states the statement's run time itself (a load's
  // "… in 2.31 s"): a shell that shows run times adds none to it.
  bool summary_timed = false;
  // What a person should know about a result that is not an error, one
  // line each without a prefix (the shell prints "warning: " and the line to
  // standard error): e.g. holders of a company totalling more than 100%.
  std::vector<std::string> warnings;
};

}  // namespace quipu
