// Node and relationship patterns, path variables, and the facts a clause
// may match (as of, during, with confidence) (query/bind/binder.h).
#include "query/bind/binder.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "query/expression.h"
#include "query/fact_filter.h"

namespace quipu::query {
namespace {

// A decimal holds fewer than 18 digits (include/quipu/value.h).
constexpr int64_t kDecimalLimit = 1'000'000'000'000'000'000;

std::string RefText(const ast::NodePattern& n) {
  if (n.entity) return FormatEntityKey(n.entity->key);
  return n.variable;
}

void CheckUniqueKeys(const ast::PropertyMap& props) {
  for (size_t i = 0; i < props.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (props[j].first == props[i].first) {
        FailAt("property '" + props[i].first + "' is given twice", props[i].second->pos);
      }
    }
  }
}

}  // namespace

void Binder::BindPath(const ast::PathPattern& path) {
  CheckPathForm(path);
  std::vector<Ref> nodes;
  for (const ast::NodePattern& n : path.nodes) nodes.push_back(NodeWithConstraints(n));
  if (path.rels.empty() && path.nodes[0].labels.empty() && path.nodes[0].properties.empty()) {
    BoundPattern scan;
    scan.s = nodes[0];
    scan.node_scan = true;
    scan.label = "(" + RefText(path.nodes[0]) + ")";
    patterns_->push_back(std::move(scan));
  }
  const bool named_path = !path.variable.empty();
  BoundPathVar path_var;
  for (size_t i = 0; i < path.rels.size(); ++i) {
    const ast::RelPattern& r = path.rels[i];
    const bool out = r.direction != ast::RelPattern::Direction::kIn;
    const bool undirected = r.direction == ast::RelPattern::Direction::kBoth;
    const Ref s = out ? nodes[i] : nodes[i + 1];
    const Ref o = out ? nodes[i + 1] : nodes[i];
    const std::string& s_text = RefText(out ? path.nodes[i] : path.nodes[i + 1]);
    const std::string& o_text = RefText(out ? path.nodes[i + 1] : path.nodes[i]);
    CheckUniqueKeys(r.properties);
    if (!r.variable.empty() && (node_slots_.count(r.variable) || facts_by_name_.count(r.variable) ||
                                var_rels_.count(r.variable) || paths_by_name_.count(r.variable))) {
      FailAt("variable '" + r.variable +
                 "' is already bound; a relationship variable "
                 "names one relationship",
             r.pos);
    }
    if (r.var_length) {
      PathSegment segment;
      segment.var = true;
      BindVarLength(path, r, s, o, out, undirected, named_path, s_text, o_text, &segment.path_slot);
      path_var.segments.push_back(segment);
      continue;
    }
    Ref p;
    const std::string p_text = PredicateText(r);
    if (r.predicate && r.alternatives.empty()) {
      p = Ref::Const(Term(Value(*r.predicate)));
      CheckPredicate(r.predicate->key, p.id, r.pos);
    } else {
      p = Ref::Slot(NewSlot(""));
      for (const Entity& name : PredicatesOf(r)) CheckPredicate(name.key, Find(Value(name)), r.pos);
    }
    if (!r.alternatives.empty()) {
      // -[:a|b]->: the predicate is one of them (a filter on a hidden slot).
      BoundExpr slot;
      slot.kind = BoundExpr::Kind::kSlot;
      slot.slot = p.slot;
      slot.pos = r.pos;
      ValueList names;
      for (const Entity& name : PredicatesOf(r)) names.emplace_back(name);
      BoundExpr list;
      list.constant = Value(std::move(names));
      filters_->push_back(BinaryOf(ExprOp::kIn, std::move(slot), std::move(list), r.pos));
    }
    int fact = -1;
    // A path variable reads each hop's annotations and direction through
    // a fact variable, as a relationship variable would.
    if (!r.variable.empty() || !r.properties.empty() || named_path) {
      FactVar f{s, p, o, NewSlot("")};
      if (undirected) f.reversed_slot = static_cast<int>(NewSlot(""));
      fact = static_cast<int>(q_.facts.size());
      q_.facts.push_back(f);
      if (!r.variable.empty()) facts_by_name_[r.variable] = fact;
      for (const auto& [key, expr] : r.properties) {
        BoundExpr prop;
        prop.kind = BoundExpr::Kind::kFactProperty;
        prop.pos = expr->pos;
        prop.fact = fact;
        prop.key_id = Term(Value(Entity{key}));
        CheckAnnotationKey(key, prop.key_id, expr->pos);
        filters_->push_back(Equals(std::move(prop), PatternValue(*expr), expr->pos));
      }
    }
    AddPattern(s, p, o, fact,
               fmt::format("({})-[{}{}]-{}({})", s_text, r.variable, p_text, undirected ? "" : ">",
                           o_text));
    patterns_->back().undirected = undirected;
    PathSegment segment;
    segment.from = nodes[i];
    segment.to = nodes[i + 1];
    segment.fact = fact;
    segment.forward = out;
    path_var.segments.push_back(segment);
  }
  if (named_path) {
    paths_by_name_[path.variable] = static_cast<int>(q_.paths.size());
    q_.paths.push_back(std::move(path_var));
  }
}

