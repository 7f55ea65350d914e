#include "engine/statement_kind.h"

namespace quipu::engine {

StatementTraits TraitsOf(ast::Statement::Kind kind) {
  using Kind = ast::Statement::Kind;
  switch (kind) {
    case Kind::kMatch:
    case Kind::kExplainWhy:
    case Kind::kCall:
    case Kind::kShow:
    case Kind::kSearch:
      return {.writes = false, .timed = true};
    case Kind::kPrefix:
    case Kind::kBackup:  // copies the data as of one moment; changes nothing
      return {.writes = false, .timed = false};
    case Kind::kSet:  // its match is timed (QueryLimits::time_seconds)
      return {.writes = true, .timed = true};
    case Kind::kInsert:
    case Kind::kDelete:
    case Kind::kMerge:
    case Kind::kLoad:
      return {.writes = true, .timed = false};
  }
  return {.writes = true, .timed = false};  // unreachable: the switch names every kind
}

}  // namespace quipu::engine
