#include "query/binder.h"

#include <fmt/format.h>

#include <map>
#include <set>

#include "query/expression.h"
#include "query/fact_filter.h"
#include "query/functions.h"

namespace quipu::query {
namespace {

class Binder {
 public:
  // With a null view the binder evaluates constants only: no variables but
  // the fields of `row` when given.
  Binder(storage::ReadView* view, const Params& params, const RowScope* row = nullptr)
      : view_(view), params_(params), row_(row) {}

  BoundQuery Bind(const ast::MatchStatement& m) {
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
    BindReturn(m);
    MarkEndsOnly();
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

  // True when every aggregate of the return ignores how many times a row
  // comes: each is `distinct`, min or max, and none is nested in another
  // item (count(*) and plain count, sum, avg, collect count repeats).
  bool AggregatesIgnoreRepeats() const {
    for (const BoundExpr& item : q_.items) {
      if (item.kind != BoundExpr::Kind::kAggregate) {
        if (item.HasAggregate()) return false;
        continue;
      }
      if (item.args.empty()) return false;  // count(*)
      if (!item.distinct && item.name != "min" && item.name != "max") return false;
      for (const BoundExpr& arg : item.args) {
        if (arg.HasAggregate()) return false;
      }
    }
    return true;
  }

  // With `return distinct` (no aggregate), or aggregates that ignore
  // repeated rows (count(distinct x), min, max), how many walks reach an end
  // changes nothing; an exists body needs one. A pattern whose walks nothing
  // reads may then list each reachable end once (VarLength::ends_only).
  void MarkEndsOnly() {
    auto mark = [](std::vector<BoundPattern>* patterns) {
      for (BoundPattern& p : *patterns) {
        if (!p.var || p.var->path_slot >= 0 || p.var->min_hops > 1) continue;
        if (p.var->mode != VarLength::Mode::kTrail && p.var->mode != VarLength::Mode::kAcyclic) {
          continue;
        }
        p.var->ends_only = true;
      }
    };
    if ((q_.distinct && !q_.aggregate) || (q_.aggregate && AggregatesIgnoreRepeats())) {
      mark(&q_.patterns);
      for (BoundGroup& g : q_.optionals) mark(&g.patterns);
    }
    for (BoundGroup& g : q_.exists_groups) mark(&g.patterns);
  }

  // as of / during / with confidence of a clause: an index into
  // BoundQuery::fact_filters, or -1 when the clause has none.
  int BindFactFilter(const ast::MatchClause& clause) {
    if (!clause.valid_from && !clause.min_confidence) return -1;
    FactFilter f;
    if (clause.valid_from) {
      const char* what = clause.during ? "during" : "as of";
      auto [from, from_end] = TimeBounds(*clause.valid_from, what);
      f.timed = true;
      f.from = from;
      f.to = from_end;
      if (clause.during) {
        f.to = TimeBounds(*clause.valid_to, what).second;
        if (f.to < f.from) {
          FailAt("the interval of 'during' is empty: its end is before its start",
                 clause.valid_to->pos);
        }
      }
    }
    if (clause.min_confidence) {
      Result<Value> v = EvaluateConstant(*clause.min_confidence, params_);
      if (!v.ok()) throw QueryError(v.status());
      if (!v->is_numeric()) {
        FailAt("type mismatch: 'with confidence >=' needs a number, got " +
                   std::string(TypeName(v->type())),
               clause.min_confidence->pos);
      }
      f.confident = true;
      f.min_confidence = v->as_number();
    }
    f.since_key = Find(Value(Entity{"since"}));
    f.until_key = Find(Value(Entity{"until"}));
    f.confidence_key = Find(Value(Entity{"confidence"}));
    q_.fact_filters.push_back(f);
    return static_cast<int>(q_.fact_filters.size()) - 1;
  }

  // The first and last microsecond a date (its whole day) or datetime covers.
  std::pair<int64_t, int64_t> TimeBounds(const ast::Expr& expr, const char* what) {
    Result<Value> v = EvaluateConstant(expr, params_);
    if (!v.ok()) throw QueryError(v.status());
    if (v->type() == Value::Type::kDate) return DayBounds(v->as_date());
    if (v->type() == Value::Type::kDateTime) {
      return {v->as_datetime().micros, v->as_datetime().micros};
    }
    FailAt(fmt::format("type mismatch: '{}' needs a date or datetime, got {}", what,
                       TypeName(v->type())),
           expr.pos);
  }

  uint64_t Find(const Value& v) {
    Result<uint64_t> id = view_->FindTerm(v);
    if (!id.ok()) throw QueryError(id.status());
    return *id;
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
    if (n.key) {  // @(…) of constants; an empty key names no entity
      const Value key = ValueOrThrow(EvaluateConstant(*n.key, params_));
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
    pattern.fact_filter = fact_filter_;
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
      if (!r.variable.empty() &&
          (node_slots_.count(r.variable) || facts_by_name_.count(r.variable) ||
           var_rels_.count(r.variable) || paths_by_name_.count(r.variable))) {
        FailAt("variable '" + r.variable +
                   "' is already bound; a relationship variable "
                   "names one relationship",
               r.pos);
      }
      if (r.var_length) {
        PathSegment segment;
        segment.var = true;
        BindVarLength(path, r, s, o, out, undirected, named_path, s_text, o_text,
                      &segment.path_slot);
        path_var.segments.push_back(segment);
        continue;
      }
      Ref p;
      const std::string p_text = PredicateText(r);
      if (r.predicate && r.alternatives.empty()) {
        p = Ref::Const(Term(Value(*r.predicate)));
      } else {
        p = Ref::Slot(NewSlot(""));
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
        BoundExpr in;
        in.kind = BoundExpr::Kind::kBinary;
        in.name = "in";
        in.pos = r.pos;
        in.args.push_back(std::move(slot));
        in.args.push_back(std::move(list));
        filters_->push_back(std::move(in));
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
          filters_->push_back(Equals(std::move(prop), PatternValue(*expr), expr->pos));
        }
      }
      AddPattern(s, p, o, fact,
                 fmt::format("({})-[{}{}]-{}({})", s_text, r.variable, p_text,
                             undirected ? "" : ">", o_text));
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

  static std::vector<Entity> PredicatesOf(const ast::RelPattern& r) {
    std::vector<Entity> out;
    if (r.predicate) out.push_back(*r.predicate);
    out.insert(out.end(), r.alternatives.begin(), r.alternatives.end());
    return out;
  }

  // ":owns|operates" for plans, "" for any predicate.
  static std::string PredicateText(const ast::RelPattern& r) {
    std::string out;
    for (const Entity& name : PredicatesOf(r)) out += (out.empty() ? ":" : "|") + name.key;
    return out;
  }

  // shortest, all shortest, acyclic and `by` apply to one variable-length
  // relationship; a path variable names a new variable.
  void CheckPathForm(const ast::PathPattern& path) {
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

  // A value written in a pattern's property map: a constant, not null.
  Value PatternValue(const ast::Expr& expr) {
    Result<Value> v = EvaluateConstant(expr, params_);
    if (!v.ok()) throw QueryError(v.status());
    if (v->is_null()) FailAt("a property in a pattern cannot be null", expr.pos);
    return *v;
  }

  void BindVarLength(const ast::PathPattern& path, const ast::RelPattern& r, Ref s, Ref o, bool out,
                     bool undirected, bool named_path, const std::string& s_text,
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
        BoundExpr both;
        both.kind = BoundExpr::Kind::kBinary;
        both.name = "and";
        both.pos = all.pos;
        both.args.push_back(std::move(all));
        both.args.push_back(std::move(conditions[c]));
        all = std::move(both);
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
    pattern.label =
        fmt::format("{}({})-[{}{}{}{}]-{}({})", prefix, s_text, r.variable, p_text, hops,
                    var.hop_filter >= 0 ? " where …" : "", undirected ? "" : ">", o_text);
    pattern.var = std::move(var);
    pattern.fact_filter = fact_filter_;
    patterns_->push_back(std::move(pattern));
  }

  // by sum(r.key) or by sum(path.key): the annotation a hop costs.
  void BindWeight(const ast::Expr& weight, const std::string& rel_variable,
                  const std::string& path_variable, VarLength* var) {
    std::string fn;
    for (char c : weight.name) fn += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const bool form = weight.kind == ast::Expr::Kind::kFunction && fn == "sum" &&
                      weight.args.size() == 1 &&
                      weight.args[0]->kind == ast::Expr::Kind::kProperty &&
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

  // In a per-hop condition a bare name is the hop's annotation; the
  // relationship's own variable and the match's variables are not visible.
  BoundExpr HopVariable(const ast::Expr& e) {
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

  BoundExpr HopProperty(const std::string& key, ast::Pos pos) {
    BoundExpr b;
    b.kind = BoundExpr::Kind::kHopProperty;
    b.pos = pos;
    b.name = key;
    Result<uint64_t> id = view_->FindTerm(Value(Entity{key}));
    if (!id.ok()) throw QueryError(id.status());
    b.key_id = *id;
    return b;
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
        if (hop_variable_ != nullptr) return HopVariable(e);
        if (auto it = paths_by_name_.find(e.name); it != paths_by_name_.end()) {
          b.kind = BoundExpr::Kind::kPath;
          b.group = it->second;
          return b;
        }
        if (auto it = var_rels_.find(e.name); it != var_rels_.end()) {
          b.kind = BoundExpr::Kind::kSlot;
          b.slot = it->second;
          return b;
        }
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
        if (row_ != nullptr) FailAt(RowVariableError(e.name), e.pos);
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
        if (hop_variable_ != nullptr) {
          // subject.key, object.key: a property of the hop fact's own ends.
          if ((base.name == "subject" || base.name == "object") &&
              (hop_variable_->empty() || base.name != *hop_variable_)) {
            BoundExpr node = HopProperty(e.name, e.pos);
            node.kind = BoundExpr::Kind::kHopNodeProperty;
            node.slot = base.name == "subject" ? 0 : 1;
            return node;
          }
          if (hop_variable_->empty() || base.name != *hop_variable_) {
            HopVariable(base);  // a variable of the match: refused with its own message
            FailAt("unknown variable '" + base.name +
                       "' (in a per-hop condition, name the hop's annotations alone or as " +
                       (hop_variable_->empty() ? std::string("r.key with -[r:…*]->")
                                               : *hop_variable_ + ".key") +
                       ", its fact's ends' properties as subject.key and object.key)",
                   base.pos);
          }
          return HopProperty(e.name, e.pos);
        }
        if (paths_by_name_.count(base.name) || var_rels_.count(base.name)) {
          b.kind = BoundExpr::Kind::kPathProperty;
          b.name = e.name;
          b.args.push_back(BindExpr(base));
          return b;
        }
        if (row_ != nullptr && base.name == row_->variable) return BindField(e);
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
          // sum(path.amount): a fold along the path, not over rows.
          if (arg.kind == BoundExpr::Kind::kPathProperty && name != "count" && name != "collect") {
            if (e.distinct) FailAt("distinct is only allowed in aggregate functions", e.pos);
            b.kind = BoundExpr::Kind::kFunction;
            b.name = name;
            b.args.push_back(std::move(arg));
            return b;
          }
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
  // r.Column of a load's row: the field at the column's index.
  BoundExpr BindField(const ast::Expr& e) {
    for (size_t i = 0; i < row_->columns.size(); ++i) {
      if (row_->columns[i] != e.name) continue;
      BoundExpr b;
      b.kind = BoundExpr::Kind::kField;
      b.pos = e.pos;
      b.slot = static_cast<uint32_t>(i);
      b.name = e.name;
      return b;
    }
    std::string names;
    for (const std::string& c : row_->columns) names += (names.empty() ? "" : ", ") + c;
    FailAt("no column '" + e.name + "' in '" + row_->file + "' (the columns are " + names + ")",
           e.name_pos);
  }

  std::string RowVariableError(const std::string& name) const {
    if (name == row_->variable) {
      return "the row '" + name + "' is not a value: read a field as " + name + ".Column";
    }
    return "unknown variable '" + name + "' (the row is '" + row_->variable + "')";
  }

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
  const RowScope* row_;
  BoundQuery q_;
  // Where BindPath puts patterns and filters: the query's, or a group's.
  std::vector<BoundPattern>* patterns_ = &q_.patterns;
  std::vector<BoundExpr>* filters_ = &q_.filters;
  bool* impossible_ = &q_.impossible;
  std::map<std::string, uint32_t> node_slots_;
  std::map<std::string, int> facts_by_name_;
  std::map<std::string, int> paths_by_name_;  // path variables → BoundQuery::paths
  std::map<std::string, uint32_t> var_rels_;  // variable-length relationships → path slot
  int fact_filter_ = -1;                      // the clause being bound's FactFilter
  // While binding a per-hop condition: the relationship's variable (may be
  // empty); names there are the hop's annotations.
  const std::string* hop_variable_ = nullptr;
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

Result<BoundExpr> BindRowExpression(const ast::Expr& expr, const RowScope& row,
                                    const Params& params) {
  try {
    return Binder(nullptr, params, &row).BindConstant(expr);
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
