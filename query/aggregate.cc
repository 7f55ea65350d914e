// Hash aggregation over slot rows (see output_operators.h).
#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "core/term_id.h"
#include "query/blocking_operator.h"
#include "query/expression.h"
#include "query/id_compare.h"
#include "query/id_index.h"
#include "query/item_ids.h"
#include "query/memory_budget.h"
#include "query/number_sum.h"
#include "query/output_operators.h"
#include "query/row_index.h"
#include "query/value_table.h"

namespace quipu::query {
namespace {

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return CompareForSort(a, b) < 0; }
};

// The running state of one aggregate in one group.
class Accumulator {
 public:
  // What collect() and distinct keep counts against `charge` (may not be
  // null).
  Accumulator(const BoundExpr* e, MemoryCharge* charge) : e_(e), charge_(charge) {}

  void Add(const Value& v) {
    if (e_->args.empty()) {  // count(*)
      ++count_;
      return;
    }
    if (v.is_null()) return;
    if (e_->distinct) {
      if (!seen_.insert(v).second) return;
      charge_->Add(kHashNodeBytes + ValueBytes(v), 0);  // a tree node, like a hash node
    }
    ++count_;
    switch (e_->aggregate) {
      case AggregateFunction::kSum:
      case AggregateFunction::kAvg:
        if (!v.is_numeric()) {
          FailAt(fmt::format("type mismatch: {}() needs numbers, got {}", e_->name,
                             TypeName(v.type())),
                 e_->pos);
        }
        sum_.Add(v);
        break;
      case AggregateFunction::kCollect:
        charge_->Add(ValueBytes(v), 0);
        collected_.push_back(v);
        break;
      case AggregateFunction::kMin:
        if (count_ == 1 || CompareForSort(v, best_) < 0) best_ = v;
        break;
      case AggregateFunction::kMax:
        if (count_ == 1 || CompareForSort(v, best_) > 0) best_ = v;
        break;
      case AggregateFunction::kCount:
      case AggregateFunction::kNone:
        break;
    }
  }

  // Values counted apart, on their ids (AggregateOp's pairs, count(v)).
  void AddCount(int64_t n) { count_ += n; }

  Value Finish() const {
    switch (e_->aggregate) {
      case AggregateFunction::kCount:
        return Value(count_);
      case AggregateFunction::kCollect:
        return Value(collected_);
      case AggregateFunction::kSum:
        return sum_.Result();
      case AggregateFunction::kAvg:
        if (count_ == 0) return Value();
        return Value(sum_.AsDouble() / static_cast<double>(count_));
      default:
        return count_ == 0 ? Value() : best_;  // min, max
    }
  }

 private:
  const BoundExpr* e_;
  MemoryCharge* charge_;
  int64_t count_ = 0;
  NumberSum sum_;
  Value best_;
  ValueList collected_;
  std::set<Value, ValueLess> seen_;
};

// True for the ids whose values equal exactly the values of the same id:
// those of a type alone in its rank (query/id_compare.h), which never equal
// a value of another type either.
bool CountsByIdAlone(uint64_t id) {
  switch (TypeOfId(id)) {
    case TermType::kEntity:
    case TermType::kString:
    case TermType::kLangString:
    case TermType::kBool:
    case TermType::kDate:
    case TermType::kDateTime:
      return true;
    default:
      return false;
  }
}

// count(distinct v) of a variable, property or annotation v, for every
// group: ids for which CountsByIdAlone holds are equal exactly when their
// values are, so the (group, id) pairs are kept, without decoding, in one
// vector deduplicated by sorting when it has doubled and at the end,
// instead of a hash set per group. (Such a value never equals one of
// another type, so the accumulator counts the rest.)
class DistinctIds {
 public:
  explicit DistinctIds(MemoryCharge* charge) : charge_(charge) {}

  void Add(uint64_t group, uint64_t id) {
    charge_->Add(sizeof(Pair), 0);
    pairs_.emplace_back(group, id);
    if (pairs_.size() >= 2 * unique_ + kMinPairs) Dedupe();
  }
  // Adds each group's distinct count to its accumulator `a`.
  void AddCounts(size_t a, std::vector<std::vector<Accumulator>>* groups) {
    Dedupe();
    for (const Pair& pair : pairs_) (*groups)[pair.first][a].AddCount(1);
  }

