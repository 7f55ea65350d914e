// RunStatement: one parsed statement against the store, by its kind: reads
// on a snapshot, writes in one transaction committed at the end, loads
// through import/. Failures of the query layer (QueryError) come back as a
// Status; nothing of a failed statement is kept.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "query/statement_env.h"
#include "quipu/progress.h"
#include "quipu/query_result.h"
#include "storage/store.h"

namespace quipu::engine {

// What a load needs beyond the statement's environment.
struct LoadContext {
  // May be null: no progress reports.
  const std::function<void(const LoadProgress&)>* progress = nullptr;
  // DatabaseOptions::load_directories, resolved; empty: anywhere.
  const std::vector<std::string>* allowed_directories = nullptr;
};

// A prefix statement is the Engine's (it keeps the declared prefixes): here
// it is an internal error. `env.memory` may be null: nothing is counted.
Result<QueryResult> RunStatement(const ast::Statement& statement, storage::Store* store,
                                 const query::StatementEnv& env, const LoadContext& load);

}  // namespace quipu::engine
