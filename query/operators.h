// Physical operators. They pass chunks of rows of term ids. Below the output
// stage every row has one id per slot of the query (0 while a slot is
// unbound), so operators stack without re-mapping columns; from project or
// aggregate on (output_operators.h) a row holds one id per return item.
// Ids become values only when the executor hands the result out. An operator
// raises QueryError on failure or cancellation.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "query/bound.h"
#include "query/expression.h"
#include "query/memory_budget.h"
#include "query/paths/adjacency.h"
#include "query/statement_env.h"
#include "storage/store.h"

namespace quipu::query {

inline constexpr size_t kChunkRows = 1024;

struct Chunk {
  explicit Chunk(uint32_t w = 1) : width(w) {}
  uint32_t width;
  std::vector<uint64_t> data;
  size_t rows() const { return data.size() / width; }
  const uint64_t* row(size_t i) const { return data.data() + i * width; }
  uint64_t* AppendRow(const uint64_t* from) {
    const size_t at = data.size();
    data.insert(data.end(), from, from + width);
    return data.data() + at;
  }
  void Clear() { data.clear(); }
  // Appends rows of `src` from row *pos on, until this chunk holds `max` rows
  // or `src` is used up; advances *pos.
  void TakeFrom(const Chunk& src, size_t* pos, size_t max) {
    const size_t n = std::min(max - std::min(max, rows()), src.rows() - *pos);
    data.insert(data.end(), src.data.begin() + *pos * width, src.data.begin() + (*pos + n) * width);
    *pos += n;
  }
};

class FactTable;
class ValueTable;

// What every operator of one plan shares: the read view, the bound query,
// the slots' width, the computed values, and the statement's environment.
struct ExecContext {
  storage::ReadView* view = nullptr;
  const BoundQuery* query = nullptr;
  uint32_t width = 1;
  // Ids of the values the output operators compute; shared by the parts of
  // a union. Never null while a plan runs.
  ValueTable* values = nullptr;
  const StatementEnv* env = nullptr;  // never null while a plan runs

  // Raises the QueryError of a cancel or a passed time limit.
  void CheckCancel() const;
};

class Operator {
 public:
  virtual ~Operator() = default;
  // Fills `out` (cleared first) with up to kChunkRows rows; false at the end.
  // Parents call Pull, which counts rows and time for profile.
  bool Pull(Chunk* out);
  // One line for plans, e.g. "HashJoin on [a]".
  virtual std::string Describe() const = 0;
  virtual std::vector<const Operator*> Children() const { return {}; }
  double estimated_rows = 0;
  uint64_t actual_rows = 0;
  uint64_t nanos = 0;  // inclusive of the children's time

 protected:
  virtual bool Next(Chunk* out) = 0;
};

// Matches one pattern given the slots already bound; shared by scan, bind
// join, the build side of hash join and the groups of optional and exists.
class Matcher {
 public:
  virtual ~Matcher() = default;
  // Begins matching the extensions of `row` (copied).
  virtual void Start(const uint64_t* row) = 0;
  // Appends matches to `out` until it holds `max` rows. Returns false once
  // every extension of the started row has been appended.
  virtual bool Fill(Chunk* out, size_t max) = 0;
  virtual std::string Describe() const = 0;
};

// A PatternMatcher for a fixed pattern, a PathMatcher (path_matcher.h) for a
// variable-length one.
std::unique_ptr<Matcher> MakeMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                                     std::vector<bool> bound);

// Matches one triple pattern (or a lone node) through the indexes.
class PatternMatcher final : public Matcher {
 public:
  PatternMatcher(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound);
  ~PatternMatcher() override;
  void Start(const uint64_t* row) override;
  bool Fill(Chunk* out, size_t max) override;
  std::string Describe() const override;

 private:
  bool FillNodes(Chunk* out, size_t max);
  // The id of rdf:type (0 when never stored), looked up once per matcher.
  uint64_t LabelPredicate();
  std::optional<uint64_t> label_predicate_;
  void LoadNodes();
  bool HasFacts(uint64_t id);

