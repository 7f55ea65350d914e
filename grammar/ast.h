// The abstract syntax tree of a statement, as the parser produces it and the
// binder consumes it. Positions are 1-based line and column in the source.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "quipu/value.h"

namespace quipu::ast {

struct Pos {
  uint32_t line = 0;
  uint32_t column = 0;
};

// The n of `skip n` or `limit n`: a number, or the $parameter giving it
// (query/ checks the parameter's value when the statement runs).
struct Count {
  uint64_t value = 0;
  std::string param;  // the parameter's name without '$'; empty for a number
  Pos pos;
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct MatchClause;

struct Expr {
  enum class Kind : uint8_t {
    kLiteral,        // literal
    kEntityRef,      // literal holds the Entity
    kVariable,       // name
    kProperty,       // args[0].name
    kUnary,          // name is the operator: "not", "-"
    kBinary,         // name is the operator: or and = <> < <= > >= + - * / %
    kFunction,       // name(args...), distinct for count(distinct x)
    kCountStar,      // count(*)
    kList,           // [args...]
    kParameter,      // $name
    kCase,           // name "simple": args = subject, (when, then)*, else?
                     // name "searched": args = (condition, then)*, else?
    kExists,         // exists { pattern [where …] }: true when it has a match
    kComprehension,  // [name in args[0] where args[1] | args[2]]; name_pos: the variable's
  };
  Kind kind = Kind::kLiteral;
  Pos pos;       // where the expression starts
  Pos name_pos;  // kProperty: where the property name is
  Value literal;
  std::string name;
  std::vector<ExprPtr> args;
  bool distinct = false;
  bool has_else = false;                // kCase
  std::shared_ptr<MatchClause> exists;  // kExists: the pattern to look for
};

using PropertyMap = std::vector<std::pair<std::string, ExprPtr>>;

struct NodePattern {
  Pos pos;
  std::string variable;          // empty when anonymous
  std::optional<Entity> entity;  // @key or <iri>
  ExprPtr key;                   // @(part, …): the key computed (a function "@")
  std::vector<std::string> labels;
  PropertyMap properties;
};

struct RelPattern {
  // (a)-[]->(b), (a)<-[]-(b), (a)-[]-(b)
  enum class Direction : uint8_t { kOut, kIn, kBoth };
  Pos pos;
  std::string variable;
  std::optional<Entity> predicate;
  std::vector<Entity> alternatives;  // -[:a|b|c]->: b and c
  Direction direction = Direction::kOut;
  PropertyMap properties;
  // -[:p*min..max where …]->: a variable-length relationship.
  bool var_length = false;
  Pos hops_pos;
  uint32_t min_hops = 1;
  std::optional<uint32_t> max_hops;  // unset: no upper bound
  ExprPtr hop_where;                 // a condition every hop must pass
};

// [path =] [shortest | all shortest | acyclic] chain [by sum(…)], where a
// chain is node (rel node)*: nodes.size() == rels.size() + 1.
struct PathPattern {
  enum class Mode : uint8_t { kTrail, kAcyclic, kShortest, kAllShortest };
  std::string variable;  // the path variable, empty when none
  Pos variable_pos;
  Mode mode = Mode::kTrail;
  Pos mode_pos;
  ExprPtr weight;  // `by sum(x.key)`: the sum() call
  std::vector<NodePattern> nodes;
  std::vector<RelPattern> rels;
};

struct ReturnItem {
  ExprPtr expr;
  std::string name;  // the alias, or the expression's text
  Pos pos;
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
};

// One match, optional match or exists { … } body: patterns and the
// conditions of its where.
struct MatchClause {
  Pos pos;
  bool optional = false;
  std::vector<PathPattern> patterns;
  std::vector<ExprPtr> where;
  // Which facts the patterns may match: valid at `valid_from` (as of) or
  // during [valid_from, valid_to]; with at least `min_confidence`.
  ExprPtr valid_from, valid_to;
  bool during = false;
  ExprPtr min_confidence;
};

struct MatchStatement {
  std::vector<MatchClause> clauses;  // in the order written
  bool distinct = false;
  std::vector<ReturnItem> items;
  std::vector<OrderItem> order;
  std::optional<Count> skip;
  std::optional<Count> limit;
};

struct InsertStatement {
  std::vector<PathPattern> patterns;
};

struct DeleteStatement {
  std::vector<PathPattern> patterns;
};

// [match … [where …]] set target.key = value, target:Label, …
// The parser turns the targets and values into return items of `match`
// (target i is item 2i, its value item 2i + 1), so the match machinery finds
// the rows and computes the values; the executor then writes.
struct SetStatement {
  struct Item {
    Pos pos;
    std::string property;  // set x.property = value (null removes it)
    std::string label;     // set x:Label
  };
  MatchStatement match;
  std::vector<Item> items;
};

// merge pattern, …: insert each fact whose triple is absent; a triple that
// already holds (with any annotations) is left as it is.
struct MergeStatement {
  std::vector<PathPattern> patterns;
};

// show labels | show predicates | describe @x
struct ShowStatement {
  enum class What : uint8_t { kLabels, kPredicates, kDescribe };
  What what = What::kLabels;
  Entity entity;  // kDescribe
  Pos pos;
};

// search "text" [limit n]: entities ranked by how well one of their names
// matches the text (query/search.h).
struct SearchStatement {
  ExprPtr text;  // a string literal or a $parameter
  std::optional<Count> limit;
};

// backup to 'dir': a copy of the database as of one moment in the new
// directory `dir` (Engine::Backup).
struct BackupStatement {
  std::string dir;
  Pos dir_pos;
};

// load 'file' [format f] [on error skip], load csv 'file' as nodes/edges/rows …,
// load jsonl 'file' format ftm.
struct LoadStatement {
  enum class Source : uint8_t { kRdf, kCsvNodes, kCsvEdges, kCsvRows, kJsonl };
  Source source = Source::kRdf;
  std::string path;
  Pos path_pos;
  std::string format;  // ntriples, nquads, turtle, ftm; empty: by the file's extension
  bool skip_errors = false;
  std::string label;        // csv nodes: the label of every row
  std::string key_column;   // csv nodes: the column holding the entity key
  std::string predicate;    // csv edges: the predicate's key
  std::string from_column;  // csv edges: the column of the subject's key
  std::string to_column;    // csv edges: the column of the object's key
  // csv rows: `as rows r [where filter] insert patterns`, written once per row.
  std::string row_variable;
  ExprPtr row_filter;  // null without where
  std::vector<PathPattern> row_patterns;
  // csv: a column of percentages, stored as fractions (`share in percent`)
  std::string percent_column;
};

// call procedure(arguments) [yield column [as name], …] [order by …]
// [skip n] [limit n]
struct CallStatement {
  struct Argument {
    std::string name;  // `name: value`; empty for a positional argument
    Pos name_pos;
    Pos pos;  // where the value starts
    ExprPtr value;
  };
  struct YieldItem {
    std::string column;
    std::string name;  // the alias, else the column
    Pos pos;
  };
  std::string procedure;
  Pos procedure_pos;
  std::vector<Argument> args;
  std::vector<YieldItem> yield;  // empty: every column
  std::vector<OrderItem> order;
  std::optional<Count> skip;
  std::optional<Count> limit;
  // call … [yield …] match … return …: a match that starts from the call's
  // rows, its yielded names bound in each (order, skip and limit are then
  // the match's). Null for a call alone.
  std::unique_ptr<MatchStatement> then;
};

struct Statement;

struct Statement {
  // kExplainWhy: match.clauses[0] holds the pattern (every node and
  // relationship named; the parser names anonymous ones "why#…").
  enum class Kind : uint8_t {
    kMatch,
    kInsert,
    kDelete,
    kLoad,
    kSet,
    kMerge,
    kShow,
    kPrefix,
    kExplainWhy,
    kCall,
    kSearch,
    kBackup,
  };
  // explain: plan only; profile: run and measure. Both wrap a match.
  enum class Mode : uint8_t { kRun, kExplain, kProfile };
  Kind kind = Kind::kMatch;
  Mode mode = Mode::kRun;
  Pos pos;
  std::string text;  // the statement's source text, without the ';'
  MatchStatement match;
  // union [all] parts after the first: each a match with the same columns.
  std::vector<MatchStatement> union_parts;
  std::vector<bool> union_all;  // per part: union all (keep duplicates)
  std::vector<Pos> union_pos;
  InsertStatement insert;
  SetStatement set;
  MergeStatement merge;
  ShowStatement show;
  SearchStatement search;
  // prefix name: <namespace>: later <name:local> IRIs expand to namespace + local.
  std::string prefix_name;
  std::string prefix_namespace;
  DeleteStatement del;
  LoadStatement load;
  CallStatement call;
  BackupStatement backup;
};

}  // namespace quipu::ast