void Binder::CheckPathForm(const ast::PathPattern& path) {
  if (!path.variable.empty() &&
      (node_slots_.count(path.variable) || facts_by_name_.count(path.variable) ||
       var_rels_.count(path.variable) || paths_by_name_.count(path.variable))) {
    FailAt("variable '" + path.variable + "' is already bound; a path variable names one path",
           path.variable_pos);
  }
  const bool single = path.rels.size() == 1 && path.rels[0].var_length;
  if (path.mode != ast::PathPattern::Mode::kTrail && !single) {
    FailAt(
        "shortest, all shortest and acyclic apply to one variable-length relationship, as in "
        "shortest (a)-[:p*]->(b)",
        path.mode_pos);
  }
  if (path.weight && path.mode != ast::PathPattern::Mode::kShortest &&
      path.mode != ast::PathPattern::Mode::kAllShortest) {
    FailAt("'by' weighs the hops of shortest or all shortest paths; add shortest before the path",
           path.weight->pos);
  }
}

Ref Binder::NodeRef(const ast::NodePattern& n) {
  if (n.entity) return Ref::Const(Term(Value(*n.entity)));
  if (n.key) {  // @(…) of constants; an empty key names no entity
    BoundExpr bound = ConstantExpr(*n.key);
    if (ReadsParams(bound)) {
      ParamValue value;
      value.use = ParamValue::Use::kKey;
      value.value = std::move(bound);
      return Ref::Param(AddParamValue(std::move(value)));
    }
    const Value key = EvaluateBound(bound);
    if (key.is_null()) *impossible_ = true;
    return Ref::Const(key.is_null() ? 0 : Term(key));
  }
  if (n.variable.empty()) return Ref::Slot(NewSlot(""));
  if (facts_by_name_.count(n.variable) || var_rels_.count(n.variable)) {
    FailAt("'" + n.variable + "' is a relationship variable and cannot name a node", n.pos);
  }
  if (paths_by_name_.count(n.variable)) {
    FailAt("'" + n.variable + "' is a path variable and cannot name a node", n.pos);
  }
  auto [it, added] = node_slots_.emplace(n.variable, 0);
  if (added) it->second = NewSlot(n.variable);
  return Ref::Slot(it->second);
}

Ref Binder::NodeWithConstraints(const ast::NodePattern& n) {
  CheckUniqueKeys(n.properties);
  const Ref ref = NodeRef(n);
  for (const std::string& label : n.labels) {
    AddPattern(ref, Ref::Const(Term(Value(Entity{kLabelPredicate}))),
               Ref::Const(Term(Value(Entity{label}))), -1,
               fmt::format("({}:{})", RefText(n), label));
  }
  for (const auto& [key, expr] : n.properties) {
    // A value from parameters is looked up each time the statement runs;
    // the values given now decide only whether it is a number (the shape).
    BoundExpr bound = ConstantExpr(*expr);
    const bool deferred = ReadsParams(bound);
    const Value v = deferred ? ShapeValue(bound) : EvaluateBound(bound);
    if (v.is_null()) FailAt("a property in a pattern cannot be null", expr->pos);
    const std::string before = fmt::format("({} {{{}: ", RefText(n), key);
    const Ref key_ref = Ref::Const(Term(Value(Entity{key})));
    CheckPredicate(key, key_ref.id, expr->pos);
    // Numbers match by value (44 = 44.0), which stored ids alone cannot do:
    // bind the value to a hidden slot and compare.
    const bool numeric = v.is_numeric();
    Ref object = numeric ? Ref::Slot(NewSlot("")) : Ref::Const(deferred ? 0 : Term(v));
    int32_t label_value = -1;
    if (deferred) {
      ParamValue param;
      param.use = numeric ? ParamValue::Use::kNumber : ParamValue::Use::kTerm;
      param.value = bound;
      param.label_before = before;
      param.label_after = "})";
      label_value = AddParamValue(std::move(param));
      if (!numeric) object = Ref::Param(label_value);
    }
    AddPattern(ref, key_ref, object, -1, before + v.ToLiteral() + "})");
    patterns_->back().label_value = label_value;
    if (!numeric) continue;
    BoundExpr slot;
    slot.kind = BoundExpr::Kind::kSlot;
    slot.slot = object.slot;
    slot.pos = expr->pos;
    BoundExpr value;
    if (deferred) {
      value = std::move(bound);
    } else {
      value.constant = v;
    }
    filters_->push_back(Equals(std::move(slot), std::move(value), expr->pos));
  }
  return ref;
}

