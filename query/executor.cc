#include "query/executor.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "import/load.h"
#include "query/binder.h"
#include "query/expression.h"
#include "query/plan_printer.h"
#include "query/planner.h"
#include "query/show.h"
#include "query/writer.h"

namespace quipu::query {
namespace {

struct RowLess {
  bool operator()(const std::vector<Value>& a, const std::vector<Value>& b) const {
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
      const int c = CompareForSort(a[i], b[i]);
      if (c != 0) return c < 0;
    }
    return a.size() < b.size();
  }
};

struct IdsHash {
  size_t operator()(const std::vector<uint64_t>& ids) const {
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (uint64_t v : ids) h = (h ^ v) * 0x100000001b3ULL + (h >> 29);
    return static_cast<size_t>(h);
  }
};

struct ValueLess {
  bool operator()(const Value& a, const Value& b) const { return CompareForSort(a, b) < 0; }
};

// The running state of one aggregate in one group.
class Accumulator {
 public:
  explicit Accumulator(const BoundExpr* e) : e_(e) {}

  void Add(const Value& v) {
    if (e_->args.empty()) {  // count(*)
      ++count_;
      return;
    }
    if (v.is_null()) return;
    if (e_->distinct && !seen_.insert(v).second) return;
    ++count_;
    const std::string& f = e_->name;
    if (f == "sum" || f == "avg") {
      if (!v.is_numeric()) {
        FailAt(fmt::format("type mismatch: {}() needs numbers, got {}", f, TypeName(v.type())),
               e_->pos);
      }
      int64_t next = 0;
      if (int_sum_ && v.type() == Value::Type::kInt &&
          !__builtin_add_overflow(isum_, v.as_int(), &next)) {
        isum_ = next;
        return;
      }
      // Past int64 or with a decimal: continue in double precision.
      if (int_sum_) dsum_ = static_cast<double>(isum_);
      int_sum_ = false;
      dsum_ += v.as_number();
    } else if (f == "collect") {
      collected_.push_back(v);
    } else if (f == "min") {
      if (count_ == 1 || CompareForSort(v, best_) < 0) best_ = v;
    } else if (f == "max") {
      if (count_ == 1 || CompareForSort(v, best_) > 0) best_ = v;
    }
  }

  Value Finish() const {
    const std::string& f = e_->name;
    if (f == "count") return Value(count_);
    if (f == "collect") return Value(collected_);
    if (f == "sum") return int_sum_ ? Value(isum_) : Value(dsum_);
    if (f == "avg") {
      if (count_ == 0) return Value();
      return Value((int_sum_ ? static_cast<double>(isum_) : dsum_) / static_cast<double>(count_));
    }
    return count_ == 0 ? Value() : best_;  // min, max
  }

