// MergeJoin: joins two inputs ordered by the same key slot. It keeps one
// key's worth of right rows at a time (the run of equal keys) and pairs each
// left row of that key with all of them.
#include <fmt/format.h>

#include "query/memory_budget.h"
#include "query/operators.h"

namespace quipu::query {
namespace {

class MergeJoinOp final : public Operator {
 public:
  MergeJoinOp(const ExecContext* ctx, std::unique_ptr<Operator> left,
              std::unique_ptr<Operator> right, uint32_t key, std::vector<bool> right_slots)
      : ctx_(ctx),
        left_(std::move(left)),
        right_(std::move(right)),
        key_(key),
        right_slots_(std::move(right_slots)),
        left_in_(ctx->width),
        right_in_(ctx->width),
        run_(ctx->width),
        pending_(ctx->width),
        run_charge_(ctx->env->memory, "a merge join", "right rows of one key", "row") {}

  bool Next(Chunk* out) override {
    out->Clear();
    while (out->rows() < kChunkRows) {
      if (pending_pos_ < pending_.rows()) {
        out->TakeFrom(pending_, &pending_pos_, kChunkRows);
        continue;
      }
      pending_.Clear();
      pending_pos_ = 0;
      const uint64_t* left = PeekLeft();
      if (left == nullptr) break;
      const uint64_t k = left[key_];
      // Bring the right side's run of equal keys up to k.
      if (!run_valid_ || run_key_ < k) {
        if (!LoadRun(k)) {  // the right side is exhausted: nothing more joins
          break;
        }
      }
      if (run_key_ != k) {  // no right rows with this key
        ++left_pos_;
        continue;
      }
      for (size_t r = 0; r < run_.rows(); ++r) {
        uint64_t* dst = pending_.AppendRow(left);
        const uint64_t* src = run_.row(r);
        for (uint32_t s = 0; s < ctx_->width; ++s) {
          if (right_slots_[s]) dst[s] = src[s];
        }
      }
      ++left_pos_;
    }
    return out->rows() > 0;
  }

  std::string Describe() const override {
    const std::string& n = ctx_->query->slot_names[key_];
    return "MergeJoin on [" + (n.empty() ? "_" + std::to_string(key_) : n) + "]";
  }
  std::vector<const Operator*> Children() const override { return {left_.get(), right_.get()}; }

 private:
  const uint64_t* PeekLeft() {
    while (left_pos_ >= left_in_.rows()) {
      if (left_done_ || !left_->Pull(&left_in_)) {
        left_done_ = true;
        return nullptr;
      }
      left_pos_ = 0;
      ctx_->CheckCancel();
    }
    return left_in_.row(left_pos_);
  }

  const uint64_t* PeekRight() {
    while (right_pos_ >= right_in_.rows()) {
      if (right_done_ || !right_->Pull(&right_in_)) {
        right_done_ = true;
        return nullptr;
      }
      right_pos_ = 0;
    }
    return right_in_.row(right_pos_);
  }

  // Skips right rows below k and gathers the run of the next key (>= k).
  // Returns false when the right side has no rows left at all.
  bool LoadRun(uint64_t k) {
    run_.Clear();
    run_charge_.Clear();
    run_valid_ = false;
    const uint64_t* r;
    while ((r = PeekRight()) != nullptr && r[key_] < k) ++right_pos_;
    if (r == nullptr) return false;
    run_key_ = r[key_];
    while ((r = PeekRight()) != nullptr && r[key_] == run_key_) {
      // The run and one left row's copy of it in pending_.
      run_charge_.Add(2 * ctx_->width * sizeof(uint64_t));
      run_.AppendRow(r);
      ++right_pos_;
    }
    run_valid_ = true;
    return true;
  }

  const ExecContext* ctx_;
  std::unique_ptr<Operator> left_, right_;
  uint32_t key_;
  std::vector<bool> right_slots_;
  Chunk left_in_, right_in_, run_, pending_;
  size_t left_pos_ = 0, right_pos_ = 0, pending_pos_ = 0;
  bool left_done_ = false, right_done_ = false, run_valid_ = false;
  uint64_t run_key_ = 0;
  MemoryCharge run_charge_;
};

}  // namespace

std::unique_ptr<Operator> MakeMergeJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                        std::unique_ptr<Operator> right, uint32_t key,
                                        std::vector<bool> right_slots) {
  return std::make_unique<MergeJoinOp>(ctx, std::move(left), std::move(right), key,
                                       std::move(right_slots));
}

}  // namespace quipu::query