 private:
  using Pair = std::pair<uint64_t, uint64_t>;
  static constexpr size_t kMinPairs = 4096;
  void Dedupe() {
    std::sort(pairs_.begin(), pairs_.end());
    const size_t before = pairs_.size();
    pairs_.erase(std::unique(pairs_.begin(), pairs_.end()), pairs_.end());
    charge_->Remove((before - pairs_.size()) * sizeof(Pair), 0);
    unique_ = pairs_.size();
  }
  MemoryCharge* charge_;
  std::vector<Pair> pairs_;
  size_t unique_ = 0;  // pairs_ has no duplicates up to here
};

// True for count(v) and count(distinct v) of what ItemIds reads as a
// stored id (a variable, a property, an annotation): counted on ids.
bool CountsIds(const BoundExpr& e) {
  return e.aggregate == AggregateFunction::kCount && e.args.size() == 1 &&
         ItemIds::IsTerm(e.args[0]);
}

// True for count(distinct v) when no (group, v) pair can repeat: the match
// is one pattern of a fixed predicate, no relationship variable, one way,
// so each row is a distinct fact (s, o); v is one end and a grouping key
// the other. Counting needs no set then: the count of v is the same.
bool DistinctByFacts(const BoundQuery& q, const BoundExpr& e) {
  if (q.patterns.size() != 1 || !q.optionals.empty() || !q.paths.empty()) return false;
  const BoundPattern& p = q.patterns[0];
  if (p.node_scan || p.var || p.undirected || p.fact >= 0 || p.p.is_slot || !p.s.is_slot ||
      !p.o.is_slot || p.s.slot == p.o.slot) {
    return false;
  }
  const BoundExpr& counted = e.args[0];
  if (counted.kind != BoundExpr::Kind::kSlot) return false;
  uint32_t other = 0;
  if (counted.slot == p.o.slot) {
    other = p.s.slot;
  } else if (counted.slot == p.s.slot) {
    other = p.o.slot;
  } else {
    return false;
  }
  return std::any_of(q.items.begin(), q.items.end(), [&](const BoundExpr& item) {
    return item.kind == BoundExpr::Kind::kSlot && item.slot == other;
  });
}

class AggregateOp final : public BlockingOperator {
 public:
  AggregateOp(const ExecContext* ctx, std::unique_ptr<Operator> child, bool ordered)
      : ctx_(ctx),
        child_(std::move(child)),
        ordered_(ordered),
        items_(ctx),
        input_(ctx->width),
        charge_(ctx->env->memory, "a hash aggregation", "", "group") {
    const std::vector<BoundExpr>& items = ctx->query->items;
    for (size_t i = 0; i < items.size(); ++i) {
      (items[i].kind == BoundExpr::Kind::kAggregate ? aggregates_ : keys_).push_back(i);
    }
  }

  std::string Describe() const override {
    return fmt::format("Aggregate [{}]", ItemList(*ctx_->query));
  }
  std::vector<const Operator*> Children() const override { return {child_.get()}; }

 private:
  std::vector<Accumulator> Fresh() {
    std::vector<Accumulator> accs;
    for (size_t i : aggregates_) accs.emplace_back(&ctx_->query->items[i], &charge_);
    return accs;
  }

