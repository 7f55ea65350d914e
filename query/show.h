// show labels, show predicates and describe @x: the schema and one entity's
// facts, read from the statistics and the indexes. describe gives one row per
// fact instance about x, outgoing then incoming: direction, predicate, the
// other end, since, until, source, confidence (null when absent) and the
// instance's other annotations as one map text.
#pragma once

#include "grammar/ast.h"
#include "quipu/query_result.h"
#include "storage/store.h"

namespace quipu::query {

// Raises QueryError on failure.
QueryResult RunShow(const ast::ShowStatement& show, storage::ReadView* view);

}  // namespace quipu::query
