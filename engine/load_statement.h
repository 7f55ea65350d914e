// The load statement: its AST turned into an import::LoadRequest, the file
// read by import/ (with the CSV row mapping supplied from here), and the
// holdings it added checked (query/ownership_store.h) for warnings.
#pragma once

#include "engine/run_statement.h"
#include "grammar/ast.h"
#include "query/statement_env.h"
#include "quipu/query_result.h"
#include "storage/store.h"

namespace quipu::engine {

// The result's summary is import::LoadSummary's; warnings name companies
// whose holders the load took past 100%.
Result<QueryResult> RunLoadStatement(const ast::LoadStatement& load, storage::Store* store,
                                     const query::StatementEnv& env, const LoadContext& context);

}  // namespace quipu::engine
