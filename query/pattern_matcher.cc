// PatternMatcher: one pattern's matches for one input row, resumable.
#include "query/operators.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/term_id.h"
#include "query/binder.h"
#include "query/fact_filter.h"
#include "query/fact_table.h"
#include "query/paths/adjacency.h"
#include "query/statement_env.h"

namespace quipu::query {

// --- PatternMatcher ----------------------------------------------------------

PatternMatcher::PatternMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                               std::vector<bool> bound)
    : ctx_(ctx),
      pattern_(pattern),
      bound_(std::move(bound)),
      nodes_charge_(ctx->env->memory, "a node scan", "", "node"),
      table_charge_(ctx->env->memory, "a scan of " + pattern.label, "fact table", "fact"),
      adjacency_charge_(ctx->env->memory, "a join on " + pattern.label, "adjacency", "hop") {
  input_.resize(ctx_->width);
  scratch_.resize(ctx_->width);
}

uint64_t PatternMatcher::LabelPredicate() {
  if (!label_predicate_) {
    label_predicate_ = ValueOrThrow(ctx_->view->FindTerm(Value(Entity{kLabelPredicate})));
  }
  return *label_predicate_;
}

bool PatternMatcher::HasFacts(uint64_t id) {
  // The same rule as LoadNodes: entities only, and being a label is not enough.
  if (TypeOfId(id) != TermType::kEntity) return false;
  std::vector<storage::Triple> batch;
  std::unique_ptr<storage::TripleCursor> cursor = ctx_->view->Scan({id, 0, 0});
  if (cursor->Next(&batch, 1) > 0) return true;
  if (!cursor->status().ok()) throw QueryError(cursor->status());
  cursor = ctx_->view->Scan({0, 0, id});
  for (;;) {
    batch.clear();
    if (cursor->Next(&batch, kChunkRows) == 0) break;
    for (const storage::Triple& t : batch) {
      if (t.p != LabelPredicate()) return true;
    }
  }
  if (!cursor->status().ok()) throw QueryError(cursor->status());
  return false;
}

void PatternMatcher::LoadNodes() {
  // Subjects come sorted from spo; entity objects are gathered on the way,
  // except labels: a label is not a node unless it has facts of its own.
  nodes_charge_.Clear();
  std::unique_ptr<storage::TripleCursor> cursor = ctx_->view->Scan({0, 0, 0});
  std::vector<uint64_t> objects;
  std::vector<storage::Triple> batch;
  for (;;) {
    batch.clear();
    if (cursor->Next(&batch, kChunkRows) == 0) break;
    ctx_->CheckCancel();
    for (const storage::Triple& t : batch) {
      if (nodes_.empty() || nodes_.back() != t.s) {
        nodes_charge_.Add(sizeof(uint64_t));
        nodes_.push_back(t.s);
      }
      if (TypeOfId(t.o) == TermType::kEntity && t.p != LabelPredicate()) {
        nodes_charge_.Add(sizeof(uint64_t));
        objects.push_back(t.o);
      }
    }
  }
  if (!cursor->status().ok()) throw QueryError(cursor->status());
  nodes_.insert(nodes_.end(), objects.begin(), objects.end());
  std::sort(nodes_.begin(), nodes_.end());
  nodes_.erase(std::unique(nodes_.begin(), nodes_.end()), nodes_.end());
  nodes_loaded_ = true;
}

