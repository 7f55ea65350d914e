// The functions the evaluator runs itself (query/expression.cc), registered
// by their signature and flags alone: coalesce, lazy, evaluates its
// arguments only while they are null; ownership reads the database.
#include "query/functions/registry.h"

namespace quipu::query {

void RegisterEvaluatorFunctions(FunctionRegistry* registry) {
  FunctionDef coalesce{"coalesce", 1, 64};
  coalesce.lazy = true;
  registry->Add(coalesce);
  FunctionDef ownership{"ownership", 2, 2};
  ownership.reads_database = true;
  registry->Add(ownership);
}

}  // namespace quipu::query
