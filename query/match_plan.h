// MatchPlan: what binding and optimizing one match produce, kept so that
// the statement's next runs skip both: the bound query as a template (its
// $parameters unresolved, query/binder.h) and its logical plan
// (query/optimizer.h). A run instantiates the template with its parameters'
// values and builds fresh operators from the logical plan (operators hold
// the state of one run).
//
// Validity: a plan holds the term ids of the text's constants and the
// estimates of the statistics of the snapshot it was made on, so it serves
// only snapshots of the same store version (storage::Store::version()).
// PlanCache keeps the plans of one statement's matches at the latest
// version seen and drops them when a newer one comes.
//
// Thread-safety: a MatchPlan is immutable once made and may be used by any
// number of statements at once. PlanCache's methods may be called from any
// thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "grammar/ast.h"
#include "query/bound.h"
#include "query/optimizer.h"
#include "quipu/query_result.h"
#include "storage/store.h"

namespace quipu::query {

struct MatchPlan {
  BoundQuery query;     // the template; query.reads_params says whether to instantiate
  LogicalPlan logical;  // of `query`; empty when it is impossible
  uint32_t width = 1;   // slots of a row
};

// Binds `match` on `view` as a template and optimizes it (for `joins`).
// Raises QueryError as binding and optimizing do.
std::shared_ptr<const MatchPlan> MakeMatchPlan(const ast::MatchStatement& match,
                                               storage::ReadView* view, const Params& params,
                                               JoinChoice joins);

// How often a database's statements found a plan made for them, and how
// often one had to be made (for tests and benchmarks).
struct PlanCounters {
  std::atomic<uint64_t> made{0};
  std::atomic<uint64_t> reused{0};
};

// The plans of one statement: one per match part (a union's parts after the
// first are parts 1, 2, …) and shape of its parameters (FitsParams), all of
// one store version.
class PlanCache {
 public:
  // Plans of one part kept at once: one per shape of its parameters.
  static constexpr size_t kMaxShapes = 4;

  explicit PlanCache(PlanCounters* counters = nullptr) : counters_(counters) {}

  // A plan of part `part` made at `version` that fits `params`, or null.
  std::shared_ptr<const MatchPlan> Find(size_t part, uint64_t version, const Params& params);
  // Keeps `plan`, made at `version`; plans of an older version go, and a
  // plan older than those kept is not kept.
  void Add(size_t part, uint64_t version, std::shared_ptr<const MatchPlan> plan);

 private:
  PlanCounters* counters_;
  std::mutex mutex_;
  uint64_t version_ = 0;  // of every plan in parts_
  std::vector<std::vector<std::shared_ptr<const MatchPlan>>> parts_;
};

}  // namespace quipu::query