void PatternMatcher::Start(const uint64_t* row) {
  std::copy(row, row + ctx_->width, input_.begin());
  triples_.clear();
  annotated_.clear();
  triple_pos_ = 0;
  instances_.clear();
  instance_pos_ = 0;
  node_pos_ = 0;
  if (pattern_.node_scan) {
    const Ref& node = pattern_.s;
    if (!node.is_slot || bound_[node.slot]) {
      // A known node: one row when it has facts, none otherwise.
      const uint64_t id = node.is_slot ? input_[node.slot] : node.id;
      nodes_loaded_ = false;
      nodes_.assign(HasFacts(id) ? 1 : 0, id);
      node_pos_ = 0;
    } else if (!nodes_loaded_) {
      LoadNodes();
    }
    return;
  }
  auto resolve = [&](const Ref& r) -> uint64_t {
    if (!r.is_slot) return r.id;
    return bound_[r.slot] ? input_[r.slot] : 0;
  };
  // A bound variable that is null (from an optional match) matches nothing.
  null_input_ = false;
  for (const Ref* r : {&pattern_.s, &pattern_.p, &pattern_.o}) {
    if (r->is_slot && bound_[r->slot] && input_[r->slot] == 0) null_input_ = true;
  }
  from_table_ = false;
  from_adjacency_ = false;
  if (null_input_) return;
  storage::TriplePattern tp{resolve(pattern_.s), resolve(pattern_.p), resolve(pattern_.o)};
  // Neither end known: the facts of each object that can pass the condition
  // on it, one prefix of pos after another (Fill moves on), not the whole
  // predicate. With the subject known a probe reads its few facts instead.
  choice_ = -1;
  if (!pattern_.object_choices.empty() && tp.s == 0 && tp.o == 0) {
    choice_ = 0;
    tp.o = pattern_.object_choices[0];
  }
  pattern_ids_ = tp;
  reversed_ = false;
  table_next_ = 0;
  if (choice_ < 0 && UseAdjacency(tp)) return;
  from_table_ = UseFactTable(tp);
  if (from_table_) return;
  if (back_in_use_) {
    std::swap(cursor_, other_cursor_);
    back_in_use_ = false;
  }
  if (cursor_ == nullptr || !cursor_->Reseek(tp)) cursor_ = ctx_->view->Scan(tp);
}

// A probe of a fixed predicate from a bound end that reads nothing of the
// fact but its other end takes that end's hops from the predicate read
// whole (paths/adjacency.h): from the cache, or read once this matcher's
// probes reach ProbesBeforeReadingWhole (versioned_cache.h). With both ends
// bound (a test that the fact exists) it looks for the object among the
// subject's hops.
bool PatternMatcher::UseAdjacency(const storage::TriplePattern& tp) {
  const StatementEnv& env = *ctx_->env;
  if (env.adjacency == nullptr || tp.p == 0 || (tp.s == 0 && tp.o == 0) || pattern_.fact >= 0 ||
      pattern_.fact_filter >= 0 || adjacency_probes_ == UINT64_MAX) {
    return false;
  }
  if (adjacency_ == nullptr || adjacency_predicate_ != tp.p) {
    if (adjacency_predicate_ != tp.p) {
      ReportProbes();
      adjacency_ = nullptr;
      adjacency_probes_ = 0;
      adjacency_predicate_ = tp.p;
    }
    const paths::AdjacencyKey key{{tp.p}, tp.s == 0, pattern_.undirected, /*all_facts=*/true};
    if (adjacency_probes_ == 0) {
      adjacency_ = env.adjacency->Find(key, env.snapshot_version);
      adjacency_facts_ = ValueOrThrow(ctx_->view->GetStats(tp.p)).facts;
      adjacency_threshold_ = ProbesBeforeReadingWhole(adjacency_facts_);
      adjacency_cache_ = env.adjacency;
      adjacency_key_ = key;
      adjacency_version_ = env.snapshot_version;
      adjacency_base_ =
          adjacency_ == nullptr ? env.adjacency->Probes(key, env.snapshot_version) : 0;
      adjacency_probes_ = adjacency_base_;
    }
    if (adjacency_ == nullptr && ++adjacency_probes_ >= adjacency_threshold_) {
      const uint64_t edges = adjacency_facts_ * (pattern_.undirected ? 2 : 1);
      if (!adjacency_charge_.TryAdd(paths::Adjacency::BytesFor(edges), edges)) {
        adjacency_probes_ = UINT64_MAX;  // no room: probe the index
        return false;
      }
      adjacency_ = ValueOrThrow(paths::ReadAdjacency(ctx_->view, key));
      env.adjacency->Put(key, env.snapshot_version, adjacency_);
    }
    if (adjacency_ == nullptr) return false;
  }
  neighbours_ = adjacency_->Next(tp.s != 0 ? tp.s : tp.o);
  neighbour_pos_ = 0;
  if (tp.s != 0 && tp.o != 0) {
    // One row per hop to the object: a directed predicate's hops are
    // sorted, an undirected one's are two sorted runs.
    if (!pattern_.undirected) {
      auto [first, last] = std::equal_range(neighbours_.begin(), neighbours_.end(), tp.o);
      neighbours_ = neighbours_.subspan(first - neighbours_.begin(), last - first);
    } else {
      const size_t n = std::count(neighbours_.begin(), neighbours_.end(), tp.o);
      neighbours_ = neighbours_.subspan(0, n);  // only counted: FillFromAdjacency writes no end
    }
  }
  from_adjacency_ = true;
  return true;
}

PatternMatcher::~PatternMatcher() { ReportProbes(); }

