#include "query/call.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "query/binder.h"
#include "query/expression.h"
#include "query/operators.h"
#include "query/ownership_store.h"
#include "query/run_match.h"

namespace quipu::query {
namespace {

constexpr const char* kColumns[] = {"controller", "share", "ultimate"};
// Control in the usual sense: a majority.
constexpr double kDefaultThreshold = 0.5;

struct ControllersArguments {
  Value entity;  // an entity, or null
  double threshold = kDefaultThreshold;
};

ControllersArguments CheckArguments(const ast::CallStatement& call, const Params& params) {
  const ast::CallStatement::Argument* entity = nullptr;
  const ast::CallStatement::Argument* threshold = nullptr;
  size_t positional = 0;
  for (const ast::CallStatement::Argument& arg : call.args) {
    if (arg.name.empty()) {
      if (positional++ == 0) entity = &arg;
      continue;
    }
    if (arg.name != "threshold") {
      FailAt(
          "controllers() has no argument '" + arg.name + "' (it takes an entity and threshold: t)",
          arg.name_pos);
    }
    if (threshold != nullptr) FailAt("threshold is given twice", arg.name_pos);
    threshold = &arg;
  }
  if (positional != 1) {
    FailAt(fmt::format("controllers() takes 1 entity and an optional threshold: t, got {} "
                       "positional arguments",
                       positional),
           call.procedure_pos);
  }
  ControllersArguments out;
  out.entity = ValueOrThrow(EvaluateConstant(*entity->value, params));
  if (!out.entity.is_null() && out.entity.type() != Value::Type::kEntity) {
    FailAt(fmt::format("type mismatch: controllers() needs an entity, got {}",
                       TypeName(out.entity.type())),
           entity->pos);
  }
  if (threshold != nullptr) {
    const Value t = ValueOrThrow(EvaluateConstant(*threshold->value, params));
    if (!t.is_numeric() || !(t.as_number() > 0 && t.as_number() <= 1)) {
      FailAt("controllers(): the threshold must be a number greater than 0 and at most 1, got " +
                 t.ToLiteral(),
             threshold->pos);
    }
    out.threshold = t.as_number();
  }
  return out;
}

// The yielded columns as indexes into kColumns, with their names.
std::vector<size_t> YieldedColumns(const ast::CallStatement& call,
                                   std::vector<std::string>* names) {
  std::vector<size_t> picked;
  if (call.yield.empty()) {
    for (size_t i = 0; i < std::size(kColumns); ++i) {
      picked.push_back(i);
      names->push_back(kColumns[i]);
    }
    return picked;
  }
  for (const ast::CallStatement::YieldItem& item : call.yield) {
    const auto* found = std::find(std::begin(kColumns), std::end(kColumns), item.column);
    if (found == std::end(kColumns)) {
      FailAt("controllers() yields no column '" + item.column +
                 "' (its columns are controller, share and ultimate)",
             item.pos);
    }
    if (std::find(names->begin(), names->end(), item.name) != names->end()) {
      FailAt("column name '" + item.name + "' is used twice; rename one with 'as'", item.pos);
    }
    picked.push_back(static_cast<size_t>(found - std::begin(kColumns)));
    names->push_back(item.name);
  }
  return picked;
}

// order by, skip and limit over the yielded columns, by name.
void OrderAndLimit(const ast::CallStatement& call, const Params& params, QueryResult* result) {
  std::vector<SortKey> keys;
  for (const ast::OrderItem& item : call.order) {
    const ast::Expr& e = *item.expr;
    const auto& columns = result->columns;
    const auto found = e.kind == ast::Expr::Kind::kVariable
                           ? std::find(columns.begin(), columns.end(), e.name)
                           : columns.end();
    if (found == columns.end()) {
      FailAt("order by after call must name a yielded column", e.pos);
    }
    keys.push_back(SortKey{static_cast<uint32_t>(found - columns.begin()), item.descending});
  }
  auto& rows = result->rows;
  std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    for (const SortKey& k : keys) {
      const int c = CompareForSort(a[k.column], b[k.column]);
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return false;
  });
  const uint64_t skip_count = call.skip ? CountValue(*call.skip, params, "skip") : 0;
  const size_t skip = std::min<uint64_t>(skip_count, rows.size());
  rows.erase(rows.begin(), rows.begin() + static_cast<long>(skip));
  if (call.limit) {
    const uint64_t limit = CountValue(*call.limit, params, "limit");
    if (limit < rows.size()) rows.resize(limit);
  }
}

}  // namespace

QueryResult RunCall(const ast::CallStatement& call, storage::ReadView* view,
                    const StatementEnv& env) {
  std::string name = call.procedure;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (name != "controllers") {
    FailAt("unknown procedure '" + call.procedure + "' (the one procedure is controllers)",
           call.procedure_pos);
  }
  const ControllersArguments args = CheckArguments(call, *env.params);
  QueryResult result;
  result.is_query = true;
  const std::vector<size_t> picked = YieldedColumns(call, &result.columns);
  if (!args.entity.is_null()) {
    ExecContext ctx;
    ctx.view = view;
    ctx.env = &env;  // the deadline included, which this once forgot
    StoreOwnership ownership(view, &ctx);
    for (const Controller& c : ownership.Controllers(args.entity.as_entity(), args.threshold,
                                                     call.procedure_pos, &result.warnings)) {
      const Value all[] = {c.entity, Value(c.share), Value(c.ultimate)};
      std::vector<Value> row;
      for (size_t i : picked) row.push_back(all[i]);
      result.rows.push_back(std::move(row));
    }
  }
  if (call.then != nullptr) return RunMatchOver(*call.then, result, view, env);
  OrderAndLimit(call, *env.params, &result);
  return result;
}

}  // namespace quipu::query
