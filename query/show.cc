#include "query/show.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "query/binder.h"
#include "query/expression.h"
#include "query/operators.h"

namespace quipu::query {
namespace {

// Every triple matching `pattern`.
std::vector<storage::Triple> ScanAll(storage::ReadView* view, const storage::TriplePattern& p) {
  std::vector<storage::Triple> out;
  std::unique_ptr<storage::TripleCursor> cursor = view->Scan(p);
  while (cursor->Next(&out, kChunkRows) > 0) {
  }
  if (!cursor->status().ok()) throw QueryError(cursor->status());
  return out;
}

QueryResult Labels(storage::ReadView* view) {
  QueryResult result;
  result.is_query = true;
  result.columns = {"label", "entities"};
  const uint64_t type = ValueOrThrow(view->FindTerm(Value(Entity{kLabelPredicate})));
  if (type == 0) return result;
  std::map<std::string, int64_t> counts;  // by label key, for a stable order
  std::map<uint64_t, std::string> keys;
  for (const storage::Triple& t : ScanAll(view, {0, type, 0})) {
    auto it = keys.find(t.o);
    if (it == keys.end())
      it = keys.emplace(t.o, ValueOrThrow(view->DecodeTerm(t.o)).ToString()).first;
    ++counts[it->second];
  }
  for (const auto& [o, key] : keys) {
    result.rows.push_back({ValueOrThrow(view->DecodeTerm(o)), Value(counts[key])});
  }
  std::sort(result.rows.begin(), result.rows.end(),
            [](const auto& a, const auto& b) { return CompareForSort(a[0], b[0]) < 0; });
  return result;
}

QueryResult Predicates(storage::ReadView* view) {
  QueryResult result;
  result.is_query = true;
  result.columns = {"predicate", "facts", "subjects", "objects"};
  std::vector<std::pair<uint64_t, storage::PredicateStats>> stats;
  if (Status s = view->AllStats(&stats); !s.ok()) throw QueryError(s);
  for (const auto& [p, st] : stats) {
    result.rows.push_back({ValueOrThrow(view->DecodeTerm(p)), Value(static_cast<int64_t>(st.facts)),
                           Value(static_cast<int64_t>(st.subjects)),
                           Value(static_cast<int64_t>(st.objects))});
  }
  std::sort(result.rows.begin(), result.rows.end(),
            [](const auto& a, const auto& b) { return CompareForSort(a[0], b[0]) < 0; });
  return result;
}

// The annotations describe gives columns of their own, in column order.
constexpr const char* kDescribeColumns[] = {"since", "until", "source", "confidence"};

// One row of describe: the columns of kDescribeColumns, then the other
// annotations of the instance as one map text (null when there are none).
std::vector<Value> AnnotationColumns(storage::ReadView* view,
                                     const storage::Annotations& annotations) {
  std::vector<Value> row(std::size(kDescribeColumns) + 1);
  std::string others;
  for (const auto& [key, value] : annotations) {
    const std::string name = ValueOrThrow(view->DecodeTerm(key)).as_entity().key;
    Value v = ValueOrThrow(view->DecodeTerm(value));
    const auto column = std::find(std::begin(kDescribeColumns), std::end(kDescribeColumns), name);
    if (column != std::end(kDescribeColumns)) {
      row[static_cast<size_t>(column - std::begin(kDescribeColumns))] = std::move(v);
    } else {
      others += (others.empty() ? "{" : ", ") + name + ": " + v.ToLiteral();
    }
  }
  if (!others.empty()) row.back() = Value(others + "}");
  return row;
}

QueryResult Describe(const ast::ShowStatement& show, storage::ReadView* view) {
  QueryResult result;
  result.is_query = true;
  result.columns = {"direction", "predicate", "other"};
  for (const char* column : kDescribeColumns) result.columns.emplace_back(column);
  result.columns.emplace_back("annotations");
  const uint64_t x = ValueOrThrow(view->FindTerm(Value(show.entity)));
  if (x == 0) {
    throw QueryError(
        Status::SemanticError(FormatEntityKey(show.entity.key) + " is not in the database",
                              show.pos.line, show.pos.column));
  }
  std::vector<storage::FactInstance> instances;
  for (const bool outgoing : {true, false}) {
    std::vector<std::vector<Value>> rows;
    const storage::TriplePattern pattern =
        outgoing ? storage::TriplePattern{x, 0, 0} : storage::TriplePattern{0, 0, x};
    for (const storage::Triple& t : ScanAll(view, pattern)) {
      if (Status s = view->GetInstances(t, &instances); !s.ok()) throw QueryError(s);
      for (const storage::FactInstance& inst : instances) {
        std::vector<Value> row = {Value(outgoing ? "out" : "in"),
                                  ValueOrThrow(view->DecodeTerm(t.p)),
                                  ValueOrThrow(view->DecodeTerm(outgoing ? t.o : t.s))};
        for (Value& v : AnnotationColumns(view, inst.annotations)) row.push_back(std::move(v));
        rows.push_back(std::move(row));
      }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      for (size_t c = 1; c < a.size(); ++c) {
        if (const int cmp = CompareForSort(a[c], b[c]); cmp != 0) return cmp < 0;
      }
      return false;
    });
    for (auto& row : rows) result.rows.push_back(std::move(row));
  }
  return result;
}

}  // namespace

QueryResult RunShow(const ast::ShowStatement& show, storage::ReadView* view) {
  switch (show.what) {
    case ast::ShowStatement::What::kLabels:
      return Labels(view);
    case ast::ShowStatement::What::kPredicates:
      return Predicates(view);
    case ast::ShowStatement::What::kDescribe:
      return Describe(show, view);
  }
  return QueryResult();
}

}  // namespace quipu::query
