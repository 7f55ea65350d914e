// The output stage as operators over ids. Project and Aggregate turn rows of
// slots into rows of return items (one id per item of BoundQuery::items, in
// order; computed values get ids from ExecContext::values); Distinct, Sort
// (or top-k), Limit and Union pass such item rows on. Nothing is decoded
// here except the keys Sort compares.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "query/operators.h"

namespace quipu::query {

// Item rows from slot rows: a node or relationship item copies its id, any
// other item is evaluated and its value given an id.
std::unique_ptr<Operator> MakeProject(const ExecContext* ctx, std::unique_ptr<Operator> child);

// Hash aggregation: groups slot rows by the ids of the items that are not
// aggregates and folds the aggregates per group. With `ordered` it emits
// the groups ordered by their key values (a query without order by still
// gets a stable, readable order), which decodes every group's key; without,
// in the order they were first seen (a sort after it orders them, with the
// keys as its tie-breaks). Without input and without grouping items it
// emits one row (count 0, other aggregates null).
std::unique_ptr<Operator> MakeAggregate(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                        bool ordered = true);

// Counting without listing (degree_aggregate.cc): when the statement
// groups one end of its one fixed-predicate pattern and only counts the
// other (count(*), count(x), count(distinct x)), its groups in no order from
// the predicate's adjacency, kept per store version, instead of *match and
// an aggregate over its rows. Null when the statement is not of that form
// (then *match is untouched) or the engine keeps no adjacency.
std::unique_ptr<Operator> MakeDegreeAggregate(const ExecContext* ctx,
                                              std::unique_ptr<Operator>* match);

// A top-k by an annotation of the statement's one relationship (fact_top_k.cc):
// when the statement matches one fixed-predicate pattern with a relationship
// variable and nothing else, and its first sort key is that variable's
// annotation (h.since), the slot rows the top-k of `keep` could keep, read
// on ids from the predicate's fact table, to go into Project and the
// top-k instead of *match. Null when the statement is not of that form
// (then *match is untouched); the match itself runs when no table can be read.
std::unique_ptr<Operator> MakeFactTopK(const ExecContext* ctx, std::unique_ptr<Operator>* match,
                                       size_t keep);

// Drops item rows whose first `columns` ids equal an earlier row's.
std::unique_ptr<Operator> MakeDistinct(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                       size_t columns);

// Sorts item rows by `keys`, then by `ties` (not shown in plans), then by
// their input order (stable). With keep > 0 it is a top-k: it holds only
// the best `keep` rows while reading. Keys are compared on their ids where
// those decide (query/id_compare.h) and decoded, once a row, where not.
std::unique_ptr<Operator> MakeSort(const ExecContext* ctx, std::unique_ptr<Operator> child,
                                   std::vector<SortKey> keys, size_t keep,
                                   const std::vector<SortKey>& ties = {});

// Skips `skip` rows, then passes at most `limit` (all when unset) and stops
// reading its input once it has them.
std::unique_ptr<Operator> MakeLimit(std::unique_ptr<Operator> child, uint64_t skip,
                                    std::optional<uint64_t> limit);

// One part of a union: its plan, whether the union that adds it is `union
// all` (ignored for the first part), and which of its columns hold store
// term ids (nodes, relationships) rather than computed values.
struct UnionPart {
  std::unique_ptr<Operator> root;
  bool all = false;
  std::vector<bool> term_columns;
};

// Concatenates the parts' first `columns` item columns. Rows gathered up to
// the last part added by `union` (not `union all`) are made distinct, as in
// SQL: "a union all b union c" is distinct over a, b and c.
std::unique_ptr<Operator> MakeUnion(const ExecContext* ctx, std::vector<UnionPart> parts,
                                    size_t columns);

}  // namespace quipu::query
