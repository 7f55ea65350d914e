// Scalar functions of the language: lookup by name (case-insensitive names
// are lower-cased by the binder) and evaluation over argument values.
#pragma once

#include <string>
#include <vector>

#include "grammar/ast.h"
#include "quipu/value.h"

namespace quipu::query {

// True when `name` is a scalar function; sets how many arguments it takes.
bool LookupFunction(const std::string& name, size_t* min_args, size_t* max_args);

// Calls a scalar function other than coalesce (which the evaluator runs
// lazily). Null arguments give null. Raises QueryError with `pos` on a type
// mismatch or a bad argument.
Value CallFunction(const std::string& name, const std::vector<Value>& args, ast::Pos pos);

// True for the functions that read the database (ownership): the evaluator
// runs them over its view, and the binder never folds them into constants.
bool ReadsDatabase(const std::string& name);

}  // namespace quipu::query
