// The catalog of the language's scalar functions. Each family of functions
// has its file under query/functions/ (string, numeric, temporal, list,
// conversion, and those the evaluator runs itself) and registers them here;
// the binder resolves a call's name once, to a FunctionDef the bound
// expression keeps, so evaluating a row calls through a pointer instead of
// comparing names.
#pragma once

#include <boost/container/flat_map.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>

#include "grammar/ast.h"
#include "query/bound.h"
#include "quipu/value.h"

namespace quipu::query {

// The arguments of one call, none of them null, and the checks and errors
// the functions share: a wrong type is "type mismatch: f() needs …, got …",
// a bad value "f(): why", both at the call's position.
class FunctionArgs {
 public:
  // `name` and `args` must outlive this.
  FunctionArgs(const char* name, std::span<const Value> args, ast::Pos pos)
      : name_(name), args_(args), pos_(pos) {}

  size_t size() const { return args_.size(); }
  const Value& operator[](size_t i) const { return args_[i]; }
  std::span<const Value> all() const { return args_; }
  const char* name() const { return name_; }
  ast::Pos pos() const { return pos_; }

  // Argument i, which must be of `type` (`what` names it in the error).
  const Value& Arg(size_t i, Value::Type type, const char* what) const;
  double Number(size_t i) const;
  int64_t Integer(size_t i) const;
  const std::string& Text(size_t i) const;
  [[noreturn]] void Mismatch(const Value& v, const char* what) const;
  [[noreturn]] void Bad(const std::string& why) const;

 private:
  const char* name_;
  std::span<const Value> args_;
  ast::Pos pos_;
};

using ScalarFunction = Value (*)(const FunctionArgs& args);

// A function as the binder resolves it.
struct FunctionDef {
  const char* name = "";  // lower case, as called; also in messages
  size_t min_args = 0, max_args = 0;
  // Runs over the arguments' values; null for the functions the evaluator
  // runs itself (lazy or reads_database).
  ScalarFunction call = nullptr;
  // coalesce: the evaluator evaluates the arguments one by one, only while
  // they are null.
  bool lazy = false;
  // ownership: the evaluator runs it over its view, and the binder never
  // folds it into a constant.
  bool reads_database = false;
};

// Names to functions, filled once by the family files (a sorted vector:
// built once, then only searched).
class FunctionRegistry {
 public:
  // The registry of every family, built on first use.
  static const FunctionRegistry& Get();

  // REQUIRES: no function of that name yet.
  void Add(const FunctionDef& def);
  void Add(std::initializer_list<FunctionDef> defs) {
    for (const FunctionDef& def : defs) Add(def);
  }
  // Null when no function has that (lower-case) name.
  const FunctionDef* Find(const std::string& name) const;

 private:
  boost::container::flat_map<std::string, FunctionDef> functions_;
};

// The scalar function named `name` (lower case), or null.
inline const FunctionDef* FindFunction(const std::string& name) {
  return FunctionRegistry::Get().Find(name);
}

// Calls `f`, which is neither lazy nor reads the database. Null arguments
// give null. Raises QueryError with `pos` on a type mismatch or a bad
// argument.
Value CallFunction(const FunctionDef& f, std::span<const Value> args, ast::Pos pos);

// The aggregate function named `name` (lower case): count, sum, avg, min,
// max, collect.
std::optional<AggregateFunction> FindAggregateFunction(const std::string& name);

// One per family file.
void RegisterStringFunctions(FunctionRegistry* registry);
void RegisterNumericFunctions(FunctionRegistry* registry);
void RegisterTemporalFunctions(FunctionRegistry* registry);
void RegisterListFunctions(FunctionRegistry* registry);
void RegisterConversionFunctions(FunctionRegistry* registry);
void RegisterEvaluatorFunctions(FunctionRegistry* registry);

}  // namespace quipu::query
