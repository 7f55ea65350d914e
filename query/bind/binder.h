// Binder: the class behind query/binder.h, internal to query/bind/. One
// class with its methods defined across one file per concern, as Kùzu's
// binder is: bind_match.cc (the statement, its clauses, optional and exists
// groups, conditions), bind_pattern.cc (node and relationship patterns,
// paths, as of / during / with confidence), bind_var_length.cc
// (variable-length relationships, their weights and per-hop conditions),
// bind_expression.cc (expressions, constants and folding) and
// bind_return.cc (return items, order by, aggregates). binder.cc holds the
// entry points and the store look-ups the others share; bind_params.cc
// what parameters need (templates, query/binder.h) and instantiate.cc the
// values put into a template.
//
// Errors are raised as QueryError (query/expression.h); the entry points
// turn them into a Status.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "grammar/ast.h"
#include "query/binder.h"
#include "query/bound.h"
#include "storage/store.h"

namespace quipu::query {

// What a `$name` becomes.
enum class ParamMode : uint8_t {
  kValues,      // its value, a constant (folded with what it is part of)
  kReferences,  // a parameter of a template (BindMatchTemplate); the values
                // given only decide the template's shape
};

// --- bind_params.cc: shared with instantiate.cc.
// Constant folding: an operator, function, list or case whose arguments
// are all constants is evaluated once, at binding.
BoundExpr FoldConstant(BoundExpr b);
// Whether the expression has a kParam.
bool ReadsParams(const BoundExpr& e);
// Replaces each kParam by its value and folds what then can be; raises
// "parameter $x has no value". Returns whether anything was replaced.
bool SubstituteParams(const Params& params, BoundExpr* e);
// The value of an expression without variables (as EvaluateConstant).
Value EvaluateBound(const BoundExpr& e);
// as of FROM, during FROM .. TO (`to` null for as of): the filter's times.
void SetValidity(const BoundExpr& from, const BoundExpr* to, FactFilter* f);
// with confidence >= E.
void SetConfidence(const BoundExpr& e, FactFilter* f);

class Binder {
 public:
  // With a null view the binder evaluates constants only: no variables but
  // the fields of `row` when given.
  Binder(storage::ReadView* view, const Params& params, const RowScope* row = nullptr,
         ParamMode mode = ParamMode::kValues)
      : view_(view), params_(params), row_(row), mode_(mode) {}

  // bind_match.cc. The whole statement; the binder is used up. `inputs`:
  // variables bound before the first pattern (BindMatchOver).
  BoundQuery Bind(const ast::MatchStatement& m, const std::vector<std::string>& inputs = {});

  // bind_expression.cc. An expression that may use no variables (insert and
  // delete values, a load's row fields).
  BoundExpr BindConstant(const ast::Expr& e);

 private:
  // --- bind_match.cc: clauses, groups, conditions.
  // Binds each condition of `where` and adds its conjuncts to `out`.
  void BindConditions(const std::vector<ast::ExprPtr>& where, std::vector<BoundExpr>* out);
  // `skip` or `limit`: its number into `value`, or, in a template, the
  // parameter giving it into `param`.
  void BindCount(const std::optional<ast::Count>& count, const char* clause,
                 std::optional<uint64_t>* value, std::optional<ast::Count>* param);
  // Binds `clause` into `group` with the binder's outputs pointed at it.
  void BindGroup(const ast::MatchClause& clause, BoundGroup* group);
  void BindOptional(const ast::MatchClause& clause);
  BoundExpr BindExists(const ast::Expr& e);

  // --- bind_pattern.cc: patterns and paths.
  void BindPath(const ast::PathPattern& path);
  // shortest, all shortest, acyclic and `by` apply to one variable-length
  // relationship; a path variable names a new variable.
  void CheckPathForm(const ast::PathPattern& path);
  Ref NodeRef(const ast::NodePattern& n);
  // The node's ref, with its labels and properties added as patterns.
  Ref NodeWithConstraints(const ast::NodePattern& n);
  void AddPattern(Ref s, Ref p, Ref o, int fact, std::string label);
  // A value written in a relationship's property map, compared by a
  // filter: a constant, not null (checked when it runs if it reads
  // parameters).
  BoundExpr PatternValue(const ast::Expr& expr);
  // as of / during / with confidence of a clause: an index into
  // BoundQuery::fact_filters, or -1 when the clause has none.
  int BindFactFilter(const ast::MatchClause& clause);
  // `left = right`, as a pattern's property map compares.
  static BoundExpr Equals(BoundExpr left, BoundExpr right, ast::Pos pos);
  // The predicate and its alternatives: -[:a|b]-> gives a, b.
  static std::vector<Entity> PredicatesOf(const ast::RelPattern& r);
  // ":owns|operates" for plans, "" for any predicate.
  static std::string PredicateText(const ast::RelPattern& r);

