// Expressions: variables, properties, operators, functions, and constant
// folding (query/bind/binder.h).
#include "query/bind/binder.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <string>

#include "query/expression.h"
#include "query/functions/operator_table.h"
#include "query/functions/registry.h"

namespace quipu::query {

BoundExpr Binder::BindExpr(const ast::Expr& e) {
  BoundExpr b;
  b.pos = e.pos;
  switch (e.kind) {
    case ast::Expr::Kind::kLiteral:
      b.constant = e.literal;
      return b;
    case ast::Expr::Kind::kEntityRef:
      b.constant = e.literal;
      return b;
    case ast::Expr::Kind::kVariable:
      return BindVariable(e);
    case ast::Expr::Kind::kExists:
      return BindExists(e);
    case ast::Expr::Kind::kComprehension:
      return BindComprehension(e);
    case ast::Expr::Kind::kParameter: {
      if (mode_ == ParamMode::kReferences) {
        b.kind = BoundExpr::Kind::kParam;
        b.name = e.name;
        return b;
      }
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
      b.case_subject = e.kind == ast::Expr::Kind::kCase && e.name == "simple";
      for (const ast::ExprPtr& a : e.args) b.args.push_back(BindExpr(*a));
      return FoldConstant(std::move(b));
    }
    case ast::Expr::Kind::kProperty:
      return BindProperty(e);
    case ast::Expr::Kind::kUnary:
    case ast::Expr::Kind::kBinary:
      b.kind =
          e.kind == ast::Expr::Kind::kUnary ? BoundExpr::Kind::kUnary : BoundExpr::Kind::kBinary;
      b.name = e.name;
      b.op = OperatorOf(e);
      for (const ast::ExprPtr& a : e.args) b.args.push_back(BindExpr(*a));
      return FoldConstant(std::move(b));
    case ast::Expr::Kind::kCountStar:
      b.kind = BoundExpr::Kind::kAggregate;
      b.name = "count";
      b.aggregate = AggregateFunction::kCount;
      return b;
    case ast::Expr::Kind::kFunction:
      return BindFunction(e);
  }
  FailAt("unsupported expression", e.pos);
}

BoundExpr Binder::BindVariable(const ast::Expr& e) {
  BoundExpr b;
  b.pos = e.pos;
  if (const std::optional<uint32_t> local = FindLocal(e.name)) {
    b.kind = BoundExpr::Kind::kLocal;
    b.slot = *local;
    b.name = e.name;
    return b;
  }
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

BoundExpr Binder::BindProperty(const ast::Expr& e) {
  BoundExpr b;
  b.pos = e.pos;
  const ast::Expr& base = *e.args[0];
  if (base.kind != ast::Expr::Kind::kVariable) {
    FailAt("property access '." + e.name + "' needs a variable before the '.'", e.name_pos);
  }
  const bool local = FindLocal(base.name).has_value();
  if (local && view_ == nullptr) {
    FailAt("a value here must be a constant: '" + base.name + "." + e.name + "' reads the database",
           e.name_pos);
  }
  if (hop_variable_ != nullptr && !local) {
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
  if (!local && (paths_by_name_.count(base.name) || var_rels_.count(base.name))) {
    b.kind = BoundExpr::Kind::kPathProperty;
    b.name = e.name;
    b.args.push_back(BindExpr(base));
    return b;
  }
  if (!local && row_ != nullptr && base.name == row_->variable) return BindField(e);
  BoundExpr target = BindExpr(base);
  Result<uint64_t> key = view_->FindTerm(Value(Entity{e.name}));
  if (!key.ok()) throw QueryError(key.status());
  b.key_id = *key;
  b.name = e.name;
  if (target.kind == BoundExpr::Kind::kFact) {
    CheckAnnotationKey(e.name, *key, e.name_pos);
    b.kind = BoundExpr::Kind::kFactProperty;
    b.fact = target.fact;
  } else {
    CheckPredicate(e.name, *key, e.name_pos);
    b.kind = BoundExpr::Kind::kNodeProperty;
    b.args.push_back(std::move(target));
  }
  return b;
}

BoundExpr Binder::BindAllValues(const ast::Expr& e) {
  if (e.args.size() != 1)
    FailAt(fmt::format("all() takes 1 argument, got {}", e.args.size()), e.pos);
  if (e.distinct) FailAt("distinct is only allowed in aggregate functions", e.pos);
  const ast::Expr& arg = *e.args[0];
  BoundExpr b;
  if (arg.kind == ast::Expr::Kind::kProperty) b = BindExpr(arg);
  if (b.kind != BoundExpr::Kind::kNodeProperty) {
    FailAt("all() takes a property of a node variable, as all(x.name)", arg.pos);
  }
  b.kind = BoundExpr::Kind::kAllValues;
  b.pos = e.pos;
  return b;
}

std::optional<uint32_t> Binder::FindLocal(const std::string& name) const {
  for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return std::nullopt;
}

BoundExpr Binder::BindComprehension(const ast::Expr& e) {
  BoundExpr b;
  b.kind = BoundExpr::Kind::kComprehension;
  b.pos = e.pos;
  b.name = e.name;
  b.args.push_back(BindExpr(*e.args[0]));  // the list: the variable is not in scope yet
  b.slot = next_local_++;
  locals_.emplace_back(e.name, b.slot);
  for (size_t i = 1; i < e.args.size(); ++i) {
    BoundExpr part = BindExpr(*e.args[i]);
    // An aggregate folds rows; the items of one row's list are not rows.
    if (const BoundExpr* aggregate = part.FindAggregate()) {
      FailAt("aggregate " + aggregate->name + "() is not allowed inside a list comprehension",
             aggregate->pos);
    }
    b.args.push_back(std::move(part));
  }
  locals_.pop_back();
  return b;
}

BoundExpr Binder::BindFunction(const ast::Expr& e) {
  BoundExpr b;
  b.pos = e.pos;
  std::string name = e.name;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name == "all") return BindAllValues(e);
  if (const std::optional<AggregateFunction> aggregate = FindAggregateFunction(name)) {
    if (e.args.size() != 1) {
      FailAt(fmt::format("{}() takes 1 argument, got {}", name, e.args.size()), e.pos);
    }
    BoundExpr arg = BindExpr(*e.args[0]);
    // sum(path.amount): a fold along the path, not over rows.
    if (arg.kind == BoundExpr::Kind::kPathProperty && name != "count" && name != "collect") {
      if (e.distinct) FailAt("distinct is only allowed in aggregate functions", e.pos);
      b.kind = BoundExpr::Kind::kFunction;
      b.name = name;
      b.function = FindFunction(name);  // the list functions fold sum, min, max and avg
      b.args.push_back(std::move(arg));
      return b;
    }
    if (arg.HasAggregate()) FailAt("aggregate functions cannot be nested", e.args[0]->pos);
    b.kind = BoundExpr::Kind::kAggregate;
    b.name = name;
    b.aggregate = *aggregate;
    b.distinct = e.distinct;
    b.args.push_back(std::move(arg));
    return b;
  }
  const FunctionDef* function = FindFunction(name);
  if (function == nullptr) FailAt("unknown function '" + e.name + "'", e.pos);
  const size_t min_args = function->min_args, max_args = function->max_args;
  if (e.args.size() < min_args || e.args.size() > max_args) {
    FailAt(min_args == max_args ? fmt::format("{}() takes {} argument{}, got {}", name, min_args,
                                              min_args == 1 ? "" : "s", e.args.size())
                                : fmt::format("{}() takes {} to {} arguments, got {}", name,
                                              min_args, max_args, e.args.size()),
           e.pos);
  }
  if (e.distinct) FailAt("distinct is only allowed in aggregate functions", e.pos);
  b.kind = BoundExpr::Kind::kFunction;
  b.name = name;
  b.function = function;
  for (const ast::ExprPtr& a : e.args) b.args.push_back(BindExpr(*a));
  return FoldConstant(std::move(b));
}

ExprOp Binder::OperatorOf(const ast::Expr& e) {
  const std::optional<ExprOp> op = FindOperator(e.name, e.kind == ast::Expr::Kind::kUnary);
  if (!op) FailAt("unsupported operator '" + e.name + "'", e.pos);
  return *op;
}

BoundExpr Binder::BinaryOf(ExprOp op, BoundExpr left, BoundExpr right, ast::Pos pos) {
  BoundExpr b;
  b.kind = BoundExpr::Kind::kBinary;
  b.pos = pos;
  b.name = OperatorText(op);
  b.op = op;
  b.args.push_back(std::move(left));
  b.args.push_back(std::move(right));
  return b;
}

BoundExpr Binder::BindConstant(const ast::Expr& e) {
  BoundExpr b = BindExpr(e);
  if (const BoundExpr* agg = b.FindAggregate()) {
    FailAt("aggregate functions are not allowed here", agg->pos);
  }
  return b;
}

BoundExpr Binder::BindField(const ast::Expr& e) {
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

std::string Binder::RowVariableError(const std::string& name) const {
  if (name == row_->variable) {
    return "the row '" + name + "' is not a value: read a field as " + name + ".Column";
  }
  return "unknown variable '" + name + "' (the row is '" + row_->variable + "')";
}

}  // namespace quipu::query
