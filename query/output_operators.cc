#include "query/output_operators.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "query/blocking_operator.h"
#include "query/expression.h"
#include "query/id_compare.h"
#include "query/item_ids.h"
#include "query/memory_budget.h"
#include "query/row_index.h"
#include "query/value_table.h"

namespace quipu::query {
namespace {

// --- Project -----------------------------------------------------------------

class ProjectOp final : public Operator {
 public:
  ProjectOp(const ExecContext* ctx, std::unique_ptr<Operator> child)
      : ctx_(ctx), child_(std::move(child)), items_(ctx), input_(ctx->width) {}

  bool Next(Chunk* out) override {
    out->Clear();
    out->width = items_.width();
    if (!child_->Pull(&input_)) return false;
    for (size_t r = 0; r < input_.rows(); ++r) {
      items_.Append(ctx_->query->items, input_.row(r), out);
    }
    return true;
  }
  std::string Describe() const override {
    return fmt::format("Project [{}]", ItemList(*ctx_->query));
  }
  std::vector<const Operator*> Children() const override { return {child_.get()}; }

 private:
  const ExecContext* ctx_;
  std::unique_ptr<Operator> child_;
  ItemIds items_;
  Chunk input_;
};

// --- Distinct ----------------------------------------------------------------

class DistinctOp final : public Operator {
 public:
  DistinctOp(const ExecContext* ctx, std::unique_ptr<Operator> child, size_t columns)
      : child_(std::move(child)),
        columns_(columns),
        seen_(columns),
        charge_(ctx->env->memory, "a distinct", "", "distinct row") {}

  bool Next(Chunk* out) override {
    out->Clear();
    while (out->rows() == 0) {
      if (!child_->Pull(&input_)) return false;
      out->width = input_.width;
      for (size_t r = 0; r < input_.rows(); ++r) {
        const uint64_t* row = input_.row(r);
        if (seen_.Insert(row).second) {
          charge_.Add(RowIndex::BytesPerRow(columns_));
          out->AppendRow(row);
        }
      }
    }
    return true;
  }
  std::string Describe() const override { return "Distinct"; }
  std::vector<const Operator*> Children() const override { return {child_.get()}; }

 private:
  std::unique_ptr<Operator> child_;
  Chunk input_;
  size_t columns_;
  RowIndex seen_;  // the first columns_ ids of the rows passed
  MemoryCharge charge_;
};

// --- Sort and top-k ------------------------------------------------------------

class SortOp final : public BlockingOperator {
 public:
  SortOp(const ExecContext* ctx, std::unique_ptr<Operator> child, std::vector<SortKey> keys,
         size_t shown_keys, size_t keep)
      : ctx_(ctx),
        child_(std::move(child)),
        keys_(std::move(keys)),
        shown_keys_(shown_keys),
        keep_(keep),
        eval_(ctx->view, &ctx->query->facts),
        charge_(ctx->env->memory, keep > 0 ? "a top-k sort" : "a sort", "", "row") {
    eval_.set_context(ctx);
  }

  std::string Describe() const override {
    std::string keys;
    for (size_t i = 0; i < shown_keys_; ++i) {
      const SortKey& k = keys_[i];
      keys += (keys.empty() ? "" : ", ") + ctx_->query->columns[k.column] +
              (k.descending ? " desc" : "");
    }
    return fmt::format("{} by [{}]", keep_ ? fmt::format("TopK {}", keep_) : "Sort", keys);
  }
  std::vector<const Operator*> Children() const override { return {child_.get()}; }

 private:
  // A held row's sort key, decoded only when its id cannot decide a
  // comparison (query/id_compare.h), and then once: `value` indexes values_
  // and stays with the row's place when a top-k reuses it.
  struct Cell {
    uint32_t value = 0;  // 1 + index into values_, 0 for none yet
    bool decoded = false;
  };

  // Rows are held as ids (rows_), with their cells and their input
  // position, the last tie-break, which makes the order total and so the
  // sort stable.
  bool Less(size_t a, size_t b) {
    const uint64_t* ra = rows_.row(a);
    const uint64_t* rb = rows_.row(b);
    for (size_t k = 0; k < keys_.size(); ++k) {
      const uint32_t column = keys_[k].column;
      std::optional<int> c = SortOrderOfIds(ra[column], rb[column]);
      if (!c) {
        // Both decoded before either is read: decoding may grow values_.
        const uint32_t va = Decoded(a, k), vb = Decoded(b, k);
        c = CompareForSort(values_[va], values_[vb]);
      }
      if (*c != 0) return keys_[k].descending ? *c > 0 : *c < 0;
    }
    return seq_[a] < seq_[b];
  }

