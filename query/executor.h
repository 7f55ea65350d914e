// Executor: runs one parsed statement against the store.
#pragma once

#include <atomic>
#include <chrono>

#include "grammar/ast.h"
#include "query/binder.h"
#include "query/operators.h"
#include "query/term_cache.h"
#include "quipu/database.h"
#include "quipu/status.h"
#include "storage/store.h"

namespace quipu::query {

class HoldingsCache;

struct ExecOptions {
  const std::atomic<uint64_t>* cancel_generation = nullptr;
  uint64_t start_generation = 0;
  JoinChoice joins = JoinChoice::kByCost;
  const Params* params = &kNoParams;  // never null
  // QueryLimits: see include/quipu/database.h. A default deadline: none.
  uint64_t max_path_states = 10'000'000;
  std::chrono::steady_clock::time_point deadline{};
  double time_limit_seconds = 0;
  uint64_t memory_bytes = 0;     // 0: no budget
  uint64_t max_result_rows = 0;  // 0: no limit
  // Set by ExecuteStatement: the statement's budget of memory_bytes.
  MemoryBudget* memory = nullptr;
  // Shared decoded terms; null disables it (see term_cache.h).
  TermCache* term_cache = nullptr;
  // The database's holdings cache and the generation observed before the
  // statement's snapshot was opened (holdings_cache.h); null disables it.
  HoldingsCache* holdings = nullptr;
  uint64_t holdings_generation = 0;
  // Progress of a load; may be null.
  const std::function<void(const LoadProgress&)>* load_progress = nullptr;
  // DatabaseOptions::load_directories, resolved; null or empty: anywhere.
  const std::vector<std::string>* load_directories = nullptr;

  static const Params kNoParams;
};

// Runs `statement` with a memory budget of options.memory_bytes.
Result<QueryResult> ExecuteStatement(const ast::Statement& statement, storage::Store* store,
                                     const ExecOptions& options);

// The error of a statement that returns more than `limit` rows.
Status ResultRowsExceeded(uint64_t limit);

}  // namespace quipu::query
