// IntersectJoin: a multiway join step (issue 18, the Generic Join of
// worst-case optimal joins, as Kùzu's Intersect). Several patterns would
// each bind the same new slot v from an end the input row has bound; the
// binary plan binds v by one of them and tests the others row by row, so it
// lists every candidate of the first (the cycle of bench/compare's
// "triangle" listed 9.0M rows to keep 16k). Here each pattern's candidates
// are the bound end's hops in its predicate's adjacency (sorted ids), and
// v takes only the ids in all of them, each as many times as the product
// of its multiplicities (a pattern going both ways can reach one node by
// two facts), which is what the binary joins give.
#include <fmt/format.h>

#include <algorithm>

#include "query/memory_budget.h"
#include "query/operators.h"
#include "query/paths/adjacency.h"
#include "query/versioned_cache.h"

namespace quipu::query {
namespace {

class IntersectJoinOp final : public Operator {
 public:
  IntersectJoinOp(const ExecContext* ctx, std::unique_ptr<Operator> left,
                  std::vector<const BoundPattern*> patterns, uint32_t slot)
      : ctx_(ctx),
        left_(std::move(left)),
        patterns_(std::move(patterns)),
        slot_(slot),
        input_(ctx->width),
        charge_(ctx->env->memory, "a multiway join", "adjacency", "hop") {
    for (const BoundPattern* p : patterns_) {
      Side side;
      side.from = p->s.is_slot && p->s.slot == slot_ ? p->o : p->s;
      side.backward = p->s.is_slot && p->s.slot == slot_;
      lists_.push_back(side);
    }
  }

  bool Next(Chunk* out) override {
    out->Clear();
    while (out->rows() < kChunkRows) {
      if (match_ < matches_.size()) {
        uint64_t* row = out->AppendRow(input_.row(input_pos_ - 1));
        row[slot_] = matches_[match_++];
        continue;
      }
      if (input_pos_ >= input_.rows()) {
        if (!left_->Pull(&input_)) break;
        input_pos_ = 0;
        ctx_->CheckCancel();
      }
      Intersect(input_.row(input_pos_++));
    }
    return out->rows() > 0;
  }

  std::string Describe() const override {
    const std::string& n = ctx_->query->slot_names[slot_];
    std::string joined;
    for (const BoundPattern* p : patterns_) joined += (joined.empty() ? "" : " ∩ ") + p->label;
    return fmt::format("Intersect on [{}]: {}", n.empty() ? "_" + std::to_string(slot_) : n,
                       joined);
  }
  std::vector<const Operator*> Children() const override { return {left_.get()}; }

 private:
  struct Side {
    Ref from;               // the end bound by the input
    bool backward = false;  // v is the subject: hops from the object
    std::shared_ptr<const paths::Adjacency> adjacency;
    std::span<const uint64_t> ids;
  };

  // The candidates of side k for the row: sorted ids, repeats kept.
  bool Candidates(Side* side, const BoundPattern& p, const uint64_t* row) {
    const uint64_t from = side->from.is_slot ? row[side->from.slot] : side->from.id;
    if (from == 0) return false;  // a null from an optional match, or a term never stored
    if (side->adjacency == nullptr) side->adjacency = Adjacency(p, side->backward);
    side->ids = side->adjacency->Next(from);  // sorted, both ways merged
    return !side->ids.empty();
  }

  std::shared_ptr<const paths::Adjacency> Adjacency(const BoundPattern& p, bool backward) {
    const StatementEnv& env = *ctx_->env;
    const paths::AdjacencyKey key{{p.p.id},
                                  backward,
                                  p.undirected,
                                  /*all_facts=*/true,
                                  /*sorted=*/true};
    if (env.adjacency != nullptr) {
      if (auto kept = env.adjacency->Find(key, env.snapshot_version)) return kept;
    }
    const uint64_t facts = p.p.id == 0 ? 0 : ValueOrThrow(ctx_->view->GetStats(p.p.id)).facts;
    const uint64_t hops = facts * (p.undirected ? 2 : 1);
    charge_.Add(paths::Adjacency::BytesFor(hops), hops);
    std::shared_ptr<const paths::Adjacency> read =
        ValueOrThrow(paths::ReadAdjacency(ctx_->view, key));
    if (env.adjacency != nullptr) env.adjacency->Put(key, env.snapshot_version, read);
    return read;
  }

  // matches_: the ids in every side's candidates, each repeated by the
  // product of its counts.
  void Intersect(const uint64_t* row) {
    matches_.clear();
    match_ = 0;
    order_.clear();
    for (size_t k = 0; k < lists_.size(); ++k) {
      if (!Candidates(&lists_[k], *patterns_[k], row)) return;
      order_.push_back(k);
    }
    std::sort(order_.begin(), order_.end(),
              [&](size_t a, size_t b) { return lists_[a].ids.size() < lists_[b].ids.size(); });
    cursors_.assign(lists_.size(), 0);
    const std::span<const uint64_t> driver = lists_[order_[0]].ids;
    for (size_t i = 0; i < driver.size();) {
      const uint64_t id = driver[i];
      size_t times = 0;
      while (i < driver.size() && driver[i] == id) ++i, ++times;
      for (size_t o = 1; o < order_.size() && times > 0; ++o) {
        const std::span<const uint64_t> ids = lists_[order_[o]].ids;
        size_t& at = cursors_[o];
        at = static_cast<size_t>(std::lower_bound(ids.begin() + at, ids.end(), id) - ids.begin());
        size_t here = 0;
        while (at < ids.size() && ids[at] == id) ++at, ++here;
        times *= here;
      }
      matches_.insert(matches_.end(), times, id);
    }
  }

  const ExecContext* ctx_;
  std::unique_ptr<Operator> left_;
  std::vector<const BoundPattern*> patterns_;
  uint32_t slot_;
  std::vector<Side> lists_;
  Chunk input_;
  size_t input_pos_ = 0;
  std::vector<uint64_t> matches_;  // v's ids for the input row before input_pos_
  size_t match_ = 0;
  std::vector<size_t> order_, cursors_;
  MemoryCharge charge_;
};

}  // namespace

std::unique_ptr<Operator> MakeIntersectJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                            std::vector<const BoundPattern*> patterns,
                                            uint32_t slot) {
  return std::make_unique<IntersectJoinOp>(ctx, std::move(left), std::move(patterns), slot);
}

}  // namespace quipu::query
