// List and path functions: head, last, a path's nodes and facts, and the
// folds of a list (product, and sum, min, max and avg, which the binder
// reaches only for a path's list, as in sum(path.amount): over rows they
// are aggregates).
#include <fmt/format.h>

#include <cstdint>

#include "query/expression.h"
#include "query/functions/registry.h"
#include "query/number_sum.h"

namespace quipu::query {
namespace {

Value Head(const FunctionArgs& args) {
  const ValueList& items = args.Arg(0, Value::Type::kList, "a list").as_list();
  if (items.empty()) return Value();
  return items.front();
}

Value Last(const FunctionArgs& args) {
  const ValueList& items = args.Arg(0, Value::Type::kList, "a list").as_list();
  if (items.empty()) return Value();
  return items.back();
}

Value Nodes(const FunctionArgs& args) {
  const Path& path = args.Arg(0, Value::Type::kPath, "a path").as_path();
  return Value(ValueList(path.nodes.begin(), path.nodes.end()));
}

// Each hop as a path of one fact.
Value Facts(const FunctionArgs& args) {
  const Path& path = args.Arg(0, Value::Type::kPath, "a path").as_path();
  ValueList facts;
  for (size_t i = 0; i < path.hops.size(); ++i) {
    facts.emplace_back(Path{{path.nodes[i], path.nodes[i + 1]}, {path.hops[i]}});
  }
  return Value(std::move(facts));
}

enum class ListFold { kProduct, kSum, kMin, kMax, kAvg };

// product, sum, min, max, avg of a list (path.share, path.amount): null when
// the list is empty or any item is null (a hop without the value makes the
// whole unknown); integers stay integers while they fit.
Value Fold(const FunctionArgs& args, ListFold fold) {
  const ValueList& items = args.Arg(0, Value::Type::kList, "a list").as_list();
  if (items.empty()) return Value();
  const bool ordered = fold == ListFold::kMin || fold == ListFold::kMax;
  for (const Value& v : items) {
    if (v.is_null()) return Value();
    if (!ordered && !v.is_numeric()) {
      args.Bad(fmt::format("needs numbers, got {}", TypeName(v.type())));
    }
  }
  if (ordered) {
    Value best = items[0];
    for (const Value& v : items) {
      const int c = CompareForSort(v, best);
      if (fold == ListFold::kMin ? c < 0 : c > 0) best = v;
    }
    return best;
  }
  if (fold == ListFold::kSum) {
    NumberSum sum;
    for (const Value& v : items) sum.Add(v);
    return sum.Result();
  }
  const bool product = fold == ListFold::kProduct;
  bool ints = fold != ListFold::kAvg;
  int64_t acc = product ? 1 : 0;
  double dacc = acc;
  for (const Value& v : items) {
    if (ints && v.type() == Value::Type::kInt) {
      int64_t next = 0;
      const bool overflow = product ? __builtin_mul_overflow(acc, v.as_int(), &next)
                                    : __builtin_add_overflow(acc, v.as_int(), &next);
      if (!overflow) {
        acc = next;
        dacc = static_cast<double>(acc);
        continue;
      }
    }
    ints = false;
    dacc = product ? dacc * v.as_number() : dacc + v.as_number();
  }
  if (fold == ListFold::kAvg) return Value(dacc / static_cast<double>(items.size()));
  return ints ? Value(acc) : Value(dacc);
}

Value Product(const FunctionArgs& args) { return Fold(args, ListFold::kProduct); }
Value Sum(const FunctionArgs& args) { return Fold(args, ListFold::kSum); }
Value Min(const FunctionArgs& args) { return Fold(args, ListFold::kMin); }
Value Max(const FunctionArgs& args) { return Fold(args, ListFold::kMax); }
Value Avg(const FunctionArgs& args) { return Fold(args, ListFold::kAvg); }

}  // namespace

void RegisterListFunctions(FunctionRegistry* registry) {
  registry->Add({
      FunctionDef{"head", 1, 1, Head},
      FunctionDef{"last", 1, 1, Last},
      FunctionDef{"nodes", 1, 1, Nodes},
      FunctionDef{"facts", 1, 1, Facts},
      FunctionDef{"product", 1, 1, Product},
      FunctionDef{"sum", 1, 1, Sum},
      FunctionDef{"min", 1, 1, Min},
      FunctionDef{"max", 1, 1, Max},
      FunctionDef{"avg", 1, 1, Avg},
  });
}

}  // namespace quipu::query
