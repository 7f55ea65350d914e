// The binder's output: a statement with names resolved to row slots and
// terms resolved to store ids. The planner reads only this.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "grammar/ast.h"
#include "quipu/value.h"

namespace quipu::query {

// One position of a triple pattern: a constant term id or a row slot.
struct Ref {
  bool is_slot = false;
  uint64_t id = 0;    // when constant; 0 means a term the store has never seen
  uint32_t slot = 0;  // when is_slot
  // A constant that comes from $parameters: its index into
  // BoundQuery::param_values. Its id is 0 in a bound query's template and
  // set each time the statement runs (Instantiate, query/binder.h).
  int32_t param = -1;
  static Ref Const(uint64_t id) { return Ref{false, id, 0, -1}; }
  static Ref Slot(uint32_t slot) { return Ref{true, 0, slot, -1}; }
  static Ref Param(int32_t param) { return Ref{false, 0, 0, param}; }
};

// What makes a pattern variable-length: (s)-[:p*min..max]->(o) matches
// the walks from s to o of min to max facts with predicate p (or any of
// `predicates`; any relationship between entities when p is 0, labels
// excepted).
struct VarLength {
  enum class Mode : uint8_t {
    kTrail,        // no fact twice in a path (the default)
    kAcyclic,      // no node twice
    kShortest,     // one shortest path per pair of ends
    kAllShortest,  // every shortest path
  };
  Mode mode = Mode::kTrail;
  ast::Pos pos;  // of shortest / all shortest, for errors
  uint32_t min_hops = 1;
  uint32_t max_hops = UINT32_MAX;    // UINT32_MAX: no bound
  bool predicate_absent = false;     // no predicate named was ever stored: only zero-length paths
  std::vector<uint64_t> predicates;  // -[:a|b*]->: every stored one (p is the first)
  int hop_filter = -1;               // index into BoundQuery::hop_filters, -1 for none
  // shortest … by sum(r.key): the annotation each hop's cost is read from.
  bool weighted = false;
  uint64_t weight_key = 0;  // 0 when the key was never stored
  std::string weight_name;
  ast::Pos weight_pos;
  int path_slot = -1;  // the slot receiving the path's id, -1 when nothing reads it
  // (a)<-[…*]-(b) walks from s = b to o = a; the path value still reads a…b.
  bool written_reversed = false;
  // Only which ends are reachable matters (return distinct, exists, no path
  // read): each reachable end once, by breadth-first search, instead of one
  // row per walk. Set by the binder; only with min_hops <= 1, where every
  // end reachable within max_hops is the end of some trail.
  bool ends_only = false;
};

// Which facts a match clause's patterns may match (`as of`, `during`,
// `with confidence >=`). A fact instance passes when its validity
// (`since` … `until`, either end open) overlaps [from, to] and its
// `confidence`, when it has one, is at least min_confidence.
struct FactFilter {
  bool timed = false;
  int64_t from = 0, to = 0;  // microseconds since the epoch, inclusive
  bool confident = false;
  double min_confidence = 0;
  uint64_t since_key = 0, until_key = 0, confidence_key = 0;  // 0: never stored
};

struct BoundPattern {
  Ref s, p, o;
  int fact = -1;  // index into BoundQuery::facts when a fact variable is attached
  // A lone node such as (n) or (@x): s is the node; matches every entity
  // that has a fact, in either direction. p and o are unused.
  bool node_scan = false;
  // (s)-[p]-(o): matches (s, p, o) and (o, p, s); a self-loop once.
  bool undirected = false;
  std::optional<VarLength> var;  // set for a variable-length relationship
  int fact_filter = -1;          // index into BoundQuery::fact_filters, -1 for none
  std::string label;             // for plans and errors: "(p)-[:met_with]->(x)"
  // A property map's value from $parameters, written into `label` when the
  // statement runs: an index into BoundQuery::param_values, or -1.
  int label_value = -1;
  // When o is a hidden slot a condition holds equal to an integer (`{k: 7}`,
  // `where r = 7`): every stored id whose value can equal it (7, 7.0, the
  // decimal 7), sorted. A scan with s and o unbound reads each one's facts
  // through pos instead of the whole predicate; the condition stays a
  // filter and decides (docs/architecture.md, "Numbers in patterns").
  std::vector<uint64_t> object_choices;
};

// A relationship variable: one row per stored instance of its triple.
struct FactVar {
  Ref s, p, o;
  uint32_t hash_slot = 0;  // slot holding the instance hash
  // Undirected patterns: a slot holding 1 when the row matched (o, p, s).
  int reversed_slot = -1;
};

struct BoundQuery;
struct FunctionDef;  // query/functions/registry.h

// The operator of a kUnary or kBinary expression, resolved once by the
// binder from its text (query/functions/operator_table.h); the text stays
// in BoundExpr::name for plans and messages.
enum class ExprOp : uint8_t {
  kNone,
  // Binary.
  kOr,
  kAnd,
  kEqual,         // =
  kNotEqual,      // <>
  kLess,          // <
  kLessEqual,     // <=
  kGreater,       // >
  kGreaterEqual,  // >=
  kIn,
  kWordMatch,  // ~
  kStartsWith,
  kEndsWith,
  kContains,
  kRegexMatch,  // =~
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulo,
  // Unary.
  kNot,
  kNegate,  // -
  kIsNull,
  kIsNotNull,
};

// The function of a kAggregate expression, resolved once by the binder.
enum class AggregateFunction : uint8_t { kNone, kCount, kSum, kAvg, kMin, kMax, kCollect };

struct BoundExpr {
  enum class Kind : uint8_t {
    kConst,            // constant
    kSlot,             // the term in a slot (a node variable)
    kFact,             // a relationship variable: its predicate
    kNodeProperty,     // args[0] is kSlot or kLocal; key_id names the property predicate
    kFactProperty,     // fact's annotation key_id
    kUnary,            // op; name: not, -, is null, is not null
    kBinary,           // op; name: or and = <> < <= > >= + - * / % in ~ =~ starts with …
    kFunction,         // scalar function: function; name as called, lower-cased
    kAggregate,        // aggregate; name: count sum avg min max collect; args empty for count(*)
    kList,             // [args...]
    kCase,             // as ast::Expr::Kind::kCase, with has_else
    kExists,           // group: BoundQuery::exists_groups[group] has a match
    kHopProperty,      // in a per-hop condition: the current hop's annotation key_id
    kHopNodeProperty,  // in a per-hop condition: property key_id of the hop's subject
                       // (slot 0) or object (slot 1)
    kPath,             // group: the value of BoundQuery::paths[group]
    kPathProperty,     // args[0] is a path: the list of its hops' annotation `name`
    kField,            // field `slot` of the row a load reads (Evaluator::set_fields)
    kParam,            // $name in a match's template: replaced by its value, and the
                       // expressions over it folded, before the statement runs
    kAllValues,        // all(x.key): as kNodeProperty, the list of every value, by id
    kLocal,            // the variable of a list comprehension: its item number `slot`
    kComprehension,    // [name in args[0] where args[1] | args[2]], the item in local `slot`
  };
  Kind kind = Kind::kConst;
  ast::Pos pos;
  Value constant;
  uint32_t slot = 0;
  int fact = -1;
  uint64_t key_id = 0;  // 0 when the key was never stored: always null
  std::string name;
  ExprOp op = ExprOp::kNone;                               // kUnary, kBinary
  AggregateFunction aggregate = AggregateFunction::kNone;  // kAggregate
  const FunctionDef* function = nullptr;                   // kFunction: never null once bound
  std::vector<BoundExpr> args;
  bool distinct = false;
  bool has_else = false;
  bool case_subject = false;  // kCase: args[0] is the subject (`case x when …`)
  int group = -1;             // kExists