void PatternMatcher::ReportProbes() {
  if (adjacency_ != nullptr || adjacency_cache_ == nullptr || adjacency_probes_ == UINT64_MAX ||
      adjacency_probes_ <= adjacency_base_) {
    return;
  }
  adjacency_cache_->AddProbes(adjacency_key_, adjacency_version_,
                              adjacency_probes_ - adjacency_base_);
  adjacency_base_ = adjacency_probes_;
}

bool PatternMatcher::FillFromAdjacency(Chunk* out, size_t max) {
  // Both ends bound: neighbours_ holds one entry per matching hop.
  const Ref& end = pattern_ids_.s == 0 ? pattern_.s : pattern_.o;
  const bool writes_end = pattern_ids_.s == 0 || pattern_ids_.o == 0;
  while (out->rows() < max && neighbour_pos_ < neighbours_.size()) {
    uint64_t* row = out->AppendRow(input_.data());
    if (writes_end && end.is_slot) row[end.slot] = neighbours_[neighbour_pos_];
    ++neighbour_pos_;
  }
  return neighbour_pos_ < neighbours_.size();
}

// A scan of a whole predicate that reads its facts' instances walks the
// predicate's FactTable (query/fact_table.h): from the cache, or read now
// and kept for the statements that follow on this store version.
bool PatternMatcher::UseFactTable(const storage::TriplePattern& tp) {
  const StatementEnv& env = *ctx_->env;
  if (env.fact_tables == nullptr || pattern_.undirected || tp.p == 0 || tp.s != 0 || tp.o != 0 ||
      (pattern_.fact < 0 && pattern_.fact_filter < 0)) {
    return false;
  }
  if (table_ != nullptr && table_->predicate() == tp.p) return true;
  table_ = KeptFactTable(env, ctx_->view, tp.p, &table_charge_);
  return table_ != nullptr;
}

size_t PatternMatcher::NextFromTable() {
  const size_t end = std::min(table_->size(), table_next_ + kChunkRows);
  table_base_ = table_next_;
  for (; table_next_ < end; ++table_next_) {
    triples_.push_back(table_->fact(table_next_));
    annotated_.push_back(table_->hint(table_next_));
  }
  return triples_.size();
}

bool PatternMatcher::FillNodes(Chunk* out, size_t max) {
  const Ref& node = pattern_.s;
  while (out->rows() < max) {
    if (node_pos_ >= nodes_.size()) return false;
    uint64_t* dst = out->AppendRow(input_.data());
    if (node.is_slot) dst[node.slot] = nodes_[node_pos_];
    ++node_pos_;
  }
  return node_pos_ < nodes_.size();
}

