// What the engine must know of each kind of statement before it runs it.
// One exhaustive switch (statement_kind.cc, no default), so a new kind does
// not compile until someone says whether it writes; before this table, a
// kind left out of a list of reads counted as a write (`search` did, and
// dropped the kept holdings every time).
#pragma once

#include "grammar/ast.h"

namespace quipu::engine {

struct StatementTraits {
  // Changes the data: runs under the write lock, and the caches that hold
  // what statements have read (the holdings) are dropped around it.
  bool writes = false;
  // Reads one snapshot and is bounded by the time limit; loads and the
  // other writes are not.
  bool timed = false;
};

StatementTraits TraitsOf(ast::Statement::Kind kind);

}  // namespace quipu::engine
