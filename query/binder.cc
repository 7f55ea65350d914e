#include "query/binder.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "query/expression.h"
#include "query/functions.h"

namespace quipu::query {
namespace {

class Binder {
 public:
  // With a null view the binder evaluates constants only: no variables.
  Binder(storage::ReadView* view, const Params& params) : view_(view), params_(params) {}

  BoundQuery Bind(const ast::MatchStatement& m) {
    CheckOptionalOrder(m);
    // Required clauses first, then each optional one on top of them; the
    // required clauses' conditions last, as they may read optional variables.
    for (const ast::MatchClause& clause : m.clauses) {
      if (clause.optional) continue;
      for (const ast::PathPattern& path : clause.patterns) BindPath(path);
    }
    for (const ast::MatchClause& clause : m.clauses) {
      if (clause.optional) BindOptional(clause);
    }
    for (const ast::MatchClause& clause : m.clauses) {
      if (!clause.optional) BindConditions(clause.where, &q_.filters);
    }
    BindReturn(m);
    q_.skip = m.skip;
    q_.limit = m.limit;
    return std::move(q_);
  }

 private:
  void BindConditions(const std::vector<ast::ExprPtr>& where, std::vector<BoundExpr>* out) {
    for (const ast::ExprPtr& w : where) {
      BoundExpr e = BindExpr(*w);
      if (const BoundExpr* agg = e.FindAggregate()) {
        FailAt("aggregate functions are not allowed in where", agg->pos);
      }
      SplitConjuncts(std::move(e), out);
    }
  }

