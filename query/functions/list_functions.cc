// List and path functions: head, last, tail, range, a path's nodes and
// facts, and the folds of a list (product, and sum, min, max and avg, which the binder
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

Value Tail(const FunctionArgs& args) {
  const ValueList& items = args.Arg(0, Value::Type::kList, "a list").as_list();
  if (items.empty()) return Value(ValueList());
  return Value(ValueList(items.begin() + 1, items.end()));
}

// A list is built whole in memory: range() refuses what no query needs
// rather than exhausting the machine on range(1, 10^12).
constexpr uint64_t kMaxRangeItems = 1'000'000;

// range(start, end[, step]): start, start + step, … up to end inclusive.
Value Range(const FunctionArgs& args) {
  const int64_t start = args.Integer(0), end = args.Integer(1);
  const int64_t step = args.size() > 2 ? args.Integer(2) : 1;
  if (step == 0) args.Bad("the step must not be 0");
  if ((step > 0 && start > end) || (step < 0 && start < end)) return Value(ValueList());
  // The count in unsigned arithmetic: end - start may not fit an int64.
  const uint64_t span = step > 0 ? static_cast<uint64_t>(end) - static_cast<uint64_t>(start)
                                 : static_cast<uint64_t>(start) - static_cast<uint64_t>(end);
  const uint64_t stride =
      step > 0 ? static_cast<uint64_t>(step) : uint64_t{0} - static_cast<uint64_t>(step);
  const uint64_t count = span / stride + 1;
  if (count > kMaxRangeItems) {
    args.Bad(fmt::format("would make {} items; a list holds at most {}", count, kMaxRangeItems));
  }
  ValueList items;
  items.reserve(count);
  // Two's complement wraps in unsigned arithmetic: no overflow past the end.
  for (uint64_t i = 0; i < count; ++i) {
    items.emplace_back(
        static_cast<int64_t>(static_cast<uint64_t>(start) + i * static_cast<uint64_t>(step)));
  }
  return Value(std::move(items));
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
      // The Cypher name of facts(p), for those who come from there.
      FunctionDef{"relationships", 1, 1, Facts},
      FunctionDef{"tail", 1, 1, Tail},
      FunctionDef{"range", 2, 3, Range},
      FunctionDef{"product", 1, 1, Product},
      FunctionDef{"sum", 1, 1, Sum},
      FunctionDef{"min", 1, 1, Min},
      FunctionDef{"max", 1, 1, Max},
      FunctionDef{"avg", 1, 1, Avg},
  });
}

}  // namespace quipu::query
