// Evaluation of bound expressions over a row of term ids, and the value
// comparisons the language defines.
#pragma once

#include <re2/re2.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "query/bound.h"
#include "query/decode_cache.h"
#include "query/text_match.h"
#include "quipu/status.h"
#include "storage/store.h"

namespace quipu::query {

class FactTable;
class PropertyColumn;

// Raised inside query/ for errors found while running a statement; the
// executor turns it into a Status.
class QueryError : public std::runtime_error {
 public:
  explicit QueryError(Status status)
      : std::runtime_error(status.message()), status_(std::move(status)) {}
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// A semantic error at a position of the statement.
[[noreturn]] inline void FailAt(const std::string& msg, ast::Pos pos) {
  throw QueryError(Status::SemanticError(msg, pos.line, pos.column));
}

// The value of `r`, or its error raised as a QueryError.
template <typename T>
T ValueOrThrow(Result<T> r) {
  if (!r.ok()) throw QueryError(r.status());
  return std::move(*r);
}

// Total order used by order by: null first, then by type (booleans, numbers,
// strings, language-tagged strings, dates, datetimes, entities), numbers
// compared by value.
int CompareForSort(const Value& a, const Value& b);

// The comparison of the = < ... operators: nullopt when either side is null or
// the types are not comparable (a number and a string, say).
std::optional<int> CompareForFilter(const Value& a, const Value& b);

struct ExecContext;
class GroupMatcher;
class StoreOwnership;
class TermCache;

class Evaluator {
 public:
  Evaluator(storage::ReadView* view, const std::vector<FactVar>* facts);
  ~Evaluator();
  // Needed for exists { … }: the query and its row layout.
  void set_context(const ExecContext* ctx);
  // A cache of committed terms shared across statements; may be null.
  void set_term_cache(TermCache* cache) { shared_cache_ = cache; }
  // The hop a per-hop condition is tested on: its fact's annotations (null
  // outside a per-hop condition) and the fact itself.
  void set_hop(const storage::Annotations* hop, storage::Triple fact = {}) {
    hop_ = hop;
    hop_fact_ = fact;
  }
  // The fields that kField expressions read (a row of `load … as rows`);
  // must outlive the evaluations.
  void set_fields(const std::vector<Value>* fields) { fields_ = fields; }

  Value Eval(const BoundExpr& e, const uint64_t* row);
  // The id of e's value when e reads a term without computing anything (a
  // variable, a property, an annotation, a relationship's predicate, a
  // constant the store holds or an inline one): true with *id set, 0 for
  // null; nothing is decoded. False when e must be evaluated (Eval).
  bool EvalId(const BoundExpr& e, const uint64_t* row, uint64_t* id);
  // True only when the expression is true (null and false reject).
  // A where condition: true keeps the row, false and null drop it, any other
  // type is an error.
  bool Test(const BoundExpr& e, const uint64_t* row);
  Value Decode(uint64_t id);

