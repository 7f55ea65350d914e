#include "query/operators.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "query/binder.h"
#include "query/group_matcher.h"
#include "storage/term_codec.h"

namespace quipu::query {

bool Operator::Pull(Chunk* out) {
  const auto start = std::chrono::steady_clock::now();
  const bool more = Next(out);
  nanos += static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count());
  actual_rows += out->rows();
  return more;
}

void ExecContext::CheckCancel() const {
  if (cancel_generation != nullptr &&
      cancel_generation->load(std::memory_order_relaxed) != start_generation) {
    throw QueryError(Status::InvalidArgument("the statement was cancelled"));
  }
}

// --- PatternMatcher ----------------------------------------------------------

PatternMatcher::PatternMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                               std::vector<bool> bound)
    : ctx_(ctx), pattern_(pattern), bound_(std::move(bound)) {
  input_.resize(ctx_->width);
  scratch_.resize(ctx_->width);
}

bool PatternMatcher::HasFacts(uint64_t id) {
  // The same rule as LoadNodes: entities only, and being a label is not enough.
  if (storage::TypeOfId(id) != storage::TermType::kEntity) return false;
  std::vector<storage::Triple> batch;
  std::unique_ptr<storage::TripleCursor> cursor = ctx_->view->Scan({id, 0, 0});
  if (cursor->Next(&batch, 1) > 0) return true;
  if (!cursor->status().ok()) throw QueryError(cursor->status());
  Result<uint64_t> label_predicate = ctx_->view->FindTerm(Value(Entity{kLabelPredicate}));
  if (!label_predicate.ok()) throw QueryError(label_predicate.status());
  cursor = ctx_->view->Scan({0, 0, id});
  for (;;) {
    batch.clear();
    if (cursor->Next(&batch, kChunkRows) == 0) break;
    for (const storage::Triple& t : batch) {
      if (t.p != *label_predicate) return true;
    }
  }
  if (!cursor->status().ok()) throw QueryError(cursor->status());
  return false;
}