  // a and b and c → three filters, so the planner can run each as soon as
  // its own variables are bound (filter push-down). A constant true
  // conjunct is dropped; `and` only ever keeps rows where both are true.
  static void SplitConjuncts(BoundExpr e, std::vector<BoundExpr>* out) {
    if (e.kind == BoundExpr::Kind::kBinary && e.name == "and") {
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

  static void CollectNames(const ast::MatchClause& clause, std::vector<std::string>* out) {
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
  static void CheckOptionalOrder(const ast::MatchStatement& m) {
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

  // Binds `clause` into `group` with the binder's outputs pointed at it.
  void BindGroup(const ast::MatchClause& clause, BoundGroup* group) {
    const uint32_t first_new_slot = q_.num_slots;
    auto* saved_patterns = patterns_;
    auto* saved_filters = filters_;
    bool* saved_impossible = impossible_;
    patterns_ = &group->patterns;
    filters_ = &group->filters;
    impossible_ = &group->impossible;
    group->pos = clause.pos;
    for (const ast::PathPattern& path : clause.patterns) BindPath(path);
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

  void BindOptional(const ast::MatchClause& clause) {
    BoundGroup group;
    BindGroup(clause, &group);
    q_.optionals.push_back(std::move(group));
  }

  BoundExpr BindExists(const ast::Expr& e) {
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

  uint64_t Term(const Value& v) {
    Result<uint64_t> id = view_->FindTerm(v);
    if (!id.ok()) throw QueryError(id.status());
    if (*id == 0) *impossible_ = true;
    return *id;
  }

  uint32_t NewSlot(const std::string& name) {
    q_.slot_names.push_back(name);
    return q_.num_slots++;
  }

  Ref NodeRef(const ast::NodePattern& n) {
    if (n.entity) return Ref::Const(Term(Value(*n.entity)));
    if (n.variable.empty()) return Ref::Slot(NewSlot(""));
    if (facts_by_name_.count(n.variable)) {
      FailAt("'" + n.variable + "' is a relationship variable and cannot name a node", n.pos);
    }
    auto [it, added] = node_slots_.emplace(n.variable, 0);
    if (added) it->second = NewSlot(n.variable);
    return Ref::Slot(it->second);
  }

  static BoundExpr Equals(BoundExpr left, const Value& right, ast::Pos pos) {
    BoundExpr cmp;
    cmp.kind = BoundExpr::Kind::kBinary;
    cmp.pos = pos;
    cmp.name = "=";
    cmp.args.push_back(std::move(left));
    BoundExpr c;
    c.constant = right;
    cmp.args.push_back(std::move(c));
    return cmp;
  }

  static std::string RefText(const ast::NodePattern& n) {
    if (n.entity) return FormatEntityKey(n.entity->key);
    return n.variable;
  }

  void AddPattern(Ref s, Ref p, Ref o, int fact, std::string label) {
    BoundPattern pattern;
    pattern.s = s;
    pattern.p = p;
    pattern.o = o;
    pattern.fact = fact;
    pattern.label = std::move(label);
    patterns_->push_back(std::move(pattern));
  }

  static void CheckUniqueKeys(const ast::PropertyMap& props) {
    for (size_t i = 0; i < props.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (props[j].first == props[i].first) {
          FailAt("property '" + props[i].first + "' is given twice", props[i].second->pos);
        }
      }
    }
  }

  Ref NodeWithConstraints(const ast::NodePattern& n) {
    CheckUniqueKeys(n.properties);
    const Ref ref = NodeRef(n);
    for (const std::string& label : n.labels) {
      AddPattern(ref, Ref::Const(Term(Value(Entity{kLabelPredicate}))),
                 Ref::Const(Term(Value(Entity{label}))), -1,
                 fmt::format("({}:{})", RefText(n), label));
    }
    for (const auto& [key, expr] : n.properties) {
      Result<Value> v = EvaluateConstant(*expr, params_);
      if (!v.ok()) throw QueryError(v.status());
      if (v->is_null()) FailAt("a property in a pattern cannot be null", expr->pos);
      const std::string label = fmt::format("({} {{{}: {}}})", RefText(n), key, v->ToLiteral());
      if (!v->is_numeric()) {
        AddPattern(ref, Ref::Const(Term(Value(Entity{key}))), Ref::Const(Term(*v)), -1, label);
        continue;
      }
      // Numbers match by value (44 = 44.0), which stored ids alone cannot do:
      // bind the value to a hidden slot and compare.
      const uint32_t value_slot = NewSlot("");
      AddPattern(ref, Ref::Const(Term(Value(Entity{key}))), Ref::Slot(value_slot), -1, label);
      BoundExpr slot;
      slot.kind = BoundExpr::Kind::kSlot;
      slot.slot = value_slot;
      slot.pos = expr->pos;
      filters_->push_back(Equals(std::move(slot), *v, expr->pos));
    }
    return ref;
  }

  void BindPath(const ast::PathPattern& path) {
    std::vector<Ref> nodes;
    for (const ast::NodePattern& n : path.nodes) nodes.push_back(NodeWithConstraints(n));
    if (path.rels.empty() && path.nodes[0].labels.empty() && path.nodes[0].properties.empty()) {
      BoundPattern scan;
      scan.s = nodes[0];
      scan.node_scan = true;
      scan.label = "(" + RefText(path.nodes[0]) + ")";
      patterns_->push_back(std::move(scan));
      return;
    }
    for (size_t i = 0; i < path.rels.size(); ++i) {
      const ast::RelPattern& r = path.rels[i];
      const bool out = r.direction != ast::RelPattern::Direction::kIn;
      const bool undirected = r.direction == ast::RelPattern::Direction::kBoth;
      const Ref s = out ? nodes[i] : nodes[i + 1];
      const Ref o = out ? nodes[i + 1] : nodes[i];
      const std::string& s_text = RefText(out ? path.nodes[i] : path.nodes[i + 1]);
      const std::string& o_text = RefText(out ? path.nodes[i + 1] : path.nodes[i]);
      Ref p;
      std::string p_text;
      if (r.predicate) {
        p = Ref::Const(Term(Value(*r.predicate)));
        p_text = ":" + r.predicate->key;
      } else {
        p = Ref::Slot(NewSlot(""));
      }
      CheckUniqueKeys(r.properties);
      int fact = -1;
      if (!r.variable.empty() || !r.properties.empty()) {
        if (!r.variable.empty()) {
          if (node_slots_.count(r.variable) || facts_by_name_.count(r.variable)) {
            FailAt("variable '" + r.variable +
                       "' is already bound; a relationship variable "
                       "names one relationship",
                   r.pos);
          }
        }
        FactVar f{s, p, o, NewSlot("")};
        if (undirected) f.reversed_slot = static_cast<int>(NewSlot(""));
        fact = static_cast<int>(q_.facts.size());
        q_.facts.push_back(f);
        if (!r.variable.empty()) facts_by_name_[r.variable] = fact;
        for (const auto& [key, expr] : r.properties) {
          Result<Value> v = EvaluateConstant(*expr, params_);
          if (!v.ok()) throw QueryError(v.status());
          if (v->is_null()) FailAt("a property in a pattern cannot be null", expr->pos);
          BoundExpr prop;
          prop.kind = BoundExpr::Kind::kFactProperty;
          prop.pos = expr->pos;
          prop.fact = fact;
          prop.key_id = Term(Value(Entity{key}));
          filters_->push_back(Equals(std::move(prop), *v, expr->pos));
        }
      }
      AddPattern(s, p, o, fact,
                 fmt::format("({})-[{}{}]-{}({})", s_text, r.variable, p_text,
                             undirected ? "" : ">", o_text));
      patterns_->back().undirected = undirected;
    }
  }

  BoundExpr BindExpr(const ast::Expr& e) {
    BoundExpr b;
    b.pos = e.pos;
    switch (e.kind) {
      case ast::Expr::Kind::kLiteral:
        b.constant = e.literal;
        return b;
      case ast::Expr::Kind::kEntityRef:
        b.constant = e.literal;
        return b;
      case ast::Expr::Kind::kVariable: {
        if (auto it = node_slots_.find(e.name); it != node_slots_.end()) {
          b.kind = BoundExpr::Kind::kSlot;
          b.slot = it->second;
          return b;
        }
        if (auto it = facts_by_name_.find(e.name); it != facts_by_name_.end()) {
          b.kind = BoundExpr::Kind::kFact;
          b.fact = it->second;
          return b;
        }
        if (view_ == nullptr) {
          FailAt("a value here must be a constant (a literal or a $parameter), not the variable '" +
                     e.name + "'",
                 e.pos);
        }
        FailAt("unknown variable '" + e.name + "'", e.pos);
      }
      case ast::Expr::Kind::kExists:
        return BindExists(e);
      case ast::Expr::Kind::kParameter: {
        auto it = params_.find(e.name);
        if (it == params_.end()) FailAt("parameter $" + e.name + " has no value", e.pos);
        b.constant = it->second;
        return b;
      }
      case ast::Expr::Kind::kList:
      case ast::Expr::Kind::kCase: {
        b.kind = e.kind == ast::Expr::Kind::kList ? BoundExpr::Kind::kList : BoundExpr::Kind::kCase;
        b.name = e.name;
        b.has_else = e.has_else;
        for (const ast::ExprPtr& a : e.args) b.args.push_back(BindExpr(*a));
        return Fold(std::move(b));
      }
      case ast::Expr::Kind::kProperty: {
        const ast::Expr& base = *e.args[0];
        if (base.kind != ast::Expr::Kind::kVariable) {
          FailAt("property access '." + e.name + "' needs a variable before the '.'", e.name_pos);
        }
        BoundExpr target = BindExpr(base);
        Result<uint64_t> key = view_->FindTerm(Value(Entity{e.name}));
        if (!key.ok()) throw QueryError(key.status());
        b.key_id = *key;
        b.name = e.name;
        if (target.kind == BoundExpr::Kind::kFact) {
          b.kind = BoundExpr::Kind::kFactProperty;
          b.fact = target.fact;
        } else {
          b.kind = BoundExpr::Kind::kNodeProperty;
          b.args.push_back(std::move(target));
        }
        return b;
      }
      case ast::Expr::Kind::kUnary:
      case ast::Expr::Kind::kBinary:
        b.kind =
            e.kind == ast::Expr::Kind::kUnary ? BoundExpr::Kind::kUnary : BoundExpr::Kind::kBinary;
        b.name = e.name;
        for (const ast::ExprPtr& a : e.args) b.args.push_back(BindExpr(*a));
        return Fold(std::move(b));
      case ast::Expr::Kind::kCountStar:
        b.kind = BoundExpr::Kind::kAggregate;
        b.name = "count";
        return b;
      case ast::Expr::Kind::kFunction: {
        std::string name = e.name;
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (IsAggregateName(name)) {
          if (e.args.size() != 1) {
            FailAt(fmt::format("{}() takes 1 argument, got {}", name, e.args.size()), e.pos);
          }
          BoundExpr arg = BindExpr(*e.args[0]);
          if (arg.HasAggregate()) FailAt("aggregate functions cannot be nested", e.args[0]->pos);
          b.kind = BoundExpr::Kind::kAggregate;
          b.name = name;
          b.distinct = e.distinct;
          b.args.push_back(std::move(arg));
          return b;
        }
        size_t min_args = 0, max_args = 0;
        if (!LookupFunction(name, &min_args, &max_args)) {
          FailAt("unknown function '" + e.name + "'", e.pos);
        }
        if (e.args.size() < min_args || e.args.size() > max_args) {
          FailAt(min_args == max_args
                     ? fmt::format("{}() takes {} argument{}, got {}", name, min_args,
                                   min_args == 1 ? "" : "s", e.args.size())
                     : fmt::format("{}() takes {} to {} arguments, got {}", name, min_args,
                                   max_args, e.args.size()),
                 e.pos);
        }
        if (e.distinct) FailAt("distinct is only allowed in aggregate functions", e.pos);
        b.kind = BoundExpr::Kind::kFunction;
        b.name = name;
        for (const ast::ExprPtr& a : e.args) b.args.push_back(BindExpr(*a));
        return Fold(std::move(b));
      }
    }
    FailAt("unsupported expression", e.pos);
  }

 public:
  // Binds an expression that may use no variables (insert and delete values).
  BoundExpr BindConstant(const ast::Expr& e) {
    BoundExpr b = BindExpr(e);
    if (const BoundExpr* agg = b.FindAggregate()) {
      FailAt("aggregate functions are not allowed here", agg->pos);
    }
    return b;
  }

 private:
  // Constant folding: an operator, function, list or case whose arguments
  // are all constants is evaluated once, here.
  static BoundExpr Fold(BoundExpr b) {
    if (b.kind == BoundExpr::Kind::kFunction && ReadsDatabase(b.name)) return b;
    for (const BoundExpr& a : b.args) {
      if (a.kind != BoundExpr::Kind::kConst) return b;
    }
    Evaluator eval(nullptr, nullptr);
    BoundExpr folded;
    folded.pos = b.pos;
    folded.constant = eval.Eval(b, nullptr);
    return folded;
  }

  static bool SameText(const std::string& a, const std::string& b) {
    auto strip = [](const std::string& s) {
      std::string out;
      for (char c : s) {
        if (!std::isspace(static_cast<unsigned char>(c))) out.push_back(c);
      }
      return out;
    };
    return strip(a) == strip(b);
  }

  void BindReturn(const ast::MatchStatement& m) {
    for (const ast::ReturnItem& item : m.items) {
      BoundExpr e = BindExpr(*item.expr);
      if (e.HasAggregate()) {
        if (e.kind != BoundExpr::Kind::kAggregate) {
          FailAt("an aggregate must be the whole return item (write it as its own column)",
                 item.pos);
        }
        q_.aggregate = true;
      }
      for (const std::string& existing : q_.columns) {
        if (existing == item.name) {
          FailAt("column name '" + item.name + "' is used twice; rename one with 'as'", item.pos);
        }
      }
      q_.items.push_back(std::move(e));
      q_.columns.push_back(item.name);
    }
    q_.visible = q_.items.size();
    q_.distinct = m.distinct;
    for (const ast::OrderItem& o : m.order) {
      std::optional<uint32_t> column;
      const ast::Expr& e = *o.expr;
      if (e.kind == ast::Expr::Kind::kVariable) {
        for (size_t i = 0; i < m.items.size(); ++i) {
          if (m.items[i].name == e.name) column = static_cast<uint32_t>(i);
        }
      }
      if (!column) {
        // Text of the order expression equal to a returned expression's text?
        const std::string text = ExprText(e);
        for (size_t i = 0; i < m.items.size(); ++i) {
          if (SameText(ExprText(*m.items[i].expr), text)) column = static_cast<uint32_t>(i);
        }
      }
      if (!column) {
        BoundExpr bound = BindExpr(e);
        if (q_.aggregate || q_.distinct || bound.HasAggregate()) {
          FailAt(
              "order by must name a returned column when the result is aggregated or "
              "distinct",
              e.pos);
        }
        column = static_cast<uint32_t>(q_.items.size());
        q_.items.push_back(std::move(bound));
        q_.columns.push_back("");
      }
      q_.order.push_back(SortKey{*column, o.descending});
    }
  }

  // A canonical text of an expression, to match order by items with returns.
  static std::string ExprText(const ast::Expr& e) {
    switch (e.kind) {
      case ast::Expr::Kind::kLiteral:
      case ast::Expr::Kind::kEntityRef:
        return e.literal.ToLiteral();
      case ast::Expr::Kind::kVariable:
        return e.name;
      case ast::Expr::Kind::kProperty:
        return ExprText(*e.args[0]) + "." + e.name;
      case ast::Expr::Kind::kCountStar:
        return "count(*)";
      case ast::Expr::Kind::kUnary:
        return "(" + e.name + " " + ExprText(*e.args[0]) + ")";
      case ast::Expr::Kind::kBinary:
        return "(" + ExprText(*e.args[0]) + " " + e.name + " " + ExprText(*e.args[1]) + ")";
      case ast::Expr::Kind::kParameter:
        return "$" + e.name;
      case ast::Expr::Kind::kExists:  // never equal to another expression
        return fmt::format("exists@{}:{}", e.pos.line, e.pos.column);
      case ast::Expr::Kind::kList:
      case ast::Expr::Kind::kCase: {
        std::string out = e.kind == ast::Expr::Kind::kList ? "[" : "case(" + e.name + ";";
        for (size_t i = 0; i < e.args.size(); ++i) {
          out += (i ? "," : "") + ExprText(*e.args[i]);
        }
        return out + (e.has_else ? ";else" : "") + (e.kind == ast::Expr::Kind::kList ? "]" : ")");
      }
      case ast::Expr::Kind::kFunction: {
        std::string out;
        for (char c : e.name) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out += "(" + std::string(e.distinct ? "distinct " : "");
        for (size_t i = 0; i < e.args.size(); ++i) {
          out += (i ? "," : "") + ExprText(*e.args[i]);
        }
        return out + ")";
      }
    }
    return "";
  }

  storage::ReadView* view_;
  const Params& params_;
  BoundQuery q_;
  // Where BindPath puts patterns and filters: the query's, or a group's.
  std::vector<BoundPattern>* patterns_ = &q_.patterns;
  std::vector<BoundExpr>* filters_ = &q_.filters;
  bool* impossible_ = &q_.impossible;
  std::map<std::string, uint32_t> node_slots_;
  std::map<std::string, int> facts_by_name_;
};

}  // namespace

Result<BoundQuery> BindMatch(const ast::MatchStatement& match, storage::ReadView* view,
                             const Params& params) {
  try {
    return Binder(view, params).Bind(match);
  } catch (const QueryError& e) {
    return e.status();
  }
}

Result<Value> EvaluateConstant(const ast::Expr& expr, const Params& params) {
  try {
    const BoundExpr bound = Binder(nullptr, params).BindConstant(expr);
    Evaluator eval(nullptr, nullptr);
    return eval.Eval(bound, nullptr);
  } catch (const QueryError& e) {
    return e.status();
  }
}

}  // namespace quipu::query
