// HopSource: the hops of one node for a variable-length pattern
// (s)-[:p*min..max]->(o), the one place where a path search reads the index
// for them. Every strategy (query/paths/) expands nodes through Expand; the
// relationship read whole (ScanFacts) gives the start nodes of an unbound
// pattern and the adjacency array of reachable ends.
//
// A hop is a fact (a triple) between entities, never along rdf:type. When
// something reads the hop's annotations (a per-hop condition, a cost, a path
// variable, a fact filter such as `as of`), the hop uses the first of the
// fact's instances that passes the fact filter and the per-hop condition; a
// fact with none does not connect. Hops come in a fixed order: for each of
// the pattern's predicates, the facts from the node's side along the search
// direction, then (undirected) the facts from the other side, each in index
// order.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/term_id.h"
#include "query/expression.h"
#include "query/operators.h"

namespace quipu::query::paths {

// One step of a walk, oriented from s towards o.
struct Hop {
  storage::Triple fact;
  uint64_t next = 0;    // the node the step reaches (in search order)
  bool forward = true;  // the fact points from s's side to o's side
  // Set when only the path's value reads the annotations: they are read by
  // HopSource::ReadDeferred for the hops of the paths returned, not for
  // every hop a search expands. `hint` is what the index said of them.
  // (Beside `forward`, so a Hop is no larger for them.)
  bool deferred = false;
  storage::InstanceHint hint = storage::kUnknown;
  storage::Annotations annotations;  // of the instance used, when read
  double cost = 0;                   // shortest … by: the hop's cost
};

// Bytes of held hops, for the memory budget.
uint64_t HopBytes(const Hop& hop);
uint64_t HopsBytes(const std::vector<Hop>& hops);

class HopSource {
 public:
  // `pattern` and `eval` must outlive the source; `eval` decodes costs and
  // tests the per-hop condition.
  HopSource(const ExecContext* ctx, const BoundPattern& pattern, Evaluator* eval);

  // The hops leaving `node` in the search direction that pass the per-hop
  // condition: from s towards o, or with `backward` from o back towards s
  // (hops stay oriented s → o either way). `row` is the started input row,
  // which the per-hop condition may read. Throws a QueryError on a read
  // error, and for a weighted pattern on a hop whose cost is missing, not a
  // number or negative.
  std::vector<Hop> Expand(uint64_t node, bool backward, const uint64_t* row);

  // Calls visit(t) for each fact of predicate `p` (0: any) that can be a
  // hop, in index order: the relationship read whole by one scan, checking
  // for cancellation between batches. Ignores annotations and conditions.
  template <typename Visit>
  void ScanFacts(uint64_t p, Visit&& visit) const;

  // Fills the annotations of a hop Expand deferred (Hop::deferred): those of
  // the fact's first instance, as Expand would have taken with nothing to
  // test. Throws a QueryError on a read error.
  void ReadDeferred(Hop* hop) const;

  // Whether hops read their facts' annotations to decide if they connect;
  // when not, every fact of the predicates connects and a node's hops are
  // its index entries alone.
  bool reads_annotations() const { return need_annotations_; }
  // The predicates a hop may have; {0} for any.
  const std::vector<uint64_t>& predicates() const { return predicates_; }
  // rdf:type's id (0 when never stored): no hop goes along it.
  uint64_t label_predicate() const { return label_predicate_; }

 private:
  // A fact between entities, not along rdf:type.
  bool IsHopFact(const storage::Triple& t) const {
    return t.p != label_predicate_ && IsEntityId(t.o);
  }
  // Appends the hop over `t` unless no instance of it passes.
  // `hint`: what the cursor said of the fact's instances (store.h).
  void AddHop(const storage::Triple& t, uint64_t next, bool forward, const uint64_t* row,
              storage::InstanceHint hint, std::vector<Hop>* out);
  // "(a)-[:p]->(b)", for the errors of costs.
  std::string FactText(const storage::Triple& t);

  const ExecContext* ctx_;
  const BoundPattern& pattern_;
  const VarLength& var_;
  Evaluator* eval_;
  uint64_t label_predicate_ = 0;
  std::vector<uint64_t> predicates_;
  bool need_annotations_ = false;   // a hop's test or cost reads them
  bool defer_annotations_ = false;  // only the path variable reads them
  // Kept between expansions: a reseek is much cheaper than a new cursor.
  std::unique_ptr<storage::TripleCursor> out_cursor_, in_cursor_;
  std::vector<storage::Triple> batch_;
  std::vector<uint8_t> annotated_;  // per fact of batch_: storage::InstanceHint
  std::vector<storage::FactInstance> instances_;
};

template <typename Visit>
void HopSource::ScanFacts(uint64_t p, Visit&& visit) const {
  std::unique_ptr<storage::TripleCursor> cursor = ctx_->view->Scan({0, p, 0});
  std::vector<storage::Triple> batch;
  for (;;) {
    batch.clear();
    if (cursor->Next(&batch, kChunkRows) == 0) break;
    ctx_->CheckCancel();
    for (const storage::Triple& t : batch) {
      if (IsHopFact(t)) visit(t);
    }
  }
  if (!cursor->status().ok()) throw QueryError(cursor->status());
}

}  // namespace quipu::query::paths
