// Variable-length relationships: hops, modes, weights and per-hop
// conditions (query/bind/binder.h).
#include "query/bind/binder.h"

#include <fmt/format.h>

#include <cctype>
#include <string>

#include "query/expression.h"

namespace quipu::query {

void Binder::BindVarLength(const ast::PathPattern& path, const ast::RelPattern& r, Ref s, Ref o,
                           bool out, bool undirected, bool named_path, const std::string& s_text,
                           const std::string& o_text, uint32_t* path_slot) {
  VarLength var;
  var.min_hops = r.min_hops;
  var.max_hops = r.max_hops.value_or(UINT32_MAX);
  var.written_reversed = !out;
  var.pos = path.mode_pos;
  switch (path.mode) {
    case ast::PathPattern::Mode::kTrail:
      var.mode = VarLength::Mode::kTrail;
      break;
    case ast::PathPattern::Mode::kAcyclic:
      var.mode = VarLength::Mode::kAcyclic;
      break;
    case ast::PathPattern::Mode::kShortest:
      var.mode = VarLength::Mode::kShortest;
      break;
    case ast::PathPattern::Mode::kAllShortest:
      var.mode = VarLength::Mode::kAllShortest;
      break;
  }
  const bool shortest =
      var.mode == VarLength::Mode::kShortest || var.mode == VarLength::Mode::kAllShortest;
  if (shortest && var.min_hops > 1) {
    FailAt("shortest paths start at 0 or 1 hops; write *.." +
               (r.max_hops ? std::to_string(*r.max_hops) : std::string()) + " or *0.." +
               (r.max_hops ? std::to_string(*r.max_hops) : std::string()),
           r.hops_pos);
  }
  Ref p = Ref::Const(0);  // any relationship
  const std::string p_text = PredicateText(r);
  if (r.predicate) {
    for (const Entity& name : PredicatesOf(r)) {
      Result<uint64_t> id = view_->FindTerm(Value(name));
      if (!id.ok()) throw QueryError(id.status());
      CheckPredicate(name.key, *id, r.pos);
      if (*id != 0) var.predicates.push_back(*id);
    }
    // None stored: no hop can match, but a zero-length path still can.
    var.predicate_absent = var.predicates.empty();
    if (var.predicate_absent && var.min_hops > 0) *impossible_ = true;
    p = Ref::Const(var.predicate_absent ? 0 : var.predicates[0]);
  }
  // Conditions on every hop: the property map, then where.
  std::vector<BoundExpr> conditions;
  for (const auto& [key, expr] : r.properties) {
    BoundExpr prop;
    prop.kind = BoundExpr::Kind::kHopProperty;
    prop.pos = expr->pos;
    prop.name = key;
    prop.key_id = Term(Value(Entity{key}));
    CheckAnnotationKey(key, prop.key_id, expr->pos);
    conditions.push_back(Equals(std::move(prop), PatternValue(*expr), expr->pos));
  }
  if (r.hop_where) {
    hop_variable_ = &r.variable;
    BoundExpr condition = BindExpr(*r.hop_where);
    hop_variable_ = nullptr;
    if (const BoundExpr* agg = condition.FindAggregate()) {
      FailAt("aggregate functions are not allowed in a per-hop condition", agg->pos);
    }
    conditions.push_back(std::move(condition));
  }
  if (!conditions.empty()) {
    BoundExpr all = std::move(conditions[0]);
    for (size_t c = 1; c < conditions.size(); ++c) {
      const ast::Pos pos = all.pos;
      all = BinaryOf(ExprOp::kAnd, std::move(all), std::move(conditions[c]), pos);
    }
    var.hop_filter = static_cast<int>(q_.hop_filters.size());
    q_.hop_filters.push_back(std::move(all));
  }
  if (path.weight) BindWeight(*path.weight, r.variable, path.variable, &var);
  *path_slot = 0;
  if (!r.variable.empty() || named_path) {
    var.path_slot = static_cast<int>(NewSlot(""));
    *path_slot = static_cast<uint32_t>(var.path_slot);
    if (!r.variable.empty()) var_rels_[r.variable] = *path_slot;
  }
  std::string hops = "*";
  if (var.min_hops == var.max_hops) {
    hops += std::to_string(var.min_hops);
  } else if (var.min_hops != 1 || r.max_hops) {
    hops += std::to_string(var.min_hops) + "..";
    if (r.max_hops) hops += std::to_string(*r.max_hops);
  }
  std::string prefix;
  if (var.mode == VarLength::Mode::kShortest) prefix = "shortest ";
  if (var.mode == VarLength::Mode::kAllShortest) prefix = "all shortest ";
  if (var.mode == VarLength::Mode::kAcyclic) prefix = "acyclic ";
  BoundPattern pattern;
  pattern.s = s;
  pattern.p = p;
  pattern.o = o;
  pattern.undirected = undirected;
  pattern.label = fmt::format("{}({})-[{}{}{}{}]-{}({})", prefix, s_text, r.variable, p_text, hops,
                              var.hop_filter >= 0 ? " where …" : "", undirected ? "" : ">", o_text);
  pattern.var = std::move(var);
  pattern.fact_filter = fact_filter_;
  patterns_->push_back(std::move(pattern));
}

void Binder::BindWeight(const ast::Expr& weight, const std::string& rel_variable,
                        const std::string& path_variable, VarLength* var) {
  std::string fn;
  for (char c : weight.name) fn += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const bool form = weight.kind == ast::Expr::Kind::kFunction && fn == "sum" &&
                    weight.args.size() == 1 && weight.args[0]->kind == ast::Expr::Kind::kProperty &&
                    weight.args[0]->args[0]->kind == ast::Expr::Kind::kVariable;
  const std::string base = form ? weight.args[0]->args[0]->name : "";
  if (!form || base.empty() || (base != rel_variable && base != path_variable)) {
    FailAt("'by' takes sum(r.key), where r names the variable-length relationship or the path",
           weight.pos);
  }
  var->weighted = true;
  var->weight_name = weight.args[0]->name;
  var->weight_pos = weight.pos;
  Result<uint64_t> key = view_->FindTerm(Value(Entity{var->weight_name}));
  if (!key.ok()) throw QueryError(key.status());
  var->weight_key = *key;
}

BoundExpr Binder::HopVariable(const ast::Expr& e) {
  if (node_slots_.count(e.name) || facts_by_name_.count(e.name) || paths_by_name_.count(e.name) ||
      var_rels_.count(e.name) || (!hop_variable_->empty() && e.name == *hop_variable_)) {
    FailAt(
        "a per-hop condition sees only the hop's annotations (such as share or since), not "
        "the variable '" +
            e.name + "'",
        e.pos);
  }
  return HopProperty(e.name, e.pos);
}

BoundExpr Binder::HopProperty(const std::string& key, ast::Pos pos) {
  BoundExpr b;
  b.kind = BoundExpr::Kind::kHopProperty;
  b.pos = pos;
  b.name = key;
  Result<uint64_t> id = view_->FindTerm(Value(Entity{key}));
  if (!id.ok()) throw QueryError(id.status());
  b.key_id = *id;
  return b;
}

}  // namespace quipu::query
