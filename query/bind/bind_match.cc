// The statement and its clauses: required, optional and exists groups, and
// their where conditions (query/bind/binder.h).
#include "query/bind/binder.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "query/expression.h"

namespace quipu::query {
namespace {

// a and b and c → three filters, so the planner can run each as soon as
// its own variables are bound (filter push-down). A constant true
// conjunct is dropped; `and` only ever keeps rows where both are true.
void SplitConjuncts(BoundExpr e, std::vector<BoundExpr>* out) {
  if (e.kind == BoundExpr::Kind::kBinary && e.op == ExprOp::kAnd) {
    SplitConjuncts(std::move(e.args[0]), out);
    SplitConjuncts(std::move(e.args[1]), out);
    return;
  }
  if (e.kind == BoundExpr::Kind::kConst && e.constant.type() == Value::Type::kBool &&
      e.constant.as_bool()) {
    return;
  }
  out->push_back(std::move(e));
}

void CollectNames(const ast::MatchClause& clause, std::vector<std::string>* out) {
  for (const ast::PathPattern& path : clause.patterns) {
    for (const ast::NodePattern& n : path.nodes) {
      if (!n.variable.empty()) out->push_back(n.variable);
    }
    for (const ast::RelPattern& r : path.rels) {
      if (!r.variable.empty()) out->push_back(r.variable);
    }
  }
}

// Required clauses are matched before optional ones, so a required clause
// written after an optional one must not depend on the optional variables.
void CheckOptionalOrder(const ast::MatchStatement& m) {
  std::set<std::string> required, optional_only;
  for (const ast::MatchClause& clause : m.clauses) {
    std::vector<std::string> names;
    CollectNames(clause, &names);
    for (const std::string& name : names) {
      if (!clause.optional && optional_only.count(name)) {
        FailAt("variable '" + name +
                   "' is bound by an optional match; a later match cannot use it (write this "
                   "match before the optional one)",
               clause.pos);
      }
    }
    for (const std::string& name : names) {
      (clause.optional && !required.count(name) ? optional_only : required).insert(name);
    }
  }
}

}  // namespace

BoundQuery Binder::Bind(const ast::MatchStatement& m, const std::vector<std::string>& inputs) {
  for (const std::string& name : inputs) {
    const uint32_t slot = NewSlot(name);
    node_slots_.emplace(name, slot);
    q_.input_slots.push_back(slot);
  }
  CheckOptionalOrder(m);
  // Required clauses first, then each optional one on top of them; the
  // required clauses' conditions last, as they may read optional variables.
  for (const ast::MatchClause& clause : m.clauses) {
    if (clause.optional) continue;
    fact_filter_ = BindFactFilter(clause);
    for (const ast::PathPattern& path : clause.patterns) BindPath(path);
    fact_filter_ = -1;
  }
  for (const ast::MatchClause& clause : m.clauses) {
    if (clause.optional) BindOptional(clause);
  }
  for (const ast::MatchClause& clause : m.clauses) {
    if (!clause.optional) BindConditions(clause.where, &q_.filters);
  }
  PinPathEnds();
  AddObjectChoices(view_, &q_);
  BindReturn(m);
  MarkEndsOnly();
  BindCount(m.skip, "skip", &q_.skip, &q_.skip_param);
  BindCount(m.limit, "limit", &q_.limit, &q_.limit_param);
  q_.reads_params = QueryReadsParams();
  return std::move(q_);
}

void Binder::PinPathEnds() {
  if (!q_.input_slots.empty()) return;  // call … match: its rows are the input
  std::vector<uint32_t> ends;
  for (const BoundPattern& p : q_.patterns) {
    if (!p.var) continue;
    for (const Ref& r : {p.s, p.o}) {
      if (r.is_slot) ends.push_back(r.slot);
    }
  }
  for (const BoundExpr& f : q_.filters) {
    if (f.kind != BoundExpr::Kind::kBinary || f.op != ExprOp::kEqual) continue;
    for (size_t k = 0; k < 2; ++k) {
      const BoundExpr& slot = f.args[k];
      const BoundExpr& value = f.args[1 - k];
      if (slot.kind != BoundExpr::Kind::kSlot || value.kind != BoundExpr::Kind::kConst ||
          value.constant.type() != Value::Type::kEntity ||
          std::find(ends.begin(), ends.end(), slot.slot) == ends.end() ||
          std::find(q_.input_slots.begin(), q_.input_slots.end(), slot.slot) !=
              q_.input_slots.end()) {
        continue;
      }
      const uint64_t id = Find(value.constant);
      // No such entity: the condition holds for no row.
      if (id == 0) *impossible_ = true;
      q_.input_slots.push_back(slot.slot);
      q_.input_rows.push_back(id);
      break;
    }
  }
}

void Binder::BindCount(const std::optional<ast::Count>& count, const char* clause,
                       std::optional<uint64_t>* value, std::optional<ast::Count>* param) {
  if (!count) return;
  if (!count->param.empty() && mode_ == ParamMode::kReferences) {
    *param = *count;
  } else {
    *value = CountValue(*count, params_, clause);
  }
}

void Binder::BindConditions(const std::vector<ast::ExprPtr>& where, std::vector<BoundExpr>* out) {
  for (const ast::ExprPtr& w : where) {
    BoundExpr e = BindExpr(*w);
    if (const BoundExpr* agg = e.FindAggregate()) {
      FailAt("aggregate functions are not allowed in where", agg->pos);
    }
    SplitConjuncts(std::move(e), out);
  }
}

void Binder::BindGroup(const ast::MatchClause& clause, BoundGroup* group) {
  const uint32_t first_new_slot = q_.num_slots;
  auto* saved_patterns = patterns_;
  auto* saved_filters = filters_;
  bool* saved_impossible = impossible_;
  patterns_ = &group->patterns;
  filters_ = &group->filters;
  impossible_ = &group->impossible;
  group->pos = clause.pos;
  const int saved_filter = fact_filter_;
  fact_filter_ = BindFactFilter(clause);
  for (const ast::PathPattern& path : clause.patterns) BindPath(path);
  fact_filter_ = saved_filter;
  BindConditions(clause.where, &group->filters);
  patterns_ = saved_patterns;
  filters_ = saved_filters;
  impossible_ = saved_impossible;
  // The group's own slots are those created while binding it; every other
  // slot its patterns or conditions read comes from the outside.
  std::set<uint32_t> outer;
  for (const BoundPattern& p : group->patterns) {
    for (const Ref& r : {p.s, p.p, p.o}) {
      if (r.is_slot && r.slot < first_new_slot) outer.insert(r.slot);
    }
  }
  for (const BoundExpr& f : group->filters) {
    std::vector<uint32_t> slots;
    f.CollectSlots(q_, &slots);
    for (uint32_t s : slots) {
      if (s < first_new_slot) outer.insert(s);
    }
  }
  group->outer_slots.assign(outer.begin(), outer.end());
  for (uint32_t s = first_new_slot; s < q_.num_slots; ++s) group->new_slots.push_back(s);
}

void Binder::BindOptional(const ast::MatchClause& clause) {
  BoundGroup group;
  BindGroup(clause, &group);
  q_.optionals.push_back(std::move(group));
}

BoundExpr Binder::BindExists(const ast::Expr& e) {
  if (view_ == nullptr) FailAt("exists { … } is not a constant", e.pos);
  // Variables first named inside exists are local to it.
  const auto saved_nodes = node_slots_;
  const auto saved_facts = facts_by_name_;
  BoundGroup group;
  BindGroup(*e.exists, &group);
  node_slots_ = saved_nodes;
  facts_by_name_ = saved_facts;
  BoundExpr b;
  b.kind = BoundExpr::Kind::kExists;
  b.pos = e.pos;
  b.group = static_cast<int>(q_.exists_groups.size());
  q_.exists_groups.push_back(std::move(group));
  return b;
}

}  // namespace quipu::query
