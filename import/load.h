// RunLoad: the `load` statement. It reads one file into the store through one
// write transaction, so a load happens completely or not at all: a bad
// record (without `on error skip`), a missing or unreadable file, a cancel
// or a storage failure leaves the database exactly as it was.
#pragma once

#include "grammar/ast.h"
#include "query/executor.h"
#include "quipu/database.h"
#include "storage/store.h"

namespace quipu::import {

// Relative paths are taken from the process's working directory. The result's
// summary is "loaded N facts (M entities) from 'FILE' in S s", followed, with
// `on error skip`, by how many records were skipped and the first few errors.
Result<QueryResult> RunLoad(const ast::LoadStatement& load, storage::Store* store,
                            const query::ExecOptions& options);

}  // namespace quipu::import
