// The call statement: a procedure's rows, with yield, order by, skip and
// limit over its columns. The one procedure is controllers (see
// ownership_store.h).
#pragma once

#include "grammar/ast.h"
#include "query/statement_env.h"
#include "quipu/query_result.h"
#include "storage/store.h"

namespace quipu::query {

// Runs `call` over one view; raises QueryError (the executor's caller
// turns it into a Status).
QueryResult RunCall(const ast::CallStatement& call, storage::ReadView* view,
                    const StatementEnv& env);

}  // namespace quipu::query