  // The index in values_ of key k of the held row, decoded.
  uint32_t Decoded(size_t row, size_t k) {
    Cell& cell = cells_[row * keys_.size() + k];
    if (cell.decoded) return cell.value - 1;
    if (cell.value == 0) {
      values_.emplace_back();
      cell.value = static_cast<uint32_t>(values_.size());
    } else {
      charge_.Remove(ValueBytes(values_[cell.value - 1]), 0);  // a replaced row's key
    }
    Value& value = values_[cell.value - 1];
    value = eval_.Decode(rows_.row(row)[keys_[k].column]);
    charge_.Add(ValueBytes(value), 0);
    cell.decoded = true;
    return cell.value - 1;
  }

  uint64_t RowBytes() const {
    return rows_.width * sizeof(uint64_t) + sizeof(uint64_t) + keys_.size() * sizeof(Cell);
  }

  // Appends `row` as a held row; returns its place.
  size_t Hold(const uint64_t* row, uint64_t seq) {
    rows_.AppendRow(row);
    seq_.push_back(seq);
    cells_.resize(cells_.size() + keys_.size());
    charge_.Add(RowBytes());
    return rows_.rows() - 1;
  }

  // Puts `row` in the held place `at` (a top-k's spare), keeping the places
  // of its values for reuse.
  void Replace(size_t at, const uint64_t* row, uint64_t seq) {
    std::copy(row, row + rows_.width, rows_.data.data() + at * rows_.width);
    seq_[at] = seq;
    for (size_t k = 0; k < keys_.size(); ++k) cells_[at * keys_.size() + k].decoded = false;
  }

  // Top-k: a heap of the best keep_ places, its worst on top, and one spare
  // place that each new row is written to and compared with the worst; only
  // a row that beats it enters, so most rows are decided on their ids.
  void Offer(const uint64_t* row, uint64_t seq) {
    auto less = [this](size_t a, size_t b) { return Less(a, b); };
    if (heap_.size() < keep_) {
      heap_.push_back(Hold(row, seq));
      std::push_heap(heap_.begin(), heap_.end(), less);
      return;
    }
    if (!spare_)
      spare_ = Hold(row, seq);
    else
      Replace(*spare_, row, seq);
    if (!Less(*spare_, heap_.front())) return;
    std::pop_heap(heap_.begin(), heap_.end(), less);
    std::swap(heap_.back(), *spare_);
    std::push_heap(heap_.begin(), heap_.end(), less);
  }

  void Materialize(Chunk* sorted) override {
    Chunk input;
    uint64_t next_seq = 0;
    while (child_->Pull(&input)) {
      rows_.width = input.width;
      for (size_t r = 0; r < input.rows(); ++r) {
        if (keep_ > 0) {
          Offer(input.row(r), next_seq++);
        } else {
          Hold(input.row(r), next_seq++);
        }
      }
      ctx_->CheckCancel();
    }
    sorted->width = rows_.width;
    std::vector<size_t> order;
    if (keep_ > 0) {
      order = std::move(heap_);
    } else {
      order.resize(rows_.rows());
      std::iota(order.begin(), order.end(), 0);
    }
    std::sort(order.begin(), order.end(), [this](size_t a, size_t b) { return Less(a, b); });
    // The sorted copy of the ids is held until handed out, instead of the
    // keys.
    charge_.Clear();
    charge_.Add(order.size() * rows_.width * sizeof(uint64_t), order.size());
    for (size_t i : order) sorted->AppendRow(rows_.row(i));
    rows_ = Chunk();
    seq_.clear();
    cells_.clear();
    values_.clear();
  }

  const ExecContext* ctx_;
  std::unique_ptr<Operator> child_;
  std::vector<SortKey> keys_;
  size_t shown_keys_;  // the keys of order by; those after them break ties
  size_t keep_;
  Evaluator eval_;
  Chunk rows_;
  std::vector<uint64_t> seq_;
  std::vector<Cell> cells_;  // keys_.size() per held row
  std::vector<Value> values_;
  std::vector<size_t> heap_;     // top-k: the best rows' places
  std::optional<size_t> spare_;  // top-k: the place a new row is tried in
  MemoryCharge charge_;
};

// --- Limit -------------------------------------------------------------------

class LimitOp final : public Operator {
 public:
  LimitOp(std::unique_ptr<Operator> child, uint64_t skip, std::optional<uint64_t> limit)
      : child_(std::move(child)), skip_(skip), limit_(limit) {}

  bool Next(Chunk* out) override {
    out->Clear();
    while (out->rows() == 0) {
      if (limit_ && passed_ >= *limit_) return false;
      if (!child_->Pull(&input_)) return false;
      out->width = input_.width;
      size_t pos = std::min<uint64_t>(input_.rows(), skip_);
      skip_ -= pos;
      const size_t room = limit_ ? static_cast<size_t>(*limit_ - passed_) : input_.rows();
      out->TakeFrom(input_, &pos, room);
      passed_ += out->rows();
    }
    return true;
  }
  std::string Describe() const override {
    return fmt::format("Limit {} skip {}", limit_ ? std::to_string(*limit_) : std::string("all"),
                       initial_skip_);
  }
  std::vector<const Operator*> Children() const override { return {child_.get()}; }