 private:
  const BoundExpr* e_;
  int64_t count_ = 0;
  bool int_sum_ = true;
  int64_t isum_ = 0;
  double dsum_ = 0;
  Value best_;
  ValueList collected_;
  std::set<Value, ValueLess> seen_;
};

QueryResult RunMatch(const ast::MatchStatement& match, ast::Statement::Mode mode,
                     storage::ReadView* view, const ExecOptions& options) {
  const BoundQuery q = ValueOrThrow(BindMatch(match, view, *options.params));
  QueryResult result;
  result.is_query = true;
  result.columns.assign(q.columns.begin(), q.columns.begin() + static_cast<long>(q.visible));

  ExecContext ctx;
  ctx.view = view;
  ctx.query = &q;
  ctx.width = std::max<uint32_t>(1, q.num_slots);
  ctx.cancel_generation = options.cancel_generation;
  ctx.start_generation = options.start_generation;
  ctx.joins = options.joins;
  ctx.term_cache = options.term_cache;
  Evaluator eval(view, &q.facts);
  eval.set_context(&ctx);

  std::vector<std::vector<Value>> rows;
  // Aggregation state: group key (the non-aggregate items) → accumulators.
  std::vector<size_t> group_items, agg_items;
  for (size_t i = 0; i < q.items.size(); ++i) {
    (q.items[i].kind == BoundExpr::Kind::kAggregate ? agg_items : group_items).push_back(i);
  }
  std::map<std::vector<Value>, std::vector<Accumulator>, RowLess> groups;
  const bool can_stop_early = !q.aggregate && !q.distinct && q.order.empty() && q.limit;
  // distinct over columns that are terms (variables, relationship
  // predicates) compares ids and decodes only the rows it keeps: equal
  // terms have equal ids.
  bool distinct_by_ids = q.distinct && !q.aggregate;
  for (size_t i = 0; i < q.visible && distinct_by_ids; ++i) {
    distinct_by_ids =
        q.items[i].kind == BoundExpr::Kind::kSlot || q.items[i].kind == BoundExpr::Kind::kFact;
  }
  std::unordered_set<std::vector<uint64_t>, IdsHash> seen_ids;
  std::vector<uint64_t> ids(q.visible);
  auto item_id = [&](const BoundExpr& e, const uint64_t* row) -> uint64_t {
    if (e.kind == BoundExpr::Kind::kSlot) return row[e.slot];
    const Ref& p = q.facts[static_cast<size_t>(e.fact)].p;  // kFact: its predicate
    return p.is_slot ? row[p.slot] : p.id;
  };
  // Grouping on term columns likewise keys the groups by ids and decodes each
  // group's key once at the end.
  bool group_by_ids = q.aggregate;
  for (size_t i : group_items) {
    group_by_ids = group_by_ids && (q.items[i].kind == BoundExpr::Kind::kSlot ||
                                    q.items[i].kind == BoundExpr::Kind::kFact);
  }
  std::unordered_map<std::vector<uint64_t>, size_t, IdsHash> id_group_index;
  std::vector<std::pair<std::vector<uint64_t>, std::vector<Accumulator>>> id_groups;
  std::vector<uint64_t> group_ids(group_items.size());
  const uint64_t wanted = can_stop_early ? q.skip.value_or(0) + *q.limit : 0;

  PhysicalPlan plan;
  if (!q.impossible) plan = PlanQuery(&ctx);
  if (mode == ast::Statement::Mode::kExplain) return PlanResult(q, plan.root.get(), false, 0, 0);
  const auto started = std::chrono::steady_clock::now();
  // Top-k: with order by and limit, keep only the best skip + limit rows.
  const bool topk = !q.order.empty() && q.limit && !q.aggregate && !q.distinct;
  const size_t keep = topk ? static_cast<size_t>(q.skip.value_or(0) + *q.limit) : 0;
  auto row_less = [&](const std::vector<Value>& a, const std::vector<Value>& b) {
    for (const SortKey& k : q.order) {
      const int c = CompareForSort(a[k.column], b[k.column]);
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return false;
  };
  auto trim = [&]() {
    if (rows.size() <= keep) return;
    std::nth_element(rows.begin(), rows.begin() + static_cast<long>(keep), rows.end(), row_less);
    rows.resize(keep);
  };

  if (plan.root) {
    Chunk chunk(ctx.width);
    bool stop = false;
    while (!stop && plan.root->Pull(&chunk)) {
      for (size_t r = 0; r < chunk.rows() && !stop; ++r) {
        const uint64_t* row = chunk.row(r);
        if (!q.aggregate) {
          if (distinct_by_ids) {
            for (size_t i = 0; i < q.visible; ++i) ids[i] = item_id(q.items[i], row);
            if (!seen_ids.insert(ids).second) continue;
          }
          std::vector<Value> out;
          out.reserve(q.items.size());
          for (const BoundExpr& e : q.items) out.push_back(eval.Eval(e, row));
          rows.push_back(std::move(out));
          stop = can_stop_early && rows.size() >= wanted;
          if (topk && rows.size() >= 2 * keep + 1024) trim();
          continue;
        }
        std::vector<Accumulator>* accs = nullptr;
        if (group_by_ids) {
          for (size_t g = 0; g < group_items.size(); ++g) {
            group_ids[g] = item_id(q.items[group_items[g]], row);
          }
          auto [it, added] = id_group_index.emplace(group_ids, id_groups.size());
          if (added) {
            std::vector<Accumulator> fresh;
            for (size_t i : agg_items) fresh.emplace_back(&q.items[i]);
            id_groups.emplace_back(group_ids, std::move(fresh));
          }
          accs = &id_groups[it->second].second;
        } else {
          std::vector<Value> key;
          for (size_t i : group_items) key.push_back(eval.Eval(q.items[i], row));
          auto it = groups.find(key);
          if (it == groups.end()) {
            std::vector<Accumulator> fresh;
            for (size_t i : agg_items) fresh.emplace_back(&q.items[i]);
            it = groups.emplace(std::move(key), std::move(fresh)).first;
          }
          accs = &it->second;
        }
        for (size_t a = 0; a < agg_items.size(); ++a) {
          const BoundExpr& e = q.items[agg_items[a]];
          (*accs)[a].Add(e.args.empty() ? Value() : eval.Eval(e.args[0], row));
        }
      }
    }
  }

  // Decode each id-keyed group's key once; the map then orders the groups.
  for (auto& [key_ids, accs] : id_groups) {
    std::vector<Value> key;
    for (uint64_t id : key_ids) key.push_back(eval.Decode(id));
    groups.emplace(std::move(key), std::move(accs));
  }
  if (q.aggregate) {
    // No input and no grouping: one row of empty aggregates (count 0).
    if (groups.empty() && group_items.empty()) {
      std::vector<Accumulator> accs;
      for (size_t i : agg_items) accs.emplace_back(&q.items[i]);
      groups.emplace(std::vector<Value>(), std::move(accs));
    }
    for (const auto& [key, accs] : groups) {
      std::vector<Value> out(q.items.size());
      for (size_t g = 0; g < group_items.size(); ++g) out[group_items[g]] = key[g];
      for (size_t a = 0; a < agg_items.size(); ++a) out[agg_items[a]] = accs[a].Finish();
      rows.push_back(std::move(out));
    }
  }
  if (q.distinct && !distinct_by_ids) {
    std::set<std::vector<Value>, RowLess> seen;
    std::vector<std::vector<Value>> unique;
    for (auto& row : rows) {
      std::vector<Value> visible(row.begin(), row.begin() + static_cast<long>(q.visible));
      if (seen.insert(visible).second) unique.push_back(std::move(row));
    }
    rows = std::move(unique);
  }
  if (topk) trim();
  if (!q.order.empty()) std::stable_sort(rows.begin(), rows.end(), row_less);
  const size_t skip = std::min<size_t>(rows.size(), q.skip.value_or(0));
  const size_t end =
      q.limit ? std::min<size_t>(rows.size(), skip + static_cast<size_t>(*q.limit)) : rows.size();
  for (size_t i = skip; i < end; ++i) {
    rows[i].resize(q.visible);
    result.rows.push_back(std::move(rows[i]));
  }
  if (mode == ast::Statement::Mode::kProfile) {
    const uint64_t total =
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count());
    const uint64_t operators = plan.root ? plan.root->nanos : 0;
    return PlanResult(q, plan.root.get(), true, total - std::min(total, operators),
                      result.rows.size());
  }
  return result;
}

// A union of matches on one snapshot. Every part returns the same columns;
// `union` removes duplicate rows from what it has gathered so far, `union all`
// keeps them. explain and profile show each part's plan under a Union line.
QueryResult RunUnion(const ast::Statement& statement, storage::ReadView* view,
                     const ExecOptions& options) {
  QueryResult result = RunMatch(statement.match, statement.mode, view, options);
  const bool plans = statement.mode != ast::Statement::Mode::kRun;
  if (plans) {
    for (auto& row : result.rows) row[0] = Value("  " + row[0].as_string());
  }
  std::vector<std::string> first_columns;
  if (!plans) first_columns = result.columns;
  for (size_t i = 0; i < statement.union_parts.size(); ++i) {
    QueryResult part = RunMatch(statement.union_parts[i], statement.mode, view, options);
    const bool all = statement.union_all[i];
    if (plans) {
      result.rows.push_back({Value(all ? "Union all" : "Union")});
      for (auto& row : part.rows) result.rows.push_back({Value("  " + row[0].as_string())});
      continue;
    }
    if (part.columns != first_columns) {
      auto list = [](const std::vector<std::string>& c) {
        std::string out;
        for (const std::string& s : c) out += (out.empty() ? "" : ", ") + s;
        return out;
      };
      const ast::Pos pos = statement.union_pos[i];
      throw QueryError(Status::SemanticError(
          "every part of a union must return the same columns: [" + list(first_columns) +
              "] and [" + list(part.columns) + "] differ (rename with 'as')",
          pos.line, pos.column));
    }
    for (auto& row : part.rows) result.rows.push_back(std::move(row));
    if (!all) {
      // Rows are equal when their literal texts are (types included, as
      // ToLiteral spells them); hashing those beats ordering the values.
      std::unordered_set<std::string> seen;
      std::vector<std::vector<Value>> unique;
      for (auto& row : result.rows) {
        std::string text;
        for (const Value& v : row) {
          text += v.ToLiteral();
          text += '\x1f';  // a unit separator: no literal spells it bare
        }
        if (seen.insert(std::move(text)).second) unique.push_back(std::move(row));
      }
      result.rows = std::move(unique);
    }
  }
  return result;
}

}  // namespace

