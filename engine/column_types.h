// QueryResult::column_types, from the rows a statement returned.
#pragma once

#include "quipu/query_result.h"

namespace quipu::engine {

// One type per column: that of its non-null values (integers and decimals
// mixed give decimal, either with a float gives float); null when the column
// holds only nulls, no rows, or values of several other types.
void FillColumnTypes(QueryResult* result);

}  // namespace quipu::engine
