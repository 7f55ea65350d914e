#include "query/paths/hop_source.h"

#include <fmt/format.h>

#include <cmath>

#include "query/binder.h"
#include "query/fact_filter.h"

namespace quipu::query::paths {

uint64_t HopBytes(const Hop& hop) {
  return sizeof(Hop) + hop.annotations.size() * sizeof(hop.annotations[0]);
}

uint64_t HopsBytes(const std::vector<Hop>& hops) {
  uint64_t bytes = sizeof(hops);
  for (const Hop& hop : hops) bytes += HopBytes(hop);
  return bytes;
}

HopSource::HopSource(const ExecContext* ctx, const BoundPattern& pattern, Evaluator* eval)
    : ctx_(ctx), pattern_(pattern), var_(*pattern.var), eval_(eval) {
  label_predicate_ = ValueOrThrow(ctx->view->FindTerm(Value(Entity{kLabelPredicate})));
  // Any relationship (p = 0) is one scan with the predicate unbound.
  predicates_ = pattern_.p.id == 0 ? std::vector<uint64_t>{0} : var_.predicates;
  need_annotations_ = var_.hop_filter >= 0 || var_.weighted || pattern_.fact_filter >= 0;
  // A path variable alone reads the annotations of the hops it returns: a
  // search expands far more hops than the paths it finds hold, and each read
  // is a lookup in another index.
  defer_annotations_ = !need_annotations_ && var_.path_slot >= 0;
}

void HopSource::ReadDeferred(Hop* hop) const {
  if (!hop->deferred) return;
  std::vector<storage::FactInstance> instances;
  if (Status s = ctx_->view->GetInstances(hop->fact, &instances, hop->hint); !s.ok()) {
    throw QueryError(s);
  }
  if (!instances.empty()) hop->annotations = instances.front().annotations;
  hop->deferred = false;
}

std::vector<Hop> HopSource::Expand(uint64_t node, bool backward, const uint64_t* row) {
  std::vector<Hop> hops;
  if (var_.predicate_absent) return hops;
  // subject_side: `node` is the fact's subject and the step reaches its object.
  auto scan = [&](uint64_t p, bool subject_side, bool forward) {
    const storage::TriplePattern want =
        subject_side ? storage::TriplePattern{node, p, 0} : storage::TriplePattern{0, p, node};
    std::unique_ptr<storage::TripleCursor>& cursor = subject_side ? out_cursor_ : in_cursor_;
    if (cursor == nullptr || !cursor->Reseek(want)) cursor = ctx_->view->Scan(want);
    for (;;) {
      batch_.clear();
      annotated_.clear();
      if (cursor->Next(&batch_, kChunkRows, &annotated_) == 0) break;
      for (size_t i = 0; i < batch_.size(); ++i) {
        const storage::Triple& t = batch_[i];
        if (!IsHopFact(t)) continue;
        // Undirected: a self-loop is found from both sides; take it once.
        if (pattern_.undirected && !subject_side && t.s == t.o) continue;
        AddHop(t, subject_side ? t.o : t.s, forward, row,
               annotated_[i] != 0 ? storage::kAnnotated : storage::kBare, &hops);
      }
    }
    if (!cursor->status().ok()) throw QueryError(cursor->status());
  };
  // Walking from s, a fact leaving the node points along the path; walking
  // back from o, a fact arriving at the node does.
  for (uint64_t p : predicates_) {
    scan(p, !backward, true);
    if (pattern_.undirected) scan(p, backward, false);
  }
  return hops;
}

std::string HopSource::FactText(const storage::Triple& t) {
  const Value p = eval_->Decode(t.p);
  const std::string& key = p.as_entity().key;
  return fmt::format("({})-[:{}]->({})", eval_->Decode(t.s).ToString(),
                     IsPlainKey(key) ? key : FormatEntityKey(key), eval_->Decode(t.o).ToString());
}

void HopSource::AddHop(const storage::Triple& t, uint64_t next, bool forward, const uint64_t* row,
                       storage::InstanceHint hint, std::vector<Hop>* out) {
  Hop hop;
  hop.fact = t;
  hop.next = next;
  hop.forward = forward;
  if (defer_annotations_) {
    hop.deferred = true;
    hop.hint = hint;
  } else if (need_annotations_) {
    if (Status s = ctx_->view->GetInstances(t, &instances_, hint); !s.ok()) throw QueryError(s);
    const storage::FactInstance* used = nullptr;
    for (const storage::FactInstance& instance : instances_) {
      if (pattern_.fact_filter >= 0 &&
          !PassesFactFilter(ctx_->query->fact_filters[static_cast<size_t>(pattern_.fact_filter)],
                            instance.annotations, ctx_->view)) {
        continue;
      }
      if (var_.hop_filter >= 0) {
        eval_->set_hop(&instance.annotations, t);
        const bool pass =
            eval_->Test(ctx_->query->hop_filters[static_cast<size_t>(var_.hop_filter)], row);
        eval_->set_hop(nullptr);
        if (!pass) continue;
      }
      used = &instance;
      break;
    }
    if (used == nullptr) return;  // no instance passes: the fact does not connect
    hop.annotations = used->annotations;
    if (var_.weighted) {
      Value cost;
      for (const auto& [key, value] : hop.annotations) {
        if (key == var_.weight_key && key != 0) cost = eval_->Decode(value);
      }
      if (cost.is_null()) {
        FailAt(fmt::format("shortest … by sum(…{}): the fact {} has no {}", var_.weight_name,
                           FactText(t), var_.weight_name),
               var_.weight_pos);
      }
      if (!cost.is_numeric()) {
        FailAt(fmt::format("shortest … by sum(…{}): the fact {} has {} = {}, not a number",
                           var_.weight_name, FactText(t), var_.weight_name, cost.ToLiteral()),
               var_.weight_pos);
      }
      if (cost.as_number() < 0 || std::isnan(cost.as_number())) {
        FailAt(fmt::format("shortest … by sum(…{}): the fact {} has {} = {}; costs must not be "
                           "negative",
                           var_.weight_name, FactText(t), var_.weight_name, cost.ToLiteral()),
               var_.weight_pos);
      }
      hop.cost = cost.as_number();
    }
  }
  out->push_back(std::move(hop));
}

}  // namespace quipu::query::paths
