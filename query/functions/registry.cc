#include "query/functions/registry.h"

#include <fmt/format.h>

#include <cassert>
#include <utility>

#include "query/expression.h"

namespace quipu::query {

const Value& FunctionArgs::Arg(size_t i, Value::Type type, const char* what) const {
  const Value& v = args_[i];
  if (v.type() != type) Mismatch(v, what);
  return v;
}

double FunctionArgs::Number(size_t i) const {
  if (!args_[i].is_numeric()) Mismatch(args_[i], "a number");
  return args_[i].as_number();
}

int64_t FunctionArgs::Integer(size_t i) const {
  if (args_[i].type() != Value::Type::kInt) Mismatch(args_[i], "an integer");
  return args_[i].as_int();
}

const std::string& FunctionArgs::Text(size_t i) const {
  return Arg(i, Value::Type::kString, "a string").as_string();
}

void FunctionArgs::Mismatch(const Value& v, const char* what) const {
  FailAt(fmt::format("type mismatch: {}() needs {}, got {}", name_, what, TypeName(v.type())),
         pos_);
}

void FunctionArgs::Bad(const std::string& why) const {
  FailAt(std::string(name_) + "(): " + why, pos_);
}

const FunctionRegistry& FunctionRegistry::Get() {
  static const FunctionRegistry* const registry = [] {
    auto* r = new FunctionRegistry;
    RegisterStringFunctions(r);
    RegisterNumericFunctions(r);
    RegisterTemporalFunctions(r);
    RegisterListFunctions(r);
    RegisterConversionFunctions(r);
    RegisterEvaluatorFunctions(r);
    return r;
  }();
  return *registry;
}

void FunctionRegistry::Add(const FunctionDef& def) {
  [[maybe_unused]] const bool added = functions_.emplace(def.name, def).second;
  assert(added);
}

const FunctionDef* FunctionRegistry::Find(const std::string& name) const {
  const auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

Value CallFunction(const FunctionDef& f, std::span<const Value> args, ast::Pos pos) {
  for (const Value& a : args) {
    if (a.is_null()) return Value();
  }
  return f.call(FunctionArgs(f.name, args, pos));
}

std::optional<AggregateFunction> FindAggregateFunction(const std::string& name) {
  static constexpr std::pair<const char*, AggregateFunction> kAggregates[] = {
      {"count", AggregateFunction::kCount}, {"sum", AggregateFunction::kSum},
      {"avg", AggregateFunction::kAvg},     {"min", AggregateFunction::kMin},
      {"max", AggregateFunction::kMax},     {"collect", AggregateFunction::kCollect},
  };
  for (const auto& [text, function] : kAggregates) {
    if (name == text) return function;
  }
  return std::nullopt;
}

}  // namespace quipu::query