 private:
  uint64_t Resolve(const Ref& ref, const uint64_t* row) const {
    return ref.is_slot ? row[ref.slot] : ref.id;
  }
  // A relationship variable's value, its predicate; 0 (null) when the row
  // holds no fact for it: an end unbound, as an optional match that found
  // nothing leaves it, whatever the pattern's fixed predicate.
  uint64_t FactPredicateId(const FactVar& f, const uint64_t* row) const {
    if ((f.s.is_slot && row[f.s.slot] == 0) || (f.o.is_slot && row[f.o.slot] == 0)) return 0;
    return Resolve(f.p, row);
  }
  // The id of the annotation e.key_id of the row's instance of e.fact.
  uint64_t FactPropertyId(const BoundExpr& e, const uint64_t* row);
  // Predicate p's facts read whole (fact_table.h) when a scan of this
  // statement's store version has kept them; null otherwise.
  const FactTable* FactTableOf(uint64_t p);
  Value Binary(const BoundExpr& e, const uint64_t* row);
  // = <> < <= > >= on ids where they decide (query/id_compare.h); nullopt
  // when an operand needs evaluating or the values must be compared, with
  // what was read kept in *a and *b so nothing is read twice.
  std::optional<Value> CompareOnIds(const BoundExpr& e, const uint64_t* row, Value* a, Value* b,
                                    bool* have_values);
  // The id of a constant: inline, or looked up in the store once; false
  // when the store does not hold it.
  bool ConstantId(const BoundExpr& e, uint64_t* id);
  Value StringTest(const BoundExpr& e, const Value& a, const Value& b);
  Value Function(const BoundExpr& e, const uint64_t* row);
  // ownership(a, b) over the view; what it reads is kept for later rows.
  Value Ownership(const BoundExpr& e, const uint64_t* row);
  Value Case(const BoundExpr& e, const uint64_t* row);
  uint64_t HopPropertyId(const BoundExpr& e);
  uint64_t HopNodePropertyId(const BoundExpr& e);
  // The id of the property e.key_id of `subject` (the smallest object), 0
  // when it has none: a point lookup, no cursor, remembered.
  uint64_t PropertyIdOf(uint64_t subject, const BoundExpr& e);
  // Predicate p read whole (property_column.h) once this evaluator's
  // lookups of it pass the cost of reading it; null before, or without the
  // cache (statements that write).
  const PropertyColumn* PropertyColumnOf(uint64_t p);
  struct PropertyLookups {
    uint64_t count = 0, threshold = 0;
    std::shared_ptr<const PropertyColumn> column;
  };
  std::unordered_map<uint64_t, PropertyLookups> property_lookups_;
  Value BuildPath(const BoundExpr& e, const uint64_t* row);
  Value PathProperty(const BoundExpr& e, const uint64_t* row);
  Value AllValues(const BoundExpr& e, const uint64_t* row);
  // The term id of the node a property is read from: a row slot, or a
  // comprehension's item (looked up: an item is a value); 0 when it is
  // not an entity the store holds.
  uint64_t NodeIdOf(const BoundExpr& node, const uint64_t* row);
  Value Comprehension(const BoundExpr& e, const uint64_t* row);
  // The current item of each comprehension, by its local number.
  std::vector<Value> locals_;
  std::unordered_map<std::string, uint64_t> local_ids_;  // entity key → term id
  // The annotations of the instance `hash` of `t` (reads the store).
  std::vector<std::pair<std::string, Value>> InstanceAnnotations(const storage::Triple& t,
                                                                 uint64_t hash);
  static Value In(const Value& a, const Value& list, ast::Pos pos);
  // `x in [<a>, <b>, …]` with x an entity on ids: an entity equals only
  // itself, so the list's entities are looked up once and x's id is sought
  // among them; nullopt when x is not an entity or the list not a constant.
  std::optional<Value> InOnIds(const BoundExpr& e, const uint64_t* row);
  struct EntityIds {
    std::vector<uint64_t> ids;  // sorted; the list's entities the store holds
    bool has_null = false;
    bool usable = false;  // the right side is a constant list
  };
  Value MatchWords(const Value& text, const Value& pattern, ast::Pos pos);
  // The compiled pattern, cached per evaluator.
  const RE2& Regex(const std::string& pattern, ast::Pos pos);

  bool Exists(const BoundExpr& e, const uint64_t* row);

  std::shared_ptr<const FactTable> fact_table_;
  uint64_t fact_table_asked_ = 0;     // the predicate FactTableOf looked up last
  size_t fact_table_row_ = SIZE_MAX;  // the fact of fact_table_ found last

  storage::ReadView* view_;
  const std::vector<FactVar>* facts_;
  const ExecContext* ctx_ = nullptr;
  TermCache* shared_cache_ = nullptr;
  const storage::Annotations* hop_ = nullptr;
  storage::Triple hop_fact_;
  const std::vector<Value>* fields_ = nullptr;
  std::unordered_map<int, std::unique_ptr<GroupMatcher>> exists_;
  std::unique_ptr<StoreOwnership> ownership_;
  DecodeCache cache_;
  PropertyCache properties_;
  std::unordered_map<const BoundExpr*, uint64_t> constant_ids_;  // 0: not in the store
  std::unordered_map<const BoundExpr*, EntityIds> in_lists_;
  std::unordered_map<std::string, std::unique_ptr<RE2>> regexes_;
  std::unique_ptr<WordPattern> word_pattern_;     // the last right side of `~`
  std::vector<storage::FactInstance> instances_;  // of the fact instances_of_
  storage::Triple instances_of_;
  bool instances_valid_ = false;
};

}  // namespace quipu::query