  // --- bind_var_length.cc: variable-length relationships.
  void BindVarLength(const ast::PathPattern& path, const ast::RelPattern& r, Ref s, Ref o, bool out,
                     bool undirected, bool named_path, const std::string& s_text,
                     const std::string& o_text, uint32_t* path_slot);
  // by sum(r.key) or by sum(path.key): the annotation a hop costs.
  void BindWeight(const ast::Expr& weight, const std::string& rel_variable,
                  const std::string& path_variable, VarLength* var);
  // In a per-hop condition a bare name is the hop's annotation; the
  // relationship's own variable and the match's variables are not visible.
  BoundExpr HopVariable(const ast::Expr& e);
  BoundExpr HopProperty(const std::string& key, ast::Pos pos);

  // --- bind_expression.cc: expressions.
  BoundExpr BindExpr(const ast::Expr& e);
  BoundExpr BindVariable(const ast::Expr& e);
  BoundExpr BindProperty(const ast::Expr& e);
  BoundExpr BindFunction(const ast::Expr& e);
  // all(x.key): every value of a node's property, as a list.
  BoundExpr BindAllValues(const ast::Expr& e);
  // [x in list where c | v]: x is seen in c and v only, hiding a match
  // variable of that name there.
  BoundExpr BindComprehension(const ast::Expr& e);
  // The local number of a comprehension variable in scope, innermost first.
  std::optional<uint32_t> FindLocal(const std::string& name) const;
  // The operator of a kUnary or kBinary expression.
  static ExprOp OperatorOf(const ast::Expr& e);
  // `left op right`, for the conditions the binder writes itself.
  static BoundExpr BinaryOf(ExprOp op, BoundExpr left, BoundExpr right, ast::Pos pos);
  // r.Column of a load's row: the field at the column's index.
  BoundExpr BindField(const ast::Expr& e);
  std::string RowVariableError(const std::string& name) const;

  // --- bind_return.cc: the output.
  void BindReturn(const ast::MatchStatement& m);
  // True when every aggregate of the return ignores how many times a row
  // comes (VarLength::ends_only).
  bool AggregatesIgnoreRepeats() const;
  // Sets VarLength::ends_only where what the statement returns allows it.
  void MarkEndsOnly();
  // `where a = <x>` with `a` an end of a variable-length pattern: `a`
  // becomes an input slot holding <x> (BoundQuery::input_slots), so the
  // walk starts there as it does from (<x>), instead of from every node
  // with the condition tested after. The condition stays, so the result is
  // the same.
  void PinPathEnds();

  // --- bind_params.cc: values that may read parameters.
  // An expression that may use no variables, bound in this binder's mode:
  // with kReferences it may hold kParam nodes.
  BoundExpr ConstantExpr(const ast::Expr& e) const;
  // The value `e` has with the parameters given (a template's shape).
  Value ShapeValue(const BoundExpr& e) const;
  // Adds a value resolved when the statement runs; returns its index.
  int32_t AddParamValue(ParamValue value);
  // Whether anything of the bound query reads parameters.
  bool QueryReadsParams() const;

  // --- binder.cc: store look-ups and slots.
  // The id of `v`; 0 when the store has never seen it.
  uint64_t Find(const Value& v);
  // As Find, and a term never seen makes the patterns being bound impossible.
  uint64_t Term(const Value& v);
  uint32_t NewSlot(const std::string& name);
  // Warnings for names the database lacks altogether (BoundQuery::warnings).
  // A predicate, or a node property's key, `id` from Find: no fact has it.
  void CheckPredicate(const std::string& name, uint64_t id, ast::Pos pos);
  // A relationship's annotation key: the database has never seen the name.
  void CheckAnnotationKey(const std::string& name, uint64_t id, ast::Pos pos);
  void Warn(const std::string& what, ast::Pos pos);

  storage::ReadView* view_;
  const Params& params_;
  const RowScope* row_;
  ParamMode mode_;
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
  // The comprehension variables in scope (name, local number), innermost
  // last; each comprehension gets its own number, so nested ones do not
  // share the evaluator's item.
  std::vector<std::pair<std::string, uint32_t>> locals_;
  uint32_t next_local_ = 0;
  // Whether the database holds any fact: an empty one gets no warnings
  // about missing names. Read at the first warning (-1: not yet).
  int has_facts_ = -1;
};

}  // namespace quipu::query
