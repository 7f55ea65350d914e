// The text of explain and profile: the output stage as lines above the
// operator tree, each operator with its estimated (and, profiled, actual)
// rows and its own time.
#pragma once

#include <cstdint>

#include "query/bound.h"
#include "query/operators.h"
#include "quipu/database.h"

namespace quipu::query {

// `root` may be null (a query that cannot match). `output_nanos` and
// `result_rows` are used when `profiled`.
QueryResult PlanResult(const BoundQuery& q, const Operator* root, bool profiled,
                       uint64_t output_nanos, size_t result_rows);

}  // namespace quipu::query
