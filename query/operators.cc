#include "query/operators.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include "core/term_id.h"
#include "query/binder.h"
#include "query/group_matcher.h"
#include "query/memory_budget.h"

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
  if (Status s = env->interrupt.Check(); !s.ok()) throw QueryError(std::move(s));
}

namespace {

// --- Scan --------------------------------------------------------------------

class ScanOp final : public Operator {
 public:
  ScanOp(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound,
         const std::optional<std::vector<uint64_t>>& predicates)
      : matcher_(MakeMatcher(ctx, pattern, std::move(bound), predicates)) {
    const std::vector<uint64_t> empty(ctx->width, 0);
    matcher_->Start(empty.data());
  }

  bool Next(Chunk* out) override {
    out->Clear();
    if (!done_) done_ = !matcher_->Fill(out, kChunkRows);
    return out->rows() > 0;
  }
  std::string Describe() const override { return "Scan " + matcher_->Describe(); }

 private:
  std::unique_ptr<Matcher> matcher_;
  bool done_ = false;
};

// --- BindJoin ----------------------------------------------------------------

class BindJoinOp final : public Operator {
 public:
  BindJoinOp(const ExecContext* ctx, std::unique_ptr<Operator> left, const BoundPattern& pattern,
             std::vector<bool> bound, bool semi,
             const std::optional<std::vector<uint64_t>>& predicates)
      : ctx_(ctx),
        left_(std::move(left)),
        matcher_(MakeMatcher(ctx, pattern, std::move(bound), predicates)),
        input_(ctx->width),
        probe_(ctx->width),
        semi_(semi) {}

  bool Next(Chunk* out) override {
    out->Clear();
    while (out->rows() < kChunkRows) {
      if (semi_ && input_pos_ < input_.rows()) {
        // The first match decides; the matcher's state is dropped by the
        // next Start.
        const uint64_t* row = input_.row(input_pos_++);
        matcher_->Start(row);
        probe_.Clear();
        matcher_->Fill(&probe_, 1);
        if (probe_.rows() > 0) out->AppendRow(row);
        continue;
      }
      if (active_) {
        active_ = matcher_->Fill(out, kChunkRows);
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
      matcher_->Start(input_.row(input_pos_++));
      active_ = true;
    }
    return out->rows() > 0;
  }
  std::string Describe() const override {
    return (semi_ ? "BindSemiJoin " : "BindJoin ") + matcher_->Describe();
  }
  std::vector<const Operator*> Children() const override { return {left_.get()}; }

 private:
  const ExecContext* ctx_;
  std::unique_ptr<Operator> left_;
  std::unique_ptr<Matcher> matcher_;
  Chunk input_;
  Chunk probe_;  // semi: the first match of a row, looked at and dropped
  const bool semi_;
  size_t input_pos_ = 0;
  bool left_done_ = false;
  bool active_ = false;
};

// --- HashJoin ----------------------------------------------------------------

class HashJoinOp final : public Operator {
 public:
  HashJoinOp(const ExecContext* ctx, std::unique_ptr<Operator> left,
             std::unique_ptr<Operator> right, std::vector<uint32_t> keys,
             std::vector<bool> right_slots, bool semi)
      : ctx_(ctx),
        semi_(semi),
        left_(std::move(left)),
        right_(std::move(right)),
        keys_(std::move(keys)),
        right_slots_(std::move(right_slots)),
        input_(ctx->width),
        pending_(ctx->width),
        build_charge_(ctx->env->memory, keys_.empty() ? "a cross product" : "a hash join",
                      "build side", "row"),
        pending_charge_(ctx->env->memory, keys_.empty() ? "a cross product" : "a hash join",
                        "matches of one probe row", "row") {
    for (uint32_t s = 0; s < ctx->width; ++s) {
      if (right_slots_[s]) copy_slots_.push_back(s);
    }
  }