// The integer a condition `slot = n` (or `n = slot`) compares a slot
// with, and the slot; nullopt for any other condition.
static std::optional<std::pair<uint32_t, int64_t>> SlotEqualsInteger(const BoundExpr& e) {
  if (e.kind != BoundExpr::Kind::kBinary || e.op != ExprOp::kEqual || e.args.size() != 2) {
    return std::nullopt;
  }
  for (int side = 0; side < 2; ++side) {
    const BoundExpr& slot = e.args[side];
    const BoundExpr& value = e.args[1 - side];
    if (slot.kind == BoundExpr::Kind::kSlot && value.kind == BoundExpr::Kind::kConst &&
        value.constant.type() == Value::Type::kInt) {
      return std::make_pair(slot.slot, value.constant.as_int());
    }
  }
  return std::nullopt;
}

void AddObjectChoices(storage::ReadView* view, BoundQuery* q) {
  // Only an integer n: the stored values equal to it are the integer n, the
  // float n and the decimal n (a decimal and an integer compare exactly, a
  // float and an integer as floats: only the float nearest n), a set of at most
  // three ids. A float literal also equals every decimal that rounds to it,
  // which no lookup can list, so it keeps the scan and the filter.
  for (const BoundExpr& filter : q->filters) {
    const auto cond = SlotEqualsInteger(filter);
    if (!cond) continue;
    const auto [slot, n] = *cond;
    std::vector<uint64_t> ids;
    std::vector<Value> forms{Value(n), Value(static_cast<double>(n))};
    if (n > -kDecimalLimit && n < kDecimalLimit) forms.emplace_back(Decimal{n, 0});
    for (const Value& v : forms) {
      Result<uint64_t> id = view->FindTerm(v);
      if (!id.ok()) throw QueryError(id.status());
      if (*id != 0) ids.push_back(*id);
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (BoundPattern& p : q->patterns) {
      if (p.node_scan || p.var || p.undirected || p.p.is_slot || !p.o.is_slot || p.o.slot != slot ||
          (p.s.is_slot && p.s.slot == slot)) {
        continue;
      }
      p.object_choices = ids;
    }
  }
}

void Binder::AddPattern(Ref s, Ref p, Ref o, int fact, std::string label) {
  BoundPattern pattern;
  pattern.s = s;
  pattern.p = p;
  pattern.o = o;
  pattern.fact = fact;
  pattern.label = std::move(label);
  pattern.fact_filter = fact_filter_;
  patterns_->push_back(std::move(pattern));
}

BoundExpr Binder::PatternValue(const ast::Expr& expr) {
  BoundExpr bound = ConstantExpr(expr);
  if (ReadsParams(bound)) {
    ParamValue param;
    param.use = ParamValue::Use::kCompared;
    param.value = bound;
    AddParamValue(std::move(param));
    return bound;
  }
  BoundExpr c;
  c.constant = EvaluateBound(bound);
  if (c.constant.is_null()) FailAt("a property in a pattern cannot be null", expr.pos);
  return c;
}

BoundExpr Binder::Equals(BoundExpr left, BoundExpr right, ast::Pos pos) {
  return BinaryOf(ExprOp::kEqual, std::move(left), std::move(right), pos);
}

std::vector<Entity> Binder::PredicatesOf(const ast::RelPattern& r) {
  std::vector<Entity> out;
  if (r.predicate) out.push_back(*r.predicate);
  out.insert(out.end(), r.alternatives.begin(), r.alternatives.end());
  return out;
}

std::string Binder::PredicateText(const ast::RelPattern& r) {
  std::string out;
  for (const Entity& name : PredicatesOf(r)) out += (out.empty() ? ":" : "|") + name.key;
  return out;
}

int Binder::BindFactFilter(const ast::MatchClause& clause) {
  if (!clause.valid_from && !clause.min_confidence) return -1;
  FactFilter f;
  ParamFactFilter deferred;
  deferred.filter = q_.fact_filters.size();
  deferred.during = clause.during;
  if (clause.valid_from) {
    BoundExpr from = ConstantExpr(*clause.valid_from);
    BoundExpr to;
    if (clause.during) to = ConstantExpr(*clause.valid_to);
    if (ReadsParams(from) || ReadsParams(to)) {
      f.timed = true;
      deferred.valid_from = std::move(from);
      if (clause.during) deferred.valid_to = std::move(to);
    } else {
      SetValidity(from, clause.during ? &to : nullptr, &f);
    }
  }
  if (clause.min_confidence) {
    BoundExpr confidence = ConstantExpr(*clause.min_confidence);
    if (ReadsParams(confidence)) {
      f.confident = true;
      deferred.min_confidence = std::move(confidence);
    } else {
      SetConfidence(confidence, &f);
    }
  }
  if (deferred.valid_from || deferred.min_confidence) {
    q_.param_fact_filters.push_back(std::move(deferred));
  }
  f.since_key = Find(Value(Entity{"since"}));
  f.until_key = Find(Value(Entity{"until"}));
  f.confidence_key = Find(Value(Entity{"confidence"}));
  q_.fact_filters.push_back(f);
  return static_cast<int>(q_.fact_filters.size()) - 1;
}

}  // namespace quipu::query