  // Slots the expression reads (facts count through their triple's slots,
  // exists through the outer variables its pattern uses).
  void CollectSlots(const BoundQuery& q, std::vector<uint32_t>* out) const;
  bool HasAggregate() const { return FindAggregate() != nullptr; }
  // The first aggregate in the expression (pre-order), or null.
  const BoundExpr* FindAggregate() const;
};

// Patterns matched as a unit against each row: an optional match (a left
// join) or the body of exists { … } (a semi- or anti-join).
struct BoundGroup {
  ast::Pos pos;
  std::vector<BoundPattern> patterns;
  std::vector<BoundExpr> filters;
  std::vector<uint32_t> outer_slots;  // slots bound before the group that it uses
  std::vector<uint32_t> new_slots;    // slots the group binds
  bool impossible = false;            // a constant is absent: it never matches
};

// One stretch of a path variable's chain.
struct PathSegment {
  bool var = false;
  uint32_t path_slot = 0;  // var: the slot holding the stretch's path, in written order
  Ref from, to;            // fixed: the ends as written
  int fact = -1;           // fixed: the fact variable of the hop (annotations, direction)
  bool forward = true;     // fixed: the fact points from `from` to `to`
};

// path = (a)-[…]->(b)…: the stretches of the chain, in order.
struct BoundPathVar {
  std::vector<PathSegment> segments;
};

// A value of a pattern written with $parameters (such as `@($key)` or
// `{name: $who}`). A match is bound once for every value of its parameters
// (query/match_plan.h): what such a value decides is done each time the
// statement runs, by Instantiate (query/binder.h).
struct ParamValue {
  enum class Use : uint8_t {
    kKey,       // @(…) names a node: its term id; null names none
    kTerm,      // a node property map's value, not a number: the pattern's object
    kNumber,    // a node property map's value, a number: compared by a filter
                // (44 matches 44.0), so the plan has another shape than for kTerm
    kCompared,  // a relationship's or a hop's property map value: compared by a filter
  };
  Use use = Use::kKey;
  BoundExpr value;  // constant but for its kParam nodes
  // The pattern's label around the value's literal (kTerm, kNumber).
  std::string label_before, label_after;
};

// The validity or confidence of a clause (`as of $d`) when it reads
// $parameters: evaluated into BoundQuery::fact_filters[filter] each run.
struct ParamFactFilter {
  size_t filter = 0;
  bool during = false;
  std::optional<BoundExpr> valid_from, valid_to;  // both or neither read parameters
  std::optional<BoundExpr> min_confidence;
};

struct SortKey {
  uint32_t column = 0;  // index into BoundQuery::items
  bool descending = false;
};

struct BoundQuery {
  uint32_t num_slots = 0;
  std::vector<std::string> slot_names;  // "" for hidden slots
  std::vector<BoundPattern> patterns;
  std::vector<FactVar> facts;
  std::vector<BoundExpr> filters;         // conjuncts of where
  bool impossible = false;                // a constant is absent from the store: no rows
  std::vector<BoundGroup> optionals;      // optional match clauses, in order
  std::vector<BoundGroup> exists_groups;  // exists { … } bodies
  std::vector<BoundExpr> hop_filters;     // per-hop conditions of variable-length patterns
  std::vector<FactFilter> fact_filters;   // as of, during, with confidence
  std::vector<BoundPathVar> paths;        // path variables
  // call … match: the slots of the call's yielded names, bound before any
  // pattern, and the rows giving them (input_slots.size() ids a row, set
  // by the runner once the call has run).
  std::vector<uint32_t> input_slots;
  std::vector<uint64_t> input_rows;
  // What reads $parameters, in a template (BindMatchTemplate); empty once
  // instantiated and in any query bound with its parameters' values.
  std::vector<ParamValue> param_values;
  std::vector<ParamFactFilter> param_fact_filters;
  bool reads_params = false;  // a kParam or a Ref::param anywhere
  // Output: items[0, visible) are returned; the rest only feed order by.
  std::vector<BoundExpr> items;
  std::vector<std::string> columns;
  size_t visible = 0;
  bool aggregate = false;
  bool distinct = false;
  // The result does not depend on how often a match row repeats: `return
  // distinct` without aggregates, or aggregates that are all distinct, min
  // or max (Binder::MarkEndsOnly). Reachable ends and semi-joins rely on it.
  bool rows_as_set = false;
  std::vector<SortKey> order;
  std::optional<uint64_t> skip;
  std::optional<uint64_t> limit;
  // In a template, a skip or limit given by a $parameter: Instantiate sets
  // skip or limit from it.
  std::optional<ast::Count> skip_param, limit_param;
  // Names the statement uses that nothing in the database has (a misspelled
  // property or predicate), as QueryResult::warnings lines with the place:
  // found while binding, so a cached plan keeps them and no row pays.
  std::vector<std::string> warnings;
};

}  // namespace quipu::query
