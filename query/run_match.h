// Reading statements that return rows: match (with union parts, explain and
// profile) and explain why. Each binds, plans and runs over one read view;
// failures are raised as QueryError (the engine turns them into a Status).
#pragma once

#include <cstdint>

#include "grammar/ast.h"
#include "query/statement_env.h"
#include "quipu/query_result.h"
#include "quipu/status.h"
#include "storage/store.h"

namespace quipu::query {

// A match statement and its union parts; explain and profile return the plan.
QueryResult RunMatchStatement(const ast::Statement& statement, storage::ReadView* view,
                              const StatementEnv& env);

// One match, as `set` runs it to find its rows through its transaction.
QueryResult RunMatch(const ast::MatchStatement& match, ast::Statement::Mode mode,
                     storage::ReadView* view, const StatementEnv& env);

// call … match: the match run from the call's rows (`input`), its columns'
// names bound in each; the call's warnings are kept.
QueryResult RunMatchOver(const ast::MatchStatement& match, const QueryResult& input,
                         storage::ReadView* view, const StatementEnv& env);

// explain why PATTERN: every instance of every fact the pattern matches.
QueryResult RunExplainWhy(const ast::Statement& statement, storage::ReadView* view,
                          const StatementEnv& env);

// The error of a statement that returns more than `limit` rows.
Status ResultRowsExceeded(uint64_t limit);

}  // namespace quipu::query