  const ExecContext* ctx_;
  BoundPattern pattern_;
  std::vector<bool> bound_;  // slots bound before this pattern
  std::vector<uint64_t> input_;
  std::vector<uint64_t> scratch_;
  std::unique_ptr<storage::TripleCursor> cursor_;
  // An undirected pattern reads (s, p, o) and then (o, p, s), two
  // permutations: each direction keeps its own cursor to reseek, since a
  // cursor reseeks only within its permutation and opening one costs a
  // RocksDB iterator. cursor_ is the back one while back_in_use_.
  std::unique_ptr<storage::TripleCursor> other_cursor_;
  bool back_in_use_ = false;
  std::vector<storage::Triple> triples_;
  std::vector<uint8_t> annotated_;  // per triple: storage::InstanceHint
  size_t triple_pos_ = 0;
  std::vector<storage::FactInstance> instances_;
  size_t instance_pos_ = 0;
  std::vector<uint64_t> nodes_;  // node scans: every entity with a fact, sorted
  MemoryCharge nodes_charge_;
  bool nodes_loaded_ = false;
  size_t node_pos_ = 0;
  bool null_input_ = false;
  storage::TriplePattern pattern_ids_;  // the started row's pattern, 0 = unbound
  bool reversed_ = false;               // undirected: scanning (o, p, s)
  // Reading BoundPattern::object_choices: the index of the one read now,
  // or -1 when the started row's scan does not use them.
  int choice_ = -1;
  // A whole predicate's facts with their instances (fact_table.h), walked
  // instead of cursor_ when from_table_; triples_[0] is fact table_base_.
  bool UseFactTable(const storage::TriplePattern& tp);
  size_t NextFromTable();
  std::shared_ptr<const FactTable> table_;
  MemoryCharge table_charge_;
  bool from_table_ = false;
  size_t table_base_ = 0, table_next_ = 0;
  // The predicate's hops read whole (paths/adjacency.h), walked instead of
  // cursor_ when from_adjacency_: the started row's neighbours.
  bool UseAdjacency(const storage::TriplePattern& tp);
  bool FillFromAdjacency(Chunk* out, size_t max);
  std::shared_ptr<const paths::Adjacency> adjacency_;
  MemoryCharge adjacency_charge_;
  uint64_t adjacency_predicate_ = 0, adjacency_facts_ = 0;
  uint64_t adjacency_probes_ = 0, adjacency_threshold_ = 0;
  // The probes earlier statements made (adjacency_probes_ counts on from
  // them), reported with this matcher's own to adjacency_cache_ when it ends
  // or moves to another predicate.
  void ReportProbes();
  paths::AdjacencyCache* adjacency_cache_ = nullptr;
  paths::AdjacencyKey adjacency_key_;
  uint64_t adjacency_base_ = 0, adjacency_version_ = 0;
  bool from_adjacency_ = false;
  std::span<const uint64_t> neighbours_;
  size_t neighbour_pos_ = 0;
};

// The matches of one pattern whose predicate variable is limited to
// `predicates` (sorted, distinct; Estimator::PredicateChoices): a
// PatternMatcher per predicate with it fixed, one after another, each
// with what a fixed predicate reads fast (its lists, adjacency, fact table).
class ChoiceMatcher final : public Matcher {
 public:
  ChoiceMatcher(const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound,
                const std::vector<uint64_t>& predicates);
  void Start(const uint64_t* row) override;
  bool Fill(Chunk* out, size_t max) override;
  std::string Describe() const override;

 private:
  uint32_t slot_;  // the predicate variable's
  std::string label_;
  std::vector<uint64_t> predicates_;
  std::vector<std::unique_ptr<PatternMatcher>> matchers_;
  std::vector<uint64_t> row_;
  size_t current_ = 0;
};

// `predicates`: see ChoiceMatcher.
std::unique_ptr<Matcher> MakeMatcher(const ExecContext* ctx, const BoundPattern& pattern,
                                     std::vector<bool> bound,
                                     const std::optional<std::vector<uint64_t>>& predicates);

std::unique_ptr<Operator> MakeScan(
    const ExecContext* ctx, const BoundPattern& pattern, std::vector<bool> bound,
    const std::optional<std::vector<uint64_t>>& predicates = std::nullopt);
// For each left row, the pattern's matches. `semi`: the left row itself,
// once, when the pattern has a match (nothing it would bind is read).
std::unique_ptr<Operator> MakeBindJoin(
    const ExecContext* ctx, std::unique_ptr<Operator> left, const BoundPattern& pattern,
    std::vector<bool> bound, bool semi = false,
    const std::optional<std::vector<uint64_t>>& predicates = std::nullopt);
// For each left row, the ids of `slot` that every pattern reaches from its
// other end, bound by the row or constant (a multiway join: intersect_join.cc).
// REQUIRES: each pattern has a fixed predicate, reads nothing of the fact,
// and has `slot` at exactly one end.
std::unique_ptr<Operator> MakeIntersectJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                            std::vector<const BoundPattern*> patterns,
                                            uint32_t slot);
// Builds a hash table of `right` keyed on `keys` and probes it with `left`;
// with no keys it is a cross product. `semi`: each left row once, when it
// has a match, with nothing of the right row copied.
std::unique_ptr<Operator> MakeHashJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       std::unique_ptr<Operator> right, std::vector<uint32_t> keys,
                                       std::vector<bool> right_slots, bool semi = false);
// Both inputs ordered by `key` (ascending ids): reads each once, in step,
// and joins the rows with equal keys.
std::unique_ptr<Operator> MakeMergeJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                        std::unique_ptr<Operator> right, uint32_t key,
                                        std::vector<bool> right_slots);
std::unique_ptr<Operator> MakeFilter(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                     std::vector<const BoundExpr*> conditions);
// For each input row, its extensions by an optional match's patterns, or
// the row itself with the group's variables null when there are none.
std::unique_ptr<Operator> MakeLeftJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       const BoundGroup& group, std::vector<bool> bound);
// Keeps the rows that have an extension by the group's patterns (a where
// condition `exists { … }`), or with `anti` those that have none
// (`not exists { … }`).
std::unique_ptr<Operator> MakeSemiJoin(const ExecContext* ctx, std::unique_ptr<Operator> left,
                                       const BoundGroup& group, bool anti);
// Produces one empty row: the input of a query without patterns.
std::unique_ptr<Operator> MakeSingleRow(const ExecContext* ctx);
// Produces the query's input rows (BoundQuery::input_rows) in its slots.
std::unique_ptr<Operator> MakeInputRows(const ExecContext* ctx);
// Produces no rows: a query with a constant the store has never seen.
std::unique_ptr<Operator> MakeEmpty();

}  // namespace quipu::query
