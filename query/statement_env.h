// StatementEnv: what one running statement brings to the query layer besides
// its text and its snapshot: its limits and interrupt, its parameters, its
// memory budget and the database's caches it may use. The engine (engine/)
// makes one per statement and passes it down whole; operators read it
// through ExecContext::env, so no limit is ever copied field by field.
#pragma once

#include <cstdint>

#include "core/interrupt.h"
#include "quipu/options.h"
#include "quipu/query_result.h"

namespace quipu::query {

class FactTableCache;
class HoldingsCache;
class MemoryBudget;
namespace paths {
class AdjacencyCache;
}
class PlanCache;
class PropertyColumnCache;
class TermCache;

// How the planner joins; tests force each kind to compare their results.
enum class JoinChoice : uint8_t { kByCost, kHashOnly, kBindOnly };

struct StatementEnv {
  // The limits the statement started with (QueryLimits, include/quipu/options.h).
  QueryLimits limits;
  // Cancel and the time limit; checked between chunks.
  Interrupt interrupt;
  const Params* params = &kNoParams;  // never null
  JoinChoice joins = JoinChoice::kByCost;
  // The statement's budget of limits.memory_bytes; null: none is counted.
  MemoryBudget* memory = nullptr;
  // Shared decoded terms; null disables it (see term_cache.h).
  TermCache* term_cache = nullptr;
  // The database's holdings when the statement's snapshot is of generation
  // `holdings_generation` (holdings_cache.h); null otherwise.
  HoldingsCache* holdings = nullptr;
  uint64_t holdings_generation = 0;
  // The statement's cached plans (match_plan.h) when its snapshot is known
  // to be of store version `plans_version`; null: plan from scratch.
  PlanCache* plans = nullptr;
  uint64_t plans_version = 0;
  // The database's relationships read whole (paths/adjacency.h), its
  // predicates' facts (fact_table.h) and properties (property_column.h)
  // read whole, when the snapshot is known to be of store version
  // `snapshot_version`; null: each operator reads its own.
  paths::AdjacencyCache* adjacency = nullptr;
  FactTableCache* fact_tables = nullptr;
  PropertyColumnCache* property_columns = nullptr;
  uint64_t snapshot_version = 0;

  // Search states a variable-length pattern may visit (limits.path_states,
  // where 0 means no limit).
  uint64_t max_path_states() const {
    return limits.path_states == 0 ? UINT64_MAX : limits.path_states;
  }

  static inline const Params kNoParams{};
};

}  // namespace quipu::query