void PatternMatcher::LoadNodes() {
  // Subjects come sorted from spo; entity objects are gathered on the way,
  // except labels: a label is not a node unless it has facts of its own.
  Result<uint64_t> label_predicate = ctx_->view->FindTerm(Value(Entity{kLabelPredicate}));
  if (!label_predicate.ok()) throw QueryError(label_predicate.status());
  std::unique_ptr<storage::TripleCursor> cursor = ctx_->view->Scan({0, 0, 0});
  std::vector<uint64_t> objects;
  std::vector<storage::Triple> batch;
  for (;;) {
    batch.clear();
    if (cursor->Next(&batch, kChunkRows) == 0) break;
    ctx_->CheckCancel();
    for (const storage::Triple& t : batch) {
      if (nodes_.empty() || nodes_.back() != t.s) nodes_.push_back(t.s);
      if (storage::TypeOfId(t.o) == storage::TermType::kEntity && t.p != *label_predicate) {
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
  if (null_input_) return;
  const storage::TriplePattern tp{resolve(pattern_.s), resolve(pattern_.p), resolve(pattern_.o)};
  pattern_ids_ = tp;
  reversed_ = false;
  if (cursor_ == nullptr || !cursor_->Reseek(tp)) cursor_ = ctx_->view->Scan(tp);
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
  const uint32_t hash_slot = pattern_.fact >= 0 ? ctx_->query->facts[pattern_.fact].hash_slot : 0;
  while (out->rows() < max) {
    if (instance_pos_ < instances_.size()) {
      scratch_[hash_slot] = instances_[instance_pos_++].hash;
      out->AppendRow(scratch_.data());
      continue;
    }
    if (triple_pos_ >= triples_.size()) {
      triples_.clear();
      triple_pos_ = 0;
      if (cursor_->Next(&triples_, kChunkRows) == 0) {
        if (!cursor_->status().ok()) throw QueryError(cursor_->status());
        if (!pattern_.undirected || reversed_) return false;
        // Undirected: now the facts pointing the other way, (o, p, s).
        reversed_ = true;
        const storage::TriplePattern back{pattern_ids_.o, pattern_ids_.p, pattern_ids_.s};
        if (!cursor_->Reseek(back)) cursor_ = ctx_->view->Scan(back);
        continue;
      }
      ctx_->CheckCancel();
    }
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
    if (pattern_.fact < 0) {
      out->AppendRow(scratch_.data());
      continue;
    }
    if (Status st = ctx_->view->GetInstances(t, &instances_); !st.ok()) throw QueryError(st);
    instance_pos_ = 0;
    const int reversed_slot = ctx_->query->facts[pattern_.fact].reversed_slot;
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
  int perm = 0;
  if (p && !s) perm = 1;
  if (o && !p) perm = 2;
  if (s && o && !p) perm = 2;
  if (p && o && !s) perm = 1;
  return fmt::format("{} via {}", pattern_.label, kPerm[perm]);
}

namespace {

// --- Scan --------------------------------------------------------------------

class ScanOp final : public Operator {
 public:
  ScanOp(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound)
      : matcher_(ctx, pattern, std::move(bound)) {
    const std::vector<uint64_t> empty(ctx->width, 0);
    matcher_.Start(empty.data());
  }

  bool Next(Chunk* out) override {
    out->Clear();
    if (!done_) done_ = !matcher_.Fill(out, kChunkRows);
    return out->rows() > 0;
  }
  std::string Describe() const override { return "Scan " + matcher_.Describe(); }

 private:
  PatternMatcher matcher_;
  bool done_ = false;
};

// --- BindJoin ----------------------------------------------------------------

class BindJoinOp final : public Operator {
 public:
  BindJoinOp(const ExecContext* ctx, std::unique_ptr<Operator> left, const BoundPattern& pattern,
             std::vector<bool> bound)
      : ctx_(ctx),
        left_(std::move(left)),
        matcher_(ctx, pattern, std::move(bound)),
        input_(ctx->width) {}

  bool Next(Chunk* out) override {
    out->Clear();
    while (out->rows() < kChunkRows) {
      if (active_) {
        active_ = matcher_.Fill(out, kChunkRows);
        continue;
      }
      if (input_pos_ >= input_.rows()) {
        if (left_done_ || !left_->Pull(&input_)) {
          left_done_ = true;
          break;
        }
        input_pos_ = 0;
        ctx_->CheckCancel();
        continue;
      }
      matcher_.Start(input_.row(input_pos_++));
      active_ = true;
    }
    return out->rows() > 0;
  }
  std::string Describe() const override { return "BindJoin " + matcher_.Describe(); }
  std::vector<const Operator*> Children() const override { return {left_.get()}; }

 private:
  const ExecContext* ctx_;
  std::unique_ptr<Operator> left_;
  PatternMatcher matcher_;
  Chunk input_;
  size_t input_pos_ = 0;
  bool left_done_ = false;
  bool active_ = false;
};

// --- HashJoin ----------------------------------------------------------------

class HashJoinOp final : public Operator {
 public:
  HashJoinOp(const ExecContext* ctx, std::unique_ptr<Operator> left,
             std::unique_ptr<Operator> right, std::vector<uint32_t> keys,
             std::vector<bool> right_slots)
      : ctx_(ctx),
        left_(std::move(left)),
        right_(std::move(right)),
        keys_(std::move(keys)),
        right_slots_(std::move(right_slots)),
        input_(ctx->width),
        pending_(ctx->width) {
    for (uint32_t s = 0; s < ctx->width; ++s) {
      if (right_slots_[s]) copy_slots_.push_back(s);
    }
  }

  bool Next(Chunk* out) override {
    out->Clear();
    if (!built_) Build();
    while (out->rows() < kChunkRows) {
      if (pending_pos_ < pending_.rows()) {
        const size_t n = std::min(kChunkRows - out->rows(), pending_.rows() - pending_pos_);
        out->data.insert(out->data.end(), pending_.data.begin() + pending_pos_ * ctx_->width,
                         pending_.data.begin() + (pending_pos_ + n) * ctx_->width);
        pending_pos_ += n;
        continue;
      }
      pending_.Clear();
      pending_pos_ = 0;
      if (input_pos_ >= input_.rows()) {
        if (left_done_ || heads_.empty() || !left_->Pull(&input_)) {
          left_done_ = true;
          break;
        }
        input_pos_ = 0;
        ctx_->CheckCancel();
        continue;
      }
      const uint64_t* row = input_.row(input_pos_++);
      auto it = heads_.find(KeyHash(row));
      if (it == heads_.end()) continue;
      for (uint32_t r = it->second; r != kEnd; r = next_[r]) {
        const uint64_t* src = build_.row(r);
        if (!SameKey(row, src)) continue;  // a hash collision of different keys
        uint64_t* dst = pending_.AppendRow(row);
        for (uint32_t s : copy_slots_) dst[s] = src[s];
      }
    }
    return out->rows() > 0;
  }

  std::string Describe() const override {
    std::string names;
    for (uint32_t k : keys_) {
      const std::string& n = ctx_->query->slot_names[k];
      names += (names.empty() ? "" : ", ") + (n.empty() ? "_" + std::to_string(k) : n);
    }
    return keys_.empty() ? "CrossProduct" : "HashJoin on [" + names + "]";
  }
  std::vector<const Operator*> Children() const override { return {left_.get(), right_.get()}; }

 private:
  static constexpr uint32_t kEnd = UINT32_MAX;

  // One key slot: the id itself; several: a mix (collisions are checked).
  uint64_t KeyHash(const uint64_t* row) const {
    if (keys_.size() == 1) return row[keys_[0]];
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (uint32_t k : keys_) h = (h ^ row[k]) * 0x100000001b3ULL + (h >> 29);
    return h;
  }
  bool SameKey(const uint64_t* a, const uint64_t* b) const {
    for (uint32_t k : keys_) {
      if (a[k] != b[k]) return false;
    }
    return true;
  }

  // The table chains build rows with equal hashes through next_, newest
  // first; reversed at the end so matches come out in build order.
  void Build() {
    built_ = true;
    build_.width = ctx_->width;
    Chunk chunk(ctx_->width);
    while (right_->Pull(&chunk)) {
      ctx_->CheckCancel();
      for (size_t i = 0; i < chunk.rows(); ++i) {
        const uint64_t* row = chunk.row(i);
        const uint32_t index = static_cast<uint32_t>(build_.rows());
        if (index == kEnd) throw QueryError(Status::Internal("hash join build side too large"));
        auto [it, added] = heads_.emplace(KeyHash(row), index);
        next_.push_back(added ? kEnd : it->second);
        it->second = index;
        build_.AppendRow(row);
      }
    }
    for (auto& [hash, head] : heads_) {
      uint32_t prev = kEnd, r = head;
      while (r != kEnd) {
        const uint32_t following = next_[r];
        next_[r] = prev;
        prev = r;
        r = following;
      }
      head = prev;
    }
  }

  const ExecContext* ctx_;
  std::unique_ptr<Operator> left_, right_;
  std::vector<uint32_t> keys_;
  std::vector<bool> right_slots_;
  bool built_ = false;
  Chunk build_;
  std::unordered_map<uint64_t, uint32_t> heads_;  // key hash → first build row
  std::vector<uint32_t> next_;                    // build row → next with that hash
  std::vector<uint32_t> copy_slots_;              // the right side's slots
  Chunk input_;
  size_t input_pos_ = 0;
  bool left_done_ = false;
  Chunk pending_;
  size_t pending_pos_ = 0;
};

// --- Filter ------------------------------------------------------------------

class FilterOp final : public Operator {
 public:
  FilterOp(const ExecContext* ctx, std::unique_ptr<Operator> child,
           std::vector<const BoundExpr*> conditions)
      : ctx_(ctx),
        child_(std::move(child)),
        conditions_(std::move(conditions)),
        eval_(ctx->view, &ctx->query->facts),
        input_(ctx->width) {
    eval_.set_context(ctx);
  }

  bool Next(Chunk* out) override {
    out->Clear();
    while (out->rows() == 0) {
      if (!child_->Pull(&input_)) return false;
      for (size_t i = 0; i < input_.rows(); ++i) {
        const uint64_t* row = input_.row(i);
        bool keep = true;
        for (const BoundExpr* c : conditions_) {
          if (!eval_.Test(*c, row)) {
            keep = false;
            break;
          }
        }
        if (keep) out->AppendRow(row);
      }
    }
    return true;
  }
  std::string Describe() const override {
    return fmt::format("Filter ({} condition{})", conditions_.size(),
                       conditions_.size() == 1 ? "" : "s");
  }
  std::vector<const Operator*> Children() const override { return {child_.get()}; }

 private:
  const ExecContext* ctx_;
  std::unique_ptr<Operator> child_;
  std::vector<const BoundExpr*> conditions_;
  Evaluator eval_;
  Chunk input_;
};

// --- LeftJoin (optional match) -----------------------------------------------

class LeftJoinOp final : public Operator {
 public:
  LeftJoinOp(const ExecContext* ctx, std::unique_ptr<Operator> left, const BoundGroup& group,
             std::vector<bool> bound)
      : ctx_(ctx),
        left_(std::move(left)),
        matcher_(ctx, group, std::move(bound)),
        input_(ctx->width) {}

  bool Next(Chunk* out) override {
    out->Clear();
    // Rows of one input row's extensions may exceed a chunk; that is bounded
    // by the group's matches for one row, as for BindJoin's pending rows.
    while (out->rows() == 0) {
      if (!left_->Pull(&input_)) return false;
      ctx_->CheckCancel();
      for (size_t i = 0; i < input_.rows(); ++i) {
        const uint64_t* row = input_.row(i);
        const size_t n = matcher_.Run(row, [&](const uint64_t* extended) {
          out->AppendRow(extended);
          return true;
        });
        if (n == 0) out->AppendRow(row);  // no match: the group's variables stay null
      }
    }
    return true;
  }
  std::string Describe() const override { return "LeftJoin optional " + matcher_.Describe(); }
  std::vector<const Operator*> Children() const override { return {left_.get()}; }

 private:
  const ExecContext* ctx_;
  std::unique_ptr<Operator> left_;
  GroupMatcher matcher_;
  Chunk input_;
};

class SingleRowOp final : public Operator {
 public:
  explicit SingleRowOp(const ExecContext* ctx) : ctx_(ctx) {}
  bool Next(Chunk* out) override {
    out->Clear();
    if (done_) return false;
    done_ = true;
    out->data.assign(ctx_->width, 0);
    return true;
  }
  std::string Describe() const override { return "SingleRow"; }

 private:
  const ExecContext* ctx_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<Operator> MakeScan(const ExecContext* ctx, const BoundPattern& pattern,
                                   std::vector<bool> bound) {
  return std::make_unique<ScanOp>(ctx, pattern, std::move(bound));
}
std::unique_ptr<Operator> MakeBindJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       const BoundPattern& pattern, std::vector<bool> bound) {
  return std::make_unique<BindJoinOp>(ctx, std::move(left), pattern, std::move(bound));
}
std::unique_ptr<Operator> MakeHashJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       std::unique_ptr<Operator> right, std::vector<uint32_t> keys,
                                       std::vector<bool> right_slots) {
  return std::make_unique<HashJoinOp>(ctx, std::move(left), std::move(right), std::move(keys),
                                      std::move(right_slots));
}
std::unique_ptr<Operator> MakeFilter(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                     std::vector<const BoundExpr*> conditions) {
  return std::make_unique<FilterOp>(ctx, std::move(child), std::move(conditions));
}
std::unique_ptr<Operator> MakeLeftJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       const BoundGroup& group, std::vector<bool> bound) {
  return std::make_unique<LeftJoinOp>(ctx, std::move(left), group, std::move(bound));
}
std::unique_ptr<Operator> MakeSingleRow(const ExecContext* ctx) {
  return std::make_unique<SingleRowOp>(ctx);
}

}  // namespace quipu::query