  void Materialize(Chunk* output) override {
    const std::vector<BoundExpr>& items = ctx_->query->items;
    RowIndex index(keys_.size());  // the index of a grouping by several keys
    IdIndex single;                // the index of a grouping by one key
    // Counts on ids, group by group, in one array: a group's accumulators
    // are a node of their own, and touching one per row missed the cache.
    std::vector<uint64_t> counts;
    std::vector<std::vector<uint64_t>> group_keys;
    std::vector<std::vector<Accumulator>> groups;
    std::vector<uint64_t> key(keys_.size());
    std::vector<std::optional<DistinctIds>> distinct(aggregates_.size());
    std::vector<bool> on_ids(aggregates_.size());
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      const BoundExpr& e = items[aggregates_[a]];
      on_ids[a] = CountsIds(e);
      if (on_ids[a] && e.distinct && !DistinctByFacts(*ctx_->query, e))
        distinct[a].emplace(&charge_);
    }
    while (child_->Pull(&input_)) {
      for (size_t r = 0; r < input_.rows(); ++r) {
        const uint64_t* row = input_.row(r);
        for (size_t k = 0; k < keys_.size(); ++k) key[k] = items_.Id(items[keys_[k]], row);
        size_t group = 0;
        bool added = false;
        if (keys_.size() == 1) {
          std::tie(group, added) = single.Insert(key[0], groups.size());
        } else {
          std::tie(group, added) = index.Insert(key.data());
        }
        if (added) {
          // The index entry and the group's copy of the key, its accumulators.
          const uint64_t key_bytes = sizeof(key) + key.size() * sizeof(uint64_t);
          charge_.Add(kHashNodeBytes + sizeof(size_t) + 2 * key_bytes +
                      sizeof(std::vector<Accumulator>) + aggregates_.size() * sizeof(Accumulator));
          group_keys.push_back(key);
          groups.push_back(Fresh());
          counts.resize(counts.size() + aggregates_.size(), 0);
        }
        std::vector<Accumulator>& accs = groups[group];
        for (size_t a = 0; a < aggregates_.size(); ++a) {
          const BoundExpr& e = items[aggregates_[a]];
          if (on_ids[a]) {
            uint64_t id = 0;
            if (items_.eval().EvalId(e.args[0], row, &id)) {
              if (id == 0) continue;  // null: not counted
              if (!distinct[a]) {
                ++counts[group * aggregates_.size() + a];
              } else if (CountsByIdAlone(id)) {
                distinct[a]->Add(group, id);
              } else {
                accs[a].Add(items_.eval().Decode(id));
              }
              continue;
            }
          }
          accs[a].Add(e.args.empty() ? Value() : items_.eval().Eval(e.args[0], row));
        }
      }
      ctx_->CheckCancel();
    }
    for (size_t g = 0; g < groups.size(); ++g) {
      for (size_t a = 0; a < aggregates_.size(); ++a) {
        groups[g][a].AddCount(static_cast<int64_t>(counts[g * aggregates_.size() + a]));
      }
    }
    for (size_t a = 0; a < aggregates_.size(); ++a) {
      if (distinct[a]) distinct[a]->AddCounts(a, &groups);
    }
    // No input and no grouping: one row of empty aggregates (count 0).
    if (groups.empty() && keys_.empty()) {
      group_keys.emplace_back();
      groups.push_back(Fresh());
    }
    std::vector<size_t> order(groups.size());
    std::iota(order.begin(), order.end(), 0);
    if (ordered_) OrderByKeys(group_keys, &order);
    output->width = items_.width();
    std::vector<uint64_t> row(items.size());
    for (size_t g : order) {
      for (size_t k = 0; k < keys_.size(); ++k) row[keys_[k]] = group_keys[g][k];
      for (size_t a = 0; a < aggregates_.size(); ++a) {
        row[aggregates_[a]] = ctx_->values->Intern(groups[g][a].Finish());
      }
      output->AppendRow(row.data());
    }
    // The groups go with this function; the output rows stay until handed out.
    charge_.Clear();
    charge_.Add(output->data.size() * sizeof(uint64_t), groups.size());
  }

  // Orders the groups by their keys' values: on ids where they decide,
  // decoding each key that they do not, once.
  void OrderByKeys(const std::vector<std::vector<uint64_t>>& group_keys,
                   std::vector<size_t>* order) {
    std::vector<std::vector<std::optional<Value>>> decoded(
        group_keys.size(), std::vector<std::optional<Value>>(keys_.size()));
    charge_.Add(group_keys.size() * keys_.size() * sizeof(std::optional<Value>), 0);
    auto value = [&](size_t g, size_t k) -> const Value& {
      std::optional<Value>& v = decoded[g][k];
      if (!v) {
        v = items_.eval().Decode(group_keys[g][k]);
        charge_.Add(ValueHeapBytes(*v), 0);
      }
      return *v;
    };
    std::stable_sort(order->begin(), order->end(), [&](size_t a, size_t b) {
      for (size_t k = 0; k < keys_.size(); ++k) {
        std::optional<int> c = SortOrderOfIds(group_keys[a][k], group_keys[b][k]);
        if (!c) c = CompareForSort(value(a, k), value(b, k));
        if (*c != 0) return *c < 0;
      }
      return false;
    });
  }

  const ExecContext* ctx_;
  std::unique_ptr<Operator> child_;
  bool ordered_;
  ItemIds items_;
  Chunk input_;
  std::vector<size_t> keys_, aggregates_;
  MemoryCharge charge_;
};

}  // namespace

std::unique_ptr<Operator> MakeAggregate(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                        bool ordered) {
  return std::make_unique<AggregateOp>(ctx, std::move(child), ordered);
}

}  // namespace quipu::query