const Params ExecOptions::kNoParams;

Result<QueryResult> ExecuteStatement(const ast::Statement& statement, storage::Store* store,
                                     const ExecOptions& options) {
  try {
    if (statement.kind == ast::Statement::Kind::kMatch) {
      std::unique_ptr<storage::ReadView> view = store->BeginRead();
      if (statement.union_parts.empty()) {
        return RunMatch(statement.match, statement.mode, view.get(), options);
      }
      return RunUnion(statement, view.get(), options);
    }
    if (statement.kind == ast::Statement::Kind::kLoad) {
      return import::RunLoad(statement.load, store, options);
    }
    if (statement.kind == ast::Statement::Kind::kShow) {
      std::unique_ptr<storage::ReadView> view = store->BeginRead();
      return RunShow(statement.show, view.get());
    }
    std::unique_ptr<storage::WriteTxn> txn = ValueOrThrow(store->BeginWrite());
    const Params& params = *options.params;
    WriteCounts counts;
    switch (statement.kind) {
      case ast::Statement::Kind::kInsert:
        counts = RunInsert(statement.insert, txn.get(), params);
        break;
      case ast::Statement::Kind::kMerge:
        counts = RunMerge(statement.merge, txn.get(), params);
        break;
      case ast::Statement::Kind::kDelete:
        counts = RunDelete(statement.del, txn.get(), params);
        break;
      default: {  // set: find the rows through the statement's own view
        ExecOptions own = options;
        own.term_cache = nullptr;  // it reads uncommitted terms
        const QueryResult rows =
            RunMatch(statement.set.match, ast::Statement::Mode::kRun, txn.get(), own);
        counts = RunSet(statement.set, rows.rows, txn.get(), params);
      }
    }
    if (Status s = txn->Commit(); !s.ok()) return s;
    QueryResult result;
    result.facts_inserted = counts.inserted;
    result.facts_deleted = counts.deleted;
    auto facts = [](uint64_t n) { return fmt::format("{} fact{}", n, n == 1 ? "" : "s"); };
    if (statement.kind == ast::Statement::Kind::kDelete) {
      result.summary = "deleted " + facts(counts.deleted);
    } else if (statement.kind == ast::Statement::Kind::kSet) {
      result.summary = "inserted " + facts(counts.inserted) + ", deleted " + facts(counts.deleted);
    } else {
      result.summary = "inserted " + facts(counts.inserted);
    }
    return result;
  } catch (const QueryError& e) {
    return e.status();
  }
}

}  // namespace quipu::query