 private:
  std::unique_ptr<Operator> child_;
  uint64_t skip_;
  const uint64_t initial_skip_ = skip_;
  std::optional<uint64_t> limit_;
  uint64_t passed_ = 0;
  Chunk input_;
};

// --- Union -------------------------------------------------------------------

class UnionOp final : public Operator {
 public:
  UnionOp(const ExecContext* ctx, std::vector<UnionPart> parts, size_t columns)
      : ctx_(ctx),
        parts_(std::move(parts)),
        columns_(columns),
        eval_(ctx->view, &ctx->query->facts),
        canonical_(columns, false),
        key_(columns),
        seen_(columns),
        charge_(ctx->env->memory, "a union", "", "distinct row") {
    eval_.set_context(ctx);
    for (size_t i = 1; i < parts_.size(); ++i) {
      if (!parts_[i].all) last_distinct_ = i;
    }
    // A column that holds store ids in one part and computed values in
    // another compares as values: its store ids are mapped to value ids.
    for (size_t c = 0; c < columns_; ++c) {
      for (const UnionPart& part : parts_) {
        canonical_[c] = canonical_[c] || part.term_columns[c] != parts_[0].term_columns[c];
      }
    }
  }

  bool Next(Chunk* out) override {
    out->Clear();
    out->width = static_cast<uint32_t>(columns_);
    while (out->rows() == 0) {
      if (current_ >= parts_.size()) return false;
      if (!parts_[current_].root->Pull(&input_)) {
        ++current_;
        continue;
      }
      const bool distinct = last_distinct_ > 0 && current_ <= last_distinct_;
      for (size_t r = 0; r < input_.rows(); ++r) {
        const uint64_t* row = input_.row(r);
        for (size_t c = 0; c < columns_; ++c) key_[c] = Canonical(c, row[c]);
        if (distinct) {
          if (!seen_.Insert(key_.data()).second) continue;
          charge_.Add(RowIndex::BytesPerRow(columns_));
        }
        out->AppendRow(key_.data());
      }
    }
    return true;
  }
  std::string Describe() const override {
    std::string kinds;
    for (size_t i = 1; i < parts_.size(); ++i) {
      kinds += (i > 1 ? ", " : "") + std::string(parts_[i].all ? "all" : "distinct");
    }
    return fmt::format("Union ({} parts: {})", parts_.size(), kinds);
  }
  std::vector<const Operator*> Children() const override {
    std::vector<const Operator*> children;
    for (const UnionPart& part : parts_) children.push_back(part.root.get());
    return children;
  }

 private:
  uint64_t Canonical(size_t column, uint64_t id) {
    if (!canonical_[column] || id == 0 || ValueTable::IsLocal(id) || IsInlineType(TypeOfId(id))) {
      return id;
    }
    return ctx_->values->Intern(eval_.Decode(id));
  }

  const ExecContext* ctx_;
  std::vector<UnionPart> parts_;
  size_t columns_;
  Evaluator eval_;
  std::vector<bool> canonical_;
  size_t last_distinct_ = 0;
  size_t current_ = 0;
  Chunk input_;
  std::vector<uint64_t> key_;
  RowIndex seen_;
  MemoryCharge charge_;
};

}  // namespace

std::unique_ptr<Operator> MakeProject(const ExecContext* ctx, std::unique_ptr<Operator> child) {
  return std::make_unique<ProjectOp>(ctx, std::move(child));
}

std::unique_ptr<Operator> MakeDistinct(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                       size_t columns) {
  return std::make_unique<DistinctOp>(ctx, std::move(child), columns);
}

std::unique_ptr<Operator> MakeSort(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                   std::vector<SortKey> keys, size_t keep,
                                   const std::vector<SortKey>& ties) {
  const size_t shown = keys.size();
  keys.insert(keys.end(), ties.begin(), ties.end());
  return std::make_unique<SortOp>(ctx, std::move(child), std::move(keys), shown, keep);
}

std::unique_ptr<Operator> MakeLimit(std::unique_ptr<Operator> child, uint64_t skip,
                                    std::optional<uint64_t> limit) {
  return std::make_unique<LimitOp>(std::move(child), skip, limit);
}

std::unique_ptr<Operator> MakeUnion(const ExecContext* ctx, std::vector<UnionPart> parts,
                                    size_t columns) {
  return std::make_unique<UnionOp>(ctx, std::move(parts), columns);
}

}  // namespace quipu::query
