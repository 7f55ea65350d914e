#include "engine/run_statement.h"

#include <fmt/format.h>

#include <memory>

#include "engine/load_statement.h"
#include "query/call.h"
#include "query/expression.h"
#include "query/holdings_cache.h"
#include "query/run_match.h"
#include "query/search.h"
#include "query/show.h"
#include "query/writer.h"

namespace quipu::engine {
namespace {

// The environment of a statement that has just opened its snapshot: without
// the kept holdings unless the snapshot is of the generation observed
// before it was opened (query/holdings_cache.h).
query::StatementEnv WithStableHoldings(const query::StatementEnv& env) {
  query::StatementEnv read = env;
  if (read.holdings != nullptr && !read.holdings->Stable(read.holdings_generation)) {
    read.holdings = nullptr;
  }
  return read;
}

// Reads on one snapshot. The statement's kept plans, adjacencies and fact tables
// serve it only when its
// snapshot is known to be of one store version: none was committed between
// the two looks around opening it (versions and snapshots are published
// together, storage/store.h).
QueryResult RunRead(const ast::Statement& statement, storage::Store* store,
                    const query::StatementEnv& statement_env) {
  const uint64_t version = store->version();
  std::unique_ptr<storage::ReadView> view = store->BeginRead();
  query::StatementEnv env = WithStableHoldings(statement_env);
  const bool known = store->version() == version;
  if (env.plans != nullptr && known) {
    env.plans_version = version;
  } else {
    env.plans = nullptr;
  }
  if (known) {
    env.snapshot_version = version;
  } else {
    env.adjacency = nullptr;
    env.fact_tables = nullptr;
    env.property_columns = nullptr;
  }
  switch (statement.kind) {
    case ast::Statement::Kind::kMatch:
      return query::RunMatchStatement(statement, view.get(), env);
    case ast::Statement::Kind::kExplainWhy:
      return query::RunExplainWhy(statement, view.get(), env);
    case ast::Statement::Kind::kCall:
      return query::RunCall(statement.call, view.get(), env);
    case ast::Statement::Kind::kShow:
      return query::RunShow(statement.show, view.get());
    default:  // kSearch; the caller sends no other kind here
      return query::RunSearch(statement.search, view.get(), *env.params);
  }
}

std::string Facts(uint64_t n) { return fmt::format("{} fact{}", n, n == 1 ? "" : "s"); }

// insert, merge, delete and set, in one transaction.
Result<QueryResult> RunWrite(const ast::Statement& statement, storage::Store* store,
                             const query::StatementEnv& env) {
  std::unique_ptr<storage::WriteTxn> txn = query::ValueOrThrow(store->BeginWrite());
  const Params& params = *env.params;
  query::WriteCounts counts;
  std::vector<std::string> warnings;
  switch (statement.kind) {
    case ast::Statement::Kind::kInsert:
      counts = query::RunInsert(statement.insert, txn.get(), params);
      break;
    case ast::Statement::Kind::kMerge:
      counts = query::RunMerge(statement.merge, txn.get(), params);
      break;
    case ast::Statement::Kind::kDelete:
      counts = query::RunDelete(statement.del, txn.get(), params);
      break;
    default: {  // kSet: find the rows through the statement's own view
      query::StatementEnv own = env;
      own.term_cache = nullptr;        // it reads uncommitted terms
      own.holdings = nullptr;          // and uncommitted holdings
      own.plans = nullptr;             // and terms of no committed version
      own.limits.max_result_rows = 0;  // its rows are not returned
      const QueryResult rows =
          query::RunMatch(statement.set.match, ast::Statement::Mode::kRun, txn.get(), own);
      counts = query::RunSet(statement.set, rows.rows, txn.get(), params);
      warnings = rows.warnings;  // names its match uses that the database lacks
    }
  }
  if (Status s = txn->Commit(); !s.ok()) return s;
  QueryResult result;
  result.facts_inserted = counts.inserted;
  result.facts_deleted = counts.deleted;
  result.warnings = std::move(warnings);
  if (statement.kind == ast::Statement::Kind::kDelete) {
    result.summary = "deleted " + Facts(counts.deleted);
  } else if (statement.kind == ast::Statement::Kind::kSet) {
    result.summary = "inserted " + Facts(counts.inserted) + ", deleted " + Facts(counts.deleted);
  } else {
    result.summary = "inserted " + Facts(counts.inserted);
  }
  return result;
}

// backup to 'dir': the store's consistent copy, which writers do not wait for.
Result<QueryResult> RunBackup(const ast::BackupStatement& backup, storage::Store* store) {
  if (Status s = store->Backup(backup.dir); !s.ok()) return s;
  QueryResult result;
  result.summary = "backed up to " + backup.dir;
  return result;
}

}  // namespace

Result<QueryResult> RunStatement(const ast::Statement& statement, storage::Store* store,
                                 const query::StatementEnv& env, const LoadContext& load) {
  try {
    switch (statement.kind) {
      case ast::Statement::Kind::kMatch:
      case ast::Statement::Kind::kExplainWhy:
      case ast::Statement::Kind::kCall:
      case ast::Statement::Kind::kShow:
      case ast::Statement::Kind::kSearch:
        return RunRead(statement, store, env);
      case ast::Statement::Kind::kLoad:
        return RunLoadStatement(statement.load, store, env, load);
      case ast::Statement::Kind::kInsert:
      case ast::Statement::Kind::kMerge:
      case ast::Statement::Kind::kDelete:
      case ast::Statement::Kind::kSet:
        return RunWrite(statement, store, env);
      case ast::Statement::Kind::kBackup:
        return RunBackup(statement.backup, store);
      case ast::Statement::Kind::kPrefix:
        break;
    }
    return Status::Internal("a prefix statement reached RunStatement");
  } catch (const query::QueryError& e) {
    return e.status();
  }
}

}  // namespace quipu::engine
