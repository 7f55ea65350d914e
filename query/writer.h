// Writes of insert, merge, delete and set through one WriteTxn. Each raises
// QueryError (with the position in the statement) on failure; the caller then
// drops the transaction, so nothing of the statement is kept.
#pragma once

#include <cstdint>
#include <vector>

#include "grammar/ast.h"
#include "query/binder.h"
#include "storage/store.h"

namespace quipu::query {

struct WriteCounts {
  uint64_t inserted = 0;  // fact instances added
  uint64_t deleted = 0;   // fact instances removed
};

// Raises QueryError unless `path` can be written: every node has a key
// (else "VERB needs an entity key for every node: write KEY_FORMS"), every
// relationship a predicate and a direction and no variable, and no map
// names a key twice.
void CheckWritePattern(const ast::PathPattern& path, const char* verb, const char* key_forms);

WriteCounts RunInsert(const ast::InsertStatement& insert, storage::WriteTxn* txn,
                      const Params& params);
WriteCounts RunMerge(const ast::MergeStatement& merge, storage::WriteTxn* txn,
                     const Params& params);
WriteCounts RunDelete(const ast::DeleteStatement& del, storage::WriteTxn* txn,
                      const Params& params);
// `rows` are the rows of set.match: target i at 2i, its value at 2i + 1.
WriteCounts RunSet(const ast::SetStatement& set, const std::vector<std::vector<Value>>& rows,
                   storage::WriteTxn* txn, const Params& params);

}  // namespace quipu::query
