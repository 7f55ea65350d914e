// The text of explain and profile: the operator tree, top first, each
// operator with its estimated (and, profiled, actual) rows and its own time.
#pragma once

#include <cstdint>

#include "query/operators.h"
#include "quipu/query_result.h"

namespace quipu::query {

// When `profiled`, a first line gives the rows returned and the time spent
// turning their ids into values (`output_nanos`).
QueryResult PlanResult(const Operator& root, bool profiled, uint64_t output_nanos,
                       size_t result_rows);

}  // namespace quipu::query
