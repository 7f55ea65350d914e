#include "query/show.h"

#include <algorithm>
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

std::string RenderAnnotations(storage::ReadView* view, const storage::Annotations& annotations) {
  std::string out;
  for (const auto& [key, value] : annotations) {
    out += (out.empty() ? "{" : ", ") + ValueOrThrow(view->DecodeTerm(key)).as_entity().key + ": " +
           ValueOrThrow(view->DecodeTerm(value)).ToLiteral();
  }
  return out.empty() ? out : out + "}";
}

QueryResult Describe(const ast::ShowStatement& show, storage::ReadView* view) {
  QueryResult result;
  result.is_query = true;
  result.columns = {"direction", "predicate", "value", "annotations"};
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
        rows.push_back({Value(outgoing ? "out" : "in"), ValueOrThrow(view->DecodeTerm(t.p)),
                        ValueOrThrow(view->DecodeTerm(outgoing ? t.o : t.s)),
                        Value(RenderAnnotations(view, inst.annotations))});
      }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      for (size_t c = 1; c < 4; ++c) {
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