bool PatternMatcher::Fill(Chunk* out, size_t max) {
  if (pattern_.node_scan) return FillNodes(out, max);
  if (null_input_) return false;
  if (from_adjacency_) return FillFromAdjacency(out, max);
  const uint32_t hash_slot = pattern_.fact >= 0 ? ctx_->query->facts[pattern_.fact].hash_slot : 0;
  while (out->rows() < max) {
    if (instance_pos_ < instances_.size()) {
      scratch_[hash_slot] = instances_[instance_pos_++].hash;
      out->AppendRow(scratch_.data());
      continue;
    }
    if (triple_pos_ >= triples_.size()) {
      triples_.clear();
      annotated_.clear();
      triple_pos_ = 0;
      const size_t fetched =
          from_table_ ? NextFromTable() : cursor_->Next(&triples_, kChunkRows, &annotated_);
      if (fetched == 0) {
        if (!from_table_ && !cursor_->status().ok()) throw QueryError(cursor_->status());
        if (choice_ >= 0 && static_cast<size_t>(choice_ + 1) < pattern_.object_choices.size()) {
          pattern_ids_.o = pattern_.object_choices[++choice_];
          if (!cursor_->Reseek(pattern_ids_)) cursor_ = ctx_->view->Scan(pattern_ids_);
          continue;
        }
        if (!pattern_.undirected || reversed_) return false;
        // Undirected: now the facts pointing the other way, (o, p, s).
        reversed_ = true;
        const storage::TriplePattern back{pattern_ids_.o, pattern_ids_.p, pattern_ids_.s};
        std::swap(cursor_, other_cursor_);
        back_in_use_ = true;
        if (cursor_ == nullptr || !cursor_->Reseek(back)) cursor_ = ctx_->view->Scan(back);
        continue;
      }
      ctx_->CheckCancel();
    }
    const storage::InstanceHint hint =
        annotated_[triple_pos_] != 0 ? storage::kAnnotated : storage::kBare;
    const storage::Triple& t = triples_[triple_pos_++];
    if (reversed_ && t.s == t.o) continue;  // a self-loop matched going forward already
    std::copy(input_.begin(), input_.end(), scratch_.begin());
    // Assign unbound slots; a slot repeated within the pattern must agree.
    bool ok = true;
    const uint64_t from = reversed_ ? t.o : t.s, to = reversed_ ? t.s : t.o;
    const std::pair<const Ref*, uint64_t> parts[] = {
        {&pattern_.s, from}, {&pattern_.p, t.p}, {&pattern_.o, to}};
    for (const auto& [ref, id] : parts) {
      if (!ref->is_slot || bound_[ref->slot]) continue;
      uint64_t& cell = scratch_[ref->slot];
      if (cell != 0 && cell != id) {
        ok = false;
        break;
      }
      cell = id;
    }
    if (!ok) continue;
    const bool filtered = pattern_.fact_filter >= 0;
    if (pattern_.fact < 0 && !filtered) {
      out->AppendRow(scratch_.data());
      continue;
    }
    const FactFilter* filter =
        filtered ? &ctx_->query->fact_filters[static_cast<size_t>(pattern_.fact_filter)] : nullptr;
    if (from_table_ && pattern_.fact < 0) {
      // One row when any instance passes, read where the table keeps it.
      if (table_->AnyInstance(table_base_ + triple_pos_ - 1, [&](AnnotationSpan annotations) {
            return PassesFactFilter(*filter, annotations, ctx_->view);
          })) {
        out->AppendRow(scratch_.data());
      }
      continue;
    }
    const int reversed_slot =
        pattern_.fact >= 0 ? ctx_->query->facts[pattern_.fact].reversed_slot : -1;
    if (from_table_ && !filtered) {
      // A fact of one instance (most) is its row, written here: the
      // instance's hash is all a row carries of it.
      const std::span<const uint64_t> hashes =
          table_->InstanceHashes(table_base_ + triple_pos_ - 1);
      if (hashes.size() <= 1) {
        if (reversed_slot >= 0) scratch_[reversed_slot] = reversed_ ? 1 : 0;
        scratch_[hash_slot] = hashes.empty() ? 0 : hashes[0];
        out->AppendRow(scratch_.data());
        continue;
      }
    }
    if (from_table_) {
      // Rows carry an instance's hash; its annotations are read from the
      // table again by whoever asks (Evaluator::FactPropertyId), so they
      // are copied only for the filter.
      table_->CopyInstances(table_base_ + triple_pos_ - 1, &instances_, filtered);
    } else if (Status st = ctx_->view->GetInstances(t, &instances_, hint); !st.ok()) {
      throw QueryError(st);
    }
    auto passes = [&](const storage::FactInstance& instance) {
      return PassesFactFilter(*filter, instance.annotations, ctx_->view);
    };
    if (pattern_.fact < 0) {
      // One row when any instance passes. instances_ is marked consumed,
      // not cleared: its elements keep their capacity for the next fact.
      if (std::any_of(instances_.begin(), instances_.end(), passes)) {
        out->AppendRow(scratch_.data());
      }
      instance_pos_ = instances_.size();
      continue;
    }
    if (filtered) {
      // as of / during / with confidence: only the instances that pass.
      std::erase_if(instances_, [&](const storage::FactInstance& i) { return !passes(i); });
    }
    instance_pos_ = 0;
    if (reversed_slot >= 0) scratch_[reversed_slot] = reversed_ ? 1 : 0;
  }
  return true;
}

std::string PatternMatcher::Describe() const {
  if (pattern_.node_scan) return pattern_.label + " as a node";
  static const char* kPerm[] = {"spo", "pos", "osp"};
  const bool s = !pattern_.s.is_slot || bound_[pattern_.s.slot];
  const bool p = !pattern_.p.is_slot || bound_[pattern_.p.slot];
  const bool o = !pattern_.o.is_slot || bound_[pattern_.o.slot];
  if (!s && !o && !pattern_.object_choices.empty()) {
    // Start reads each id that can pass the condition on the object.
    return fmt::format("{} via pos ({} objects)", pattern_.label, pattern_.object_choices.size());
  }
  int perm = 0;
  if (p && !s) perm = 1;
  if (o && !p) perm = 2;
  if (s && o && !p) perm = 2;
  if (p && o && !s) perm = 1;
  return fmt::format("{} via {}", pattern_.label, kPerm[perm]);
}

}  // namespace quipu::query