  bool Next(Chunk* out) override {
    out->Clear();
    if (!built_) Build();
    while (out->rows() < kChunkRows) {
      if (pending_pos_ < pending_.rows()) {
        out->TakeFrom(pending_, &pending_pos_, kChunkRows);
        continue;
      }
      pending_.Clear();
      pending_charge_.Clear();
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
      const uint64_t row_bytes = ctx_->width * sizeof(uint64_t);
      for (uint32_t r = it->second; r != kEnd; r = next_[r]) {
        const uint64_t* src = build_.row(r);
        if (!SameKey(row, src)) continue;  // a hash collision of different keys
        if (semi_) {
          out->AppendRow(row);
          break;
        }
        // One probe row's matches are held until handed out: as many as the
        // build side holds for a cross product.
        if (pending_.rows() >= kChunkRows) pending_charge_.Add(row_bytes);
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
    if (keys_.empty()) return "CrossProduct";
    return (semi_ ? "HashSemiJoin on [" : "HashJoin on [") + names + "]";
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
        // The row's ids and chain link, and a table node per new key.
        build_charge_.Add(ctx_->width * sizeof(uint64_t) + sizeof(uint32_t) +
                          (added ? kHashNodeBytes + 2 * sizeof(uint64_t) : 0));
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
  const bool semi_;  // each left row once when it matches, nothing copied
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
  MemoryCharge build_charge_, pending_charge_;
};

// --- Filter ------------------------------------------------------------------

class FilterOp final : public Operator {
 public:
  FilterOp(const ExecContext* ctx, std::unique_ptr<Operator> child,
           std::vector<const BoundExpr*> conditions)
      : child_(std::move(child)),
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
  std::unique_ptr<Operator> child_;
  std::vector<const BoundExpr*> conditions_;
  Evaluator eval_;
  Chunk input_;
};

// --- LeftJoin (optional match), SemiJoin and AntiJoin (exists) ---------------

// Joins each input row with a group of patterns matched for that row.
class GroupJoinOp final : public Operator {
 public:
  enum class Kind { kLeft, kSemi, kAnti };

  GroupJoinOp(const ExecContext* ctx, std::unique_ptr<Operator> left, const BoundGroup& group,
              std::vector<bool> bound, Kind kind)
      : ctx_(ctx),
        left_(std::move(left)),
        matcher_(ctx, group, std::move(bound)),
        kind_(kind),
        input_(ctx->width),
        charge_(ctx->env->memory, "an optional match", "rows of one input chunk", "row") {}

  bool Next(Chunk* out) override {
    out->Clear();
    charge_.Clear();
    // Rows of one input chunk's extensions may exceed a chunk; that is
    // bounded by the group's matches for those rows, and counted.
    const uint64_t row_bytes = ctx_->width * sizeof(uint64_t);
    while (out->rows() == 0) {
      if (!left_->Pull(&input_)) return false;
      ctx_->CheckCancel();
      for (size_t i = 0; i < input_.rows(); ++i) {
        const uint64_t* row = input_.row(i);
        if (kind_ == Kind::kLeft) {
          const size_t n = matcher_.Run(row, [&](const uint64_t* extended) {
            if (out->rows() >= kChunkRows) charge_.Add(row_bytes);
            out->AppendRow(extended);
            return true;
          });
          if (n == 0) out->AppendRow(row);  // no match: the group's variables stay null
          continue;
        }
        // The first extension decides; the matcher stops there.
        const bool found = matcher_.Run(row, [](const uint64_t*) { return false; }) > 0;
        if (found == (kind_ == Kind::kSemi)) out->AppendRow(row);
      }
    }
    return true;
  }
  std::string Describe() const override {
    const char* what = kind_ == Kind::kLeft   ? "LeftJoin optional "
                       : kind_ == Kind::kSemi ? "SemiJoin exists "
                                              : "AntiJoin not exists ";
    return what + matcher_.Describe();
  }
  std::vector<const Operator*> Children() const override { return {left_.get()}; }

 private:
  const ExecContext* ctx_;
  std::unique_ptr<Operator> left_;
  GroupMatcher matcher_;
  Kind kind_;
  Chunk input_;
  MemoryCharge charge_;
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

class InputRowsOp final : public Operator {
 public:
  explicit InputRowsOp(const ExecContext* ctx) : ctx_(ctx) {}
  bool Next(Chunk* out) override {
    out->Clear();
    const BoundQuery& q = *ctx_->query;
    const size_t columns = q.input_slots.size();
    const size_t total = q.input_rows.size() / columns;
    if (next_ >= total) return false;
    const size_t end = std::min(total, next_ + kChunkRows);
    out->data.assign((end - next_) * ctx_->width, 0);
    for (size_t r = next_; r < end; ++r) {
      uint64_t* row = out->data.data() + (r - next_) * ctx_->width;
      for (size_t c = 0; c < columns; ++c) row[q.input_slots[c]] = q.input_rows[r * columns + c];
    }
    next_ = end;
    return true;
  }
  // "Input [a]": the slots the rows give (a call's columns, or an end
  // pinned by `where a = @x`).
  std::string Describe() const override {
    std::string names;
    for (uint32_t slot : ctx_->query->input_slots) {
      names += (names.empty() ? "" : ", ") + ctx_->query->slot_names[slot];
    }
    return "Input [" + names + "]";
  }

 private:
  const ExecContext* ctx_;
  size_t next_ = 0;
};

class EmptyOp final : public Operator {
 public:
  bool Next(Chunk* out) override {
    out->Clear();
    return false;
  }
  std::string Describe() const override {
    return "Empty (a term in the pattern is not in the database)";
  }
};

}  // namespace

std::unique_ptr<Operator> MakeScan(const ExecContext* ctx, const BoundPattern& pattern,
                                   std::vector<bool> bound,
                                   const std::optional<std::vector<uint64_t>>& predicates) {
  return std::make_unique<ScanOp>(ctx, pattern, std::move(bound), predicates);
}
std::unique_ptr<Operator> MakeBindJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       const BoundPattern& pattern, std::vector<bool> bound,
                                       bool semi,
                                       const std::optional<std::vector<uint64_t>>& predicates) {
  return std::make_unique<BindJoinOp>(ctx, std::move(left), pattern, std::move(bound), semi,
                                      predicates);
}
std::unique_ptr<Operator> MakeHashJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       std::unique_ptr<Operator> right, std::vector<uint32_t> keys,
                                       std::vector<bool> right_slots, bool semi) {
  return std::make_unique<HashJoinOp>(ctx, std::move(left), std::move(right), std::move(keys),
                                      std::move(right_slots), semi);
}
std::unique_ptr<Operator> MakeFilter(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                     std::vector<const BoundExpr*> conditions) {
  return std::make_unique<FilterOp>(ctx, std::move(child), std::move(conditions));
}
std::unique_ptr<Operator> MakeLeftJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       const BoundGroup& group, std::vector<bool> bound) {
  return std::make_unique<GroupJoinOp>(ctx, std::move(left), group, std::move(bound),
                                       GroupJoinOp::Kind::kLeft);
}
std::unique_ptr<Operator> MakeSingleRow(const ExecContext* ctx) {
  return std::make_unique<SingleRowOp>(ctx);
}
std::unique_ptr<Operator> MakeSemiJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       const BoundGroup& group, bool anti) {
  // Everything outside the group is bound when its condition runs.
  std::vector<bool> bound(ctx->width, true);
  for (uint32_t s : group.new_slots) bound[s] = false;
  return std::make_unique<GroupJoinOp>(ctx, std::move(left), group, std::move(bound),
                                       anti ? GroupJoinOp::Kind::kAnti : GroupJoinOp::Kind::kSemi);
}
std::unique_ptr<Operator> MakeEmpty() { return std::make_unique<EmptyOp>(); }
std::unique_ptr<Operator> MakeInputRows(const ExecContext* ctx) {
  return std::make_unique<InputRowsOp>(ctx);
}

}  // namespace quipu::query
