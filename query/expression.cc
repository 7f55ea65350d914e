#include "query/expression.h"

#include "core/decimal_math.h"
#include "core/term_id.h"
#include "query/fact_table.h"
#include "query/functions/operator_table.h"
#include "query/functions/registry.h"
#include "query/group_matcher.h"
#include "query/id_compare.h"
#include "query/operators.h"
#include "query/ownership_store.h"
#include "query/property_column.h"
#include "query/term_cache.h"
#include "query/value_table.h"

#include <fmt/format.h>
#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <cmath>
#include <span>

namespace quipu::query {
namespace {

int TypeRank(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return 0;
    case Value::Type::kBool:
      return 1;
    case Value::Type::kInt:
    case Value::Type::kDouble:
    case Value::Type::kDecimal:
      return 2;
    case Value::Type::kString:
      return 3;
    case Value::Type::kLangString:
      return 4;
    case Value::Type::kDate:
      return 5;
    case Value::Type::kDateTime:
      return 6;
    case Value::Type::kEntity:
      return 7;
    case Value::Type::kList:
      return 8;
    case Value::Type::kPath:
      return 9;
  }
  return 10;
}

// Integers and decimals as unscaled / 10^scale, for exact arithmetic and
// comparison (query/expression.h: decimals).
struct ExactNumber {
  Int128 unscaled;
  int scale;
};
bool IsExact(const Value& v) {
  return v.type() == Value::Type::kInt || v.type() == Value::Type::kDecimal;
}
ExactNumber ExactOf(const Value& v) {
  if (v.type() == Value::Type::kInt) return {v.as_int(), 0};
  return {v.as_decimal().unscaled, v.as_decimal().scale};
}
// x at a scale >= its own: at most 10^18 · 10^18, far inside Int128.
Int128 Rescaled(ExactNumber x, int scale) {
  for (int s = x.scale; s < scale; ++s) x.unscaled *= 10;
  return x.unscaled;
}

template <typename T>
int Cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareNumbers(const Value& a, const Value& b) {
  if (a.type() == Value::Type::kInt && b.type() == Value::Type::kInt) {
    return Cmp(a.as_int(), b.as_int());
  }
  if (IsExact(a) && IsExact(b)) {  // a decimal and a decimal or integer: exactly
    const ExactNumber x = ExactOf(a), y = ExactOf(b);
    const int scale = std::max(x.scale, y.scale);
    return Cmp(Rescaled(x, scale), Rescaled(y, scale));
  }
  const double x = a.as_number(), y = b.as_number();
  if (std::isnan(x) || std::isnan(y)) return Cmp(std::isnan(x), std::isnan(y));
  return Cmp(x, y);
}

// Same rank, not null.
int CompareSameRank(const Value& a, const Value& b) {
  switch (a.type()) {
    case Value::Type::kBool:
      return Cmp(a.as_bool(), b.as_bool());
    case Value::Type::kInt:
    case Value::Type::kDouble:
    case Value::Type::kDecimal:
      return CompareNumbers(a, b);
    case Value::Type::kString:
      return Cmp(a.as_string(), b.as_string());
    case Value::Type::kLangString: {
      const int c = Cmp(a.as_lang_string().text, b.as_lang_string().text);
      return c != 0 ? c : Cmp(a.as_lang_string().lang, b.as_lang_string().lang);
    }
    case Value::Type::kDate:
      return Cmp(a.as_date().days, b.as_date().days);
    case Value::Type::kDateTime:
      return Cmp(a.as_datetime().micros, b.as_datetime().micros);
    case Value::Type::kEntity:
      return Cmp(a.as_entity().key, b.as_entity().key);
    case Value::Type::kList: {
      const ValueList &x = a.as_list(), &y = b.as_list();
      for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
        if (const int c = CompareForSort(x[i], y[i]); c != 0) return c;
      }
      return Cmp(x.size(), y.size());
    }
    case Value::Type::kPath: {
      // Shorter paths first, then by their nodes, then by their text.
      const Path &x = a.as_path(), &y = b.as_path();
      if (const int c = Cmp(x.hops.size(), y.hops.size()); c != 0) return c;
      for (size_t i = 0; i < x.nodes.size(); ++i) {
        if (const int c = CompareForSort(x.nodes[i], y.nodes[i]); c != 0) return c;
      }
      return Cmp(a.ToLiteral(), b.ToLiteral());
    }
    case Value::Type::kNull:
      return 0;
  }
  return 0;
}

// +, - and * of a decimal and a decimal or integer: exact, a decimal.
Value ExactArithmetic(ExprOp op, const Value& a, const Value& b, ast::Pos pos) {
  const ExactNumber x = ExactOf(a), y = ExactOf(b);
  Int128 unscaled;
  int scale;
  if (op == ExprOp::kMultiply) {
    unscaled = x.unscaled * y.unscaled;  // each below 10^18: fits
    scale = x.scale + y.scale;
    // A product keeps at most 18 places and 18 significant digits: the
    // places past them are rounded half away from zero (whole digits past
    // them are an overflow, below).
    for (; scale > 18 || (scale > 0 && (unscaled >= kDecimalLimit || unscaled <= -kDecimalLimit));
         --scale) {
      const Int128 rest = unscaled % 10;
      unscaled /= 10;
      if (rest >= 5) ++unscaled;
      if (rest <= -5) --unscaled;
    }
  } else {
    scale = std::max(x.scale, y.scale);
    const Int128 l = Rescaled(x, scale), r = Rescaled(y, scale);
    unscaled = op == ExprOp::kAdd ? l + r : l - r;
  }
  Decimal d;
  if (!MakeDecimal(unscaled, scale, &d)) {
    const char* text = OperatorText(op);
    FailAt(fmt::format("decimal overflow in {}: {} {} {} needs more than 18 significant digits",
                       text, a.ToString(), text, b.ToString()),
           pos);
  }
  return Value(d);
}

Value Arithmetic(ExprOp op, const Value& a, const Value& b, ast::Pos pos) {
  if (a.is_null() || b.is_null()) return Value();
  if (op == ExprOp::kAdd && a.type() == Value::Type::kString && b.type() == Value::Type::kString) {
    return Value(a.as_string() + b.as_string());
  }
  if (!a.is_numeric() || !b.is_numeric()) {
    FailAt(fmt::format("type mismatch: {} {} {} (arithmetic needs numbers)", TypeName(a.type()),
                       OperatorText(op), TypeName(b.type())),
           pos);
  }
  if (a.type() == Value::Type::kInt && b.type() == Value::Type::kInt) {
    const int64_t x = a.as_int(), y = b.as_int();
    int64_t r = 0;
    bool overflow = false;
    if (op == ExprOp::kAdd) {
      overflow = __builtin_add_overflow(x, y, &r);
    } else if (op == ExprOp::kSubtract) {
      overflow = __builtin_sub_overflow(x, y, &r);
    } else if (op == ExprOp::kMultiply) {
      overflow = __builtin_mul_overflow(x, y, &r);
    } else {
      if (y == 0) FailAt("division by zero", pos);
      if (x == INT64_MIN && y == -1) {
        overflow = true;
      } else {
        r = op == ExprOp::kDivide ? x / y : x % y;
      }
    }
    if (overflow) FailAt(std::string("integer overflow in ") + OperatorText(op), pos);
    return Value(r);
  }
  if (IsExact(a) && IsExact(b) && op != ExprOp::kDivide && op != ExprOp::kModulo) {
    return ExactArithmetic(op, a, b, pos);
  }
  const double x = a.as_number(), y = b.as_number();
  switch (op) {
    case ExprOp::kAdd:
      return Value(x + y);
    case ExprOp::kSubtract:
      return Value(x - y);
    case ExprOp::kMultiply:
      return Value(x * y);
    case ExprOp::kDivide:
      return Value(x / y);
    default:
      return Value(std::fmod(x, y));
  }
}

Value Logic(ExprOp op, const Value& a, const Value& b, ast::Pos pos) {
  auto as_tristate = [&](const Value& v) -> int {  // 0 false, 1 true, 2 null
    if (v.is_null()) return 2;
    if (v.type() != Value::Type::kBool) {
      FailAt(fmt::format("type mismatch: '{}' needs booleans, got {}", OperatorText(op),
                         TypeName(v.type())),
             pos);
    }
    return v.as_bool() ? 1 : 0;
  };
  const int x = as_tristate(a), y = as_tristate(b);
  if (op == ExprOp::kAnd) {
    if (x == 0 || y == 0) return Value(false);
    if (x == 2 || y == 2) return Value();
    return Value(true);
  }
  if (x == 1 || y == 1) return Value(true);
  if (x == 2 || y == 2) return Value();
  return Value(false);
}

bool IsComparison(ExprOp op) {
  return op == ExprOp::kEqual || op == ExprOp::kNotEqual || op == ExprOp::kLess ||
         op == ExprOp::kLessEqual || op == ExprOp::kGreater || op == ExprOp::kGreaterEqual;
}

// Whether `op` holds of two values that compare as c (< 0, 0, > 0).
bool ComparisonHolds(ExprOp op, int c) {
  switch (op) {
    case ExprOp::kEqual:
      return c == 0;
    case ExprOp::kNotEqual:
      return c != 0;
    case ExprOp::kLess:
      return c < 0;
    case ExprOp::kLessEqual:
      return c <= 0;
    case ExprOp::kGreater:
      return c > 0;
    default:
      return c >= 0;
  }
}

}  // namespace

int CompareForSort(const Value& a, const Value& b) {
  const int ra = TypeRank(a), rb = TypeRank(b);
  if (ra != rb) return ra < rb ? -1 : 1;
  return CompareSameRank(a, b);
}

std::optional<int> CompareForFilter(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (TypeRank(a) != TypeRank(b)) return std::nullopt;
  return CompareSameRank(a, b);
}

Evaluator::Evaluator(storage::ReadView* view, const std::vector<FactVar>* facts)
    : view_(view), facts_(facts) {}

Evaluator::~Evaluator() = default;

void Evaluator::set_context(const ExecContext* ctx) {
  ctx_ = ctx;
  if (ctx != nullptr) shared_cache_ = ctx->env->term_cache;
}

bool Evaluator::Exists(const BoundExpr& e, const uint64_t* row) {
  if (ctx_ == nullptr) FailAt("exists { … } cannot be evaluated here", e.pos);
  auto it = exists_.find(e.group);
  if (it == exists_.end()) {
    // Everything outside the group is bound when a condition runs.
    const BoundGroup& group = ctx_->query->exists_groups[static_cast<size_t>(e.group)];
    std::vector<bool> bound(ctx_->width, true);
    for (uint32_t s : group.new_slots) bound[s] = false;
    it = exists_.emplace(e.group, std::make_unique<GroupMatcher>(ctx_, group, bound)).first;
  }
  return it->second->Run(row, [](const uint64_t*) { return false; }) > 0;
}

bool Evaluator::Test(const BoundExpr& e, const uint64_t* row) {
  const Value v = Eval(e, row);
  if (v.type() == Value::Type::kBool) return v.as_bool();
  if (v.is_null()) return false;
  FailAt(fmt::format("type mismatch: a condition must be a boolean, got {}", TypeName(v.type())),
         e.pos);
}

Value Evaluator::Decode(uint64_t id) {
  if (id == 0) return Value();
  if (ValueTable::IsLocal(id)) {
    if (ctx_ == nullptr || ctx_->values == nullptr) {
      throw QueryError(Status::Internal("a computed value's id outside its statement"));
    }
    return ctx_->values->Get(id);
  }
  if (IsInlineId(id)) return DecodeInline(id);
  if (const Value* cached = cache_.Find(id)) return *cached;
  // A term the shared cache holds is returned as its copy and not kept here
  // too: keeping it would cost a second copy (and free the value it
  // evicts) for every row of a result that decodes a new term per row; a
  // term decoded again finds the shared cache at the cost of its lock.
  Value shared;
  if (shared_cache_ != nullptr && shared_cache_->Lookup(id, &shared)) return shared;
  Result<Value> v = view_->DecodeTerm(id);
  if (!v.ok()) throw QueryError(v.status());
  if (shared_cache_ != nullptr) shared_cache_->Insert(id, *v);
  return cache_.Put(id, std::move(*v));
}

uint64_t Evaluator::PropertyIdOf(uint64_t subject, const BoundExpr& e) {
  if (subject == 0 || e.key_id == 0) return 0;
  uint64_t object = 0;
  if (properties_.Find(subject, e.key_id, &object)) return object;
  if (const PropertyColumn* column = PropertyColumnOf(e.key_id)) return column->Find(subject);
  object = ValueOrThrow(view_->SmallestObject(subject, e.key_id));
  properties_.Put(subject, e.key_id, object);
  return object;
}

// The column is taken from the cache at the first lookup of a predicate, or
// read once the lookups pass ProbesBeforeReadingWhole (versioned_cache.h).
const PropertyColumn* Evaluator::PropertyColumnOf(uint64_t p) {
  if (ctx_ == nullptr || ctx_->env->property_columns == nullptr) return nullptr;
  PropertyLookups& lookups = property_lookups_[p];
  if (lookups.column != nullptr) return lookups.column.get();
  if (lookups.count++ == 0) {
    lookups.column = ctx_->env->property_columns->Find(p, ctx_->env->snapshot_version);
    if (lookups.column != nullptr) return lookups.column.get();
    const uint64_t facts = ValueOrThrow(view_->GetStats(p)).facts;
    lookups.threshold = ProbesBeforeReadingWhole(facts);
    if (PropertyColumn::BytesFor(facts) > ctx_->env->property_columns->max_bytes()) {
      lookups.threshold = UINT64_MAX;
    }
  }
  if (lookups.count != lookups.threshold) return nullptr;
  lookups.column = ValueOrThrow(PropertyColumn::Read(view_, p));
  ctx_->env->property_columns->Put(p, ctx_->env->snapshot_version, lookups.column);
  return lookups.column.get();
}

uint64_t Evaluator::FactPropertyId(const BoundExpr& e, const uint64_t* row) {
  const FactVar& f = (*facts_)[static_cast<size_t>(e.fact)];
  if (e.key_id == 0) return 0;
  storage::Triple t{Resolve(f.s, row), Resolve(f.p, row), Resolve(f.o, row)};
  if (f.reversed_slot >= 0 && row[f.reversed_slot] == 1) std::swap(t.s, t.o);
  const uint64_t hash = row[f.hash_slot];
  if (const FactTable* table = FactTableOf(t.p)) {
    const size_t i = table->Find(t.s, t.o, fact_table_row_);
    if (i == FactTable::kNone) return 0;
    fact_table_row_ = i;
    return table->Annotation(i, hash, e.key_id);
  }
  // Rows of one fact's instances, and several annotations of one row, read
  // the instances once.
  if (!instances_valid_ || !(instances_of_ == t)) {
    instances_valid_ = false;
    if (Status s = view_->GetInstances(t, &instances_); !s.ok()) throw QueryError(s);
    instances_of_ = t;
    instances_valid_ = true;
  }
  for (const storage::FactInstance& inst : instances_) {
    if (inst.hash != hash) continue;
    for (const auto& [key, value] : inst.annotations) {
      if (key == e.key_id) return value;
    }
  }
  return 0;
}

const FactTable* Evaluator::FactTableOf(uint64_t p) {
  if (fact_table_ != nullptr && fact_table_->predicate() == p) return fact_table_.get();
  if (ctx_ == nullptr || ctx_->env->fact_tables == nullptr || fact_table_asked_ == p) {
    return nullptr;
  }
  fact_table_asked_ = p;
  std::shared_ptr<const FactTable> found =
      ctx_->env->fact_tables->Find(p, ctx_->env->snapshot_version);
  if (found == nullptr) return nullptr;
  fact_table_ = std::move(found);
  return fact_table_.get();
}

bool Evaluator::ConstantId(const BoundExpr& e, uint64_t* id) {
  if (e.constant.is_null()) {
    *id = 0;
    return true;
  }
  if (std::optional<uint64_t> inline_id = InlineId(e.constant)) {
    *id = *inline_id;
    return true;
  }
  if (view_ == nullptr) return false;
  auto [it, added] = constant_ids_.try_emplace(&e, 0);
  if (added) it->second = ValueOrThrow(view_->FindTerm(e.constant));
  *id = it->second;
  return *id != 0;
}

bool Evaluator::EvalId(const BoundExpr& e, const uint64_t* row, uint64_t* id) {
  switch (e.kind) {
    case BoundExpr::Kind::kConst:
      return ConstantId(e, id);
    case BoundExpr::Kind::kSlot:
      *id = row[e.slot];
      return true;
    case BoundExpr::Kind::kFact:
      *id = FactPredicateId((*facts_)[e.fact], row);
      return true;
    case BoundExpr::Kind::kNodeProperty:
      *id = PropertyIdOf(NodeIdOf(e.args[0], row), e);
      return true;
    case BoundExpr::Kind::kFactProperty:
      *id = FactPropertyId(e, row);
      return true;
    case BoundExpr::Kind::kHopProperty:
      *id = HopPropertyId(e);
      return true;
    case BoundExpr::Kind::kHopNodeProperty:
      *id = HopNodePropertyId(e);
      return true;
    default:
      return false;
  }
}

std::optional<Value> Evaluator::CompareOnIds(const BoundExpr& e, const uint64_t* row, Value* a,
                                             Value* b, bool* have_values) {
  uint64_t x = 0, y = 0;
  if (!EvalId(e.args[0], row, &x)) return std::nullopt;
  if (!EvalId(e.args[1], row, &y)) {
    *a = Decode(x);
    *b = Eval(e.args[1], row);
    *have_values = true;
    return std::nullopt;
  }
  if (x == 0 || y == 0) return Value();  // null on either side: null
  const ExprOp op = e.op;
  const bool equality = op == ExprOp::kEqual || op == ExprOp::kNotEqual;
  int c = 0;
  switch (FilterOrderOfIds(x, y)) {
    case IdsFilterOrder::kIncomparable:
      return equality ? Value(op == ExprOp::kNotEqual) : Value();
    case IdsFilterOrder::kUnequal:
      if (equality) return Value(op == ExprOp::kNotEqual);
      [[fallthrough]];
    case IdsFilterOrder::kDecode:
      *a = Decode(x);
      *b = Decode(y);
      *have_values = true;
      return std::nullopt;
    case IdsFilterOrder::kLess:
      c = -1;
      break;
    case IdsFilterOrder::kEqual:
      c = 0;
      break;
    case IdsFilterOrder::kGreater:
      c = 1;
      break;
  }
  return Value(ComparisonHolds(op, c));
}

Value Evaluator::Binary(const BoundExpr& e, const uint64_t* row) {
  const ExprOp op = e.op;
  if (op == ExprOp::kAnd || op == ExprOp::kOr) {
    const Value a = Eval(e.args[0], row);
    // Short-circuit where the answer is already known.
    if (a.type() == Value::Type::kBool && a.as_bool() == (op == ExprOp::kOr)) return a;
    return Logic(op, a, Eval(e.args[1], row), e.pos);
  }
  if (op == ExprOp::kIn) {
    if (std::optional<Value> on_ids = InOnIds(e, row)) return *on_ids;
  }
  Value a, b;
  bool have_values = false;
  if (IsComparison(op)) {
    if (std::optional<Value> on_ids = CompareOnIds(e, row, &a, &b, &have_values)) return *on_ids;
  }
  if (!have_values) {
    a = Eval(e.args[0], row);
    b = Eval(e.args[1], row);
  }
  switch (op) {
    case ExprOp::kEqual:
    case ExprOp::kNotEqual: {
      if (a.is_null() || b.is_null()) return Value();
      const std::optional<int> c = CompareForFilter(a, b);
      const bool equal = c.has_value() && *c == 0;
      return Value(op == ExprOp::kEqual ? equal : !equal);
    }
    case ExprOp::kLess:
    case ExprOp::kLessEqual:
    case ExprOp::kGreater:
    case ExprOp::kGreaterEqual: {
      const std::optional<int> c = CompareForFilter(a, b);
      if (!c) return Value();
      return Value(ComparisonHolds(op, *c));
    }
    case ExprOp::kIn:
      return In(a, b, e.pos);
    case ExprOp::kWordMatch:
      return MatchWords(a, b, e.pos);
    case ExprOp::kStartsWith:
    case ExprOp::kEndsWith:
    case ExprOp::kContains:
    case ExprOp::kRegexMatch:
      return StringTest(e, a, b);
    default:
      return Arithmetic(op, a, b, e.pos);
  }
}

// starts with, ends with, contains and =~ of two strings.
Value Evaluator::StringTest(const BoundExpr& e, const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.type() != Value::Type::kString || b.type() != Value::Type::kString) {
    FailAt(fmt::format("type mismatch: {} {} {} (needs strings)", TypeName(a.type()),
                       OperatorText(e.op), TypeName(b.type())),
           e.pos);
  }
  const std::string &s = a.as_string(), &t = b.as_string();
  switch (e.op) {
    case ExprOp::kStartsWith:
      return Value(s.compare(0, t.size(), t) == 0);
    case ExprOp::kEndsWith:
      return Value(s.size() >= t.size() && s.compare(s.size() - t.size(), t.size(), t) == 0);
    case ExprOp::kContains:
      return Value(s.find(t) != std::string::npos);
    default:
      return Value(RE2::FullMatch(s, Regex(t, e.args[1].pos)));
  }
}

// text ~ pattern (query/text_match.h), on strings and language strings.
Value Evaluator::MatchWords(const Value& text, const Value& pattern, ast::Pos pos) {
  if (text.is_null() || pattern.is_null()) return Value();
  auto words = [](const Value& v) -> const std::string* {
    if (v.type() == Value::Type::kString) return &v.as_string();
    if (v.type() == Value::Type::kLangString) return &v.as_lang_string().text;
    return nullptr;
  };
  const std::string *t = words(text), *p = words(pattern);
  if (t == nullptr || p == nullptr) {
    FailAt(fmt::format("type mismatch: {} ~ {} (needs strings)", TypeName(text.type()),
                       TypeName(pattern.type())),
           pos);
  }
  if (word_pattern_ == nullptr || word_pattern_->source() != *p) {
    word_pattern_ = std::make_unique<WordPattern>(*p);
  }
  return Value(word_pattern_->Matches(*t));
}

Value Evaluator::In(const Value& a, const Value& list, ast::Pos pos) {
  if (list.is_null()) return Value();
  if (list.type() != Value::Type::kList) {
    FailAt(
        fmt::format("type mismatch: 'in' needs a list on its right, got {}", TypeName(list.type())),
        pos);
  }
  if (a.is_null()) return list.as_list().empty() ? Value(false) : Value();
  bool saw_null = false;
  for (const Value& item : list.as_list()) {
    if (item.is_null()) {
      saw_null = true;
      continue;
    }
    const std::optional<int> c = CompareForFilter(a, item);
    if (c && *c == 0) return Value(true);
  }
  return saw_null ? Value() : Value(false);
}

std::optional<Value> Evaluator::InOnIds(const BoundExpr& e, const uint64_t* row) {
  auto [it, fresh] = in_lists_.try_emplace(&e);
  EntityIds& list = it->second;
  if (fresh) {
    const BoundExpr& right = e.args[1];
    list.usable =
        right.kind == BoundExpr::Kind::kConst && right.constant.type() == Value::Type::kList;
    if (list.usable) {
      for (const Value& item : right.constant.as_list()) {
        if (item.is_null()) list.has_null = true;
        if (item.type() != Value::Type::kEntity) continue;
        const uint64_t id = ValueOrThrow(view_->FindTerm(item));
        if (id != 0) list.ids.push_back(id);
      }
      std::sort(list.ids.begin(), list.ids.end());
    }
  }
  uint64_t x = 0;
  if (!list.usable || !EvalId(e.args[0], row, &x) || (x != 0 && !IsEntityId(x))) {
    return std::nullopt;
  }
  if (x == 0) return e.args[1].constant.as_list().empty() ? Value(false) : Value();
  if (std::binary_search(list.ids.begin(), list.ids.end(), x)) return Value(true);
  return list.has_null ? Value() : Value(false);
}

const RE2& Evaluator::Regex(const std::string& pattern, ast::Pos pos) {
  auto it = regexes_.find(pattern);
  if (it != regexes_.end()) return *it->second;
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, options);
  if (!re->ok()) FailAt("invalid regular expression '" + pattern + "': " + re->error(), pos);
  if (regexes_.size() > 64) regexes_.clear();  // patterns from data could be many
  return *regexes_.emplace(pattern, std::move(re)).first->second;
}

Value Evaluator::Case(const BoundExpr& e, const uint64_t* row) {
  const bool simple = e.case_subject;
  const size_t first = simple ? 1 : 0;
  const size_t pairs_end = e.args.size() - (e.has_else ? 1 : 0);
  const Value subject = simple ? Eval(e.args[0], row) : Value();
  // (when, then) pairs occupy [first, pairs_end).
  for (size_t i = first; i + 1 < pairs_end; i += 2) {
    bool hit;
    if (simple) {
      const Value candidate = Eval(e.args[i], row);
      const std::optional<int> c = CompareForFilter(subject, candidate);
      hit = c && *c == 0;
    } else {
      hit = Test(e.args[i], row);
    }
    if (hit) return Eval(e.args[i + 1], row);
  }
  return e.has_else ? Eval(e.args.back(), row) : Value();
}

Value Evaluator::Function(const BoundExpr& e, const uint64_t* row) {
  const FunctionDef& f = *e.function;
  if (f.lazy) {  // coalesce: later arguments run only when needed
    for (const BoundExpr& arg : e.args) {
      Value v = Eval(arg, row);
      if (!v.is_null()) return v;
    }
    return Value();
  }
  if (f.reads_database) return Ownership(e, row);  // the one function that does
  // Most calls have one to three arguments: kept inline, not allocated per row.
  boost::container::small_vector<Value, 3> args;
  for (const BoundExpr& arg : e.args) args.push_back(Eval(arg, row));
  return CallFunction(f, std::span<const Value>(args.data(), args.size()), e.pos);
}

Value Evaluator::Ownership(const BoundExpr& e, const uint64_t* row) {
  // A node variable's entity is its id in the row, used without decoding;
  // any other argument is evaluated.
  uint64_t terms[2] = {0, 0};
  Value values[2];
  for (size_t i = 0; i < 2; ++i) {
    const BoundExpr& arg = e.args[i];
    if (arg.kind == BoundExpr::Kind::kSlot && TypeOfId(row[arg.slot]) == TermType::kEntity) {
      terms[i] = row[arg.slot];
    } else {
      values[i] = Eval(arg, row);
    }
  }
  for (size_t i = 0; i < 2; ++i) {
    if (terms[i] == 0 && values[i].is_null()) return Value();
  }
  for (size_t i = 0; i < 2; ++i) {
    if (terms[i] == 0 && values[i].type() != Value::Type::kEntity) {
      FailAt(fmt::format("type mismatch: ownership() needs entities, got {}",
                         TypeName(values[i].type())),
             e.args[i].pos);
    }
  }
  if (view_ == nullptr) {
    FailAt("ownership() reads the database; it cannot be part of a constant value", e.pos);
  }
  if (ownership_ == nullptr) ownership_ = std::make_unique<StoreOwnership>(view_, ctx_);
  for (size_t i = 0; i < 2; ++i) {
    if (terms[i] == 0) terms[i] = ownership_->TermOf(values[i].as_entity());
  }
  if (terms[0] == 0 || terms[1] == 0) return Value(0.0);  // never seen: no holdings
  return Value(ownership_->Ownership(terms[0], terms[1], e.pos));
}

Value Evaluator::Eval(const BoundExpr& e, const uint64_t* row) {
  switch (e.kind) {
    case BoundExpr::Kind::kConst:
      return e.constant;
    case BoundExpr::Kind::kSlot:
      return Decode(row[e.slot]);
    case BoundExpr::Kind::kField:
      return (*fields_)[e.slot];
    case BoundExpr::Kind::kFact:
      return Decode(FactPredicateId((*facts_)[e.fact], row));
    case BoundExpr::Kind::kNodeProperty:
      return Decode(PropertyIdOf(NodeIdOf(e.args[0], row), e));
    case BoundExpr::Kind::kFactProperty:
      return Decode(FactPropertyId(e, row));
    case BoundExpr::Kind::kList: {
      ValueList items;
      items.reserve(e.args.size());
      for (const BoundExpr& a : e.args) items.push_back(Eval(a, row));
      return Value(std::move(items));
    }
    case BoundExpr::Kind::kCase:
      return Case(e, row);
    case BoundExpr::Kind::kExists:
      return Value(Exists(e, row));
    case BoundExpr::Kind::kUnary: {
      const Value a = Eval(e.args[0], row);
      if (e.op == ExprOp::kIsNull) return Value(a.is_null());
      if (e.op == ExprOp::kIsNotNull) return Value(!a.is_null());
      if (a.is_null()) return a;
      if (e.op == ExprOp::kNot) {
        if (a.type() != Value::Type::kBool) {
          FailAt(fmt::format("type mismatch: 'not' needs a boolean, got {}", TypeName(a.type())),
                 e.pos);
        }
        return Value(!a.as_bool());
      }
      if (a.type() == Value::Type::kInt) {
        if (a.as_int() == INT64_MIN) FailAt("integer overflow in -", e.pos);
        return Value(-a.as_int());
      }
      if (a.type() == Value::Type::kDouble) return Value(-a.as_double());
      if (a.type() == Value::Type::kDecimal) {
        return Value(Decimal{-a.as_decimal().unscaled, a.as_decimal().scale});
      }
      FailAt(fmt::format("type mismatch: '-' needs a number, got {}", TypeName(a.type())), e.pos);
    }
    case BoundExpr::Kind::kBinary:
      return Binary(e, row);
    case BoundExpr::Kind::kFunction:
      return Function(e, row);
    case BoundExpr::Kind::kAggregate:
      FailAt("aggregate " + e.name + "() is not allowed here", e.pos);
    case BoundExpr::Kind::kHopProperty:
      return Decode(HopPropertyId(e));
    case BoundExpr::Kind::kHopNodeProperty:
      return Decode(HopNodePropertyId(e));
    case BoundExpr::Kind::kPath:
      return BuildPath(e, row);
    case BoundExpr::Kind::kPathProperty:
      return PathProperty(e, row);
    case BoundExpr::Kind::kAllValues:
      return AllValues(e, row);
    case BoundExpr::Kind::kLocal:
      return e.slot < locals_.size() ? locals_[e.slot] : Value();
    case BoundExpr::Kind::kComprehension:
      return Comprehension(e, row);
    case BoundExpr::Kind::kParam:  // Instantiate (query/binder.h) replaces each one
      throw QueryError(Status::Internal("parameter $" + e.name + " reached evaluation"));
  }
  return Value();
}

uint64_t Evaluator::HopNodePropertyId(const BoundExpr& e) {
  if (hop_ == nullptr)
    FailAt("'" + e.name + "' names a hop's node outside a per-hop condition", e.pos);
  return PropertyIdOf(e.slot == 0 ? hop_fact_.s : hop_fact_.o, e);
}

uint64_t Evaluator::HopPropertyId(const BoundExpr& e) {
  if (hop_ == nullptr)
    FailAt("'" + e.name + "' names a hop's field outside a per-hop condition", e.pos);
  for (const auto& [key, value] : *hop_) {
    if (key == e.key_id && key != 0) return value;
  }
  return 0;
}

std::vector<std::pair<std::string, Value>> Evaluator::InstanceAnnotations(const storage::Triple& t,
                                                                          uint64_t hash) {
  std::vector<std::pair<std::string, Value>> out;
  instances_valid_ = false;
  if (Status s = view_->GetInstances(t, &instances_); !s.ok()) throw QueryError(s);
  instances_of_ = t;
  instances_valid_ = true;
  for (const storage::FactInstance& inst : instances_) {
    if (inst.hash != hash) continue;
    for (const auto& [key, value] : inst.annotations) {
      out.emplace_back(Decode(key).as_entity().key, Decode(value));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

// The path of a path variable: its stretches joined end to end. Null when
// a stretch is (an optional match without a match).
Value Evaluator::BuildPath(const BoundExpr& e, const uint64_t* row) {
  const BoundPathVar& var = ctx_->query->paths[static_cast<size_t>(e.group)];
  Path path;
  for (const PathSegment& seg : var.segments) {
    if (seg.var) {
      const Value part = Decode(row[seg.path_slot]);
      if (part.is_null()) return Value();
      const Path& p = part.as_path();
      path.nodes.insert(path.nodes.end(), p.nodes.begin() + (path.nodes.empty() ? 0 : 1),
                        p.nodes.end());
      path.hops.insert(path.hops.end(), p.hops.begin(), p.hops.end());
      continue;
    }
    const FactVar& f = (*facts_)[static_cast<size_t>(seg.fact)];
    storage::Triple t{Resolve(f.s, row), Resolve(f.p, row), Resolve(f.o, row)};
    if (t.s == 0 || t.p == 0 || t.o == 0) return Value();
    bool forward = seg.forward;
    if (f.reversed_slot >= 0 && row[f.reversed_slot] == 1) {
      std::swap(t.s, t.o);
      forward = !forward;
    }
    if (path.nodes.empty()) path.nodes.push_back(Decode(Resolve(seg.from, row)));
    path.nodes.push_back(Decode(Resolve(seg.to, row)));
    PathHop hop;
    hop.predicate = Decode(t.p).as_entity();
    hop.forward = forward;
    hop.annotations = InstanceAnnotations(t, row[f.hash_slot]);
    path.hops.push_back(std::move(hop));
  }
  return Value(std::move(path));
}

// The id of a node expression: a slot's id, or an item such as one of
// nodes(p) looked up in the dictionary (0 when it is not a stored entity).
uint64_t Evaluator::NodeIdOf(const BoundExpr& node, const uint64_t* row) {
  if (node.kind == BoundExpr::Kind::kSlot) return row[node.slot];
  const Value item = Eval(node, row);
  if (item.type() != Value::Type::kEntity || view_ == nullptr) return 0;
  // The items of nodes(p) repeat across rows (the same hubs): remembered.
  auto [it, added] = local_ids_.try_emplace(item.as_entity().key, 0);
  if (added) it->second = ValueOrThrow(view_->FindTerm(item));
  return it->second;
}

Value Evaluator::Comprehension(const BoundExpr& e, const uint64_t* row) {
  const Value list = Eval(e.args[0], row);
  if (list.is_null()) return Value();
  if (list.type() != Value::Type::kList) {
    FailAt(fmt::format("type mismatch: '{} in' needs a list, got {} (nodes(p) lists a path's "
                       "nodes)",
                       e.name, TypeName(list.type())),
           e.args[0].pos);
  }
  if (locals_.size() <= e.slot) locals_.resize(e.slot + 1);
  ValueList out;
  for (const Value& item : list.as_list()) {
    locals_[e.slot] = item;
    if (Test(e.args[1], row)) out.push_back(Eval(e.args[2], row));
  }
  locals_[e.slot] = Value();
  return Value(std::move(out));
}

// all(x.key): every object of (x, key, ·) in id order, the order in which
// x.key takes the first. Null for a null x; an empty list when x has none.
Value Evaluator::AllValues(const BoundExpr& e, const uint64_t* row) {
  const uint64_t subject = NodeIdOf(e.args[0], row);
  if (subject == 0) return Value();
  ValueList out;
  if (e.key_id == 0) return Value(std::move(out));
  std::unique_ptr<storage::TripleCursor> cursor = view_->Scan({subject, e.key_id, 0});
  std::vector<storage::Triple> facts;
  while (cursor->Next(&facts, 256) > 0) {
  }
  if (!cursor->status().ok()) throw QueryError(cursor->status());
  out.reserve(facts.size());
  for (const storage::Triple& t : facts) out.push_back(Decode(t.o));
  return Value(std::move(out));
}

// path.key: the list of each hop's `key` annotation (null where absent).
Value Evaluator::PathProperty(const BoundExpr& e, const uint64_t* row) {
  const Value path = Eval(e.args[0], row);
  if (path.is_null()) return Value();
  ValueList out;
  for (const PathHop& hop : path.as_path().hops) {
    Value v;
    for (const auto& [key, value] : hop.annotations) {
      if (key == e.name) v = value;
    }
    out.push_back(std::move(v));
  }
  return Value(std::move(out));
}

void BoundExpr::CollectSlots(const BoundQuery& q, std::vector<uint32_t>* out) const {
  switch (kind) {
    case Kind::kSlot:
      out->push_back(slot);
      break;
    case Kind::kExists: {
      const BoundGroup& g = q.exists_groups[static_cast<size_t>(group)];
      out->insert(out->end(), g.outer_slots.begin(), g.outer_slots.end());
      break;
    }
    case Kind::kPath:
      for (const PathSegment& seg : q.paths[static_cast<size_t>(group)].segments) {
        if (seg.var) {
          out->push_back(seg.path_slot);
          continue;
        }
        for (const Ref& r : {seg.from, seg.to}) {
          if (r.is_slot) out->push_back(r.slot);
        }
        const FactVar& f = q.facts[static_cast<size_t>(seg.fact)];
        if (f.p.is_slot) out->push_back(f.p.slot);
        out->push_back(f.hash_slot);
        if (f.reversed_slot >= 0) out->push_back(static_cast<uint32_t>(f.reversed_slot));
      }
      break;
    case Kind::kFact:
    case Kind::kFactProperty: {
      const FactVar& f = q.facts[static_cast<size_t>(fact)];
      for (const Ref& r : {f.s, f.p, f.o}) {
        if (r.is_slot) out->push_back(r.slot);
      }
      out->push_back(f.hash_slot);
      if (f.reversed_slot >= 0) out->push_back(static_cast<uint32_t>(f.reversed_slot));
      break;
    }
    default:
      break;
  }
  for (const BoundExpr& a : args) a.CollectSlots(q, out);
}

const BoundExpr* BoundExpr::FindAggregate() const {
  if (kind == Kind::kAggregate) return this;
  for (const BoundExpr& a : args) {
    if (const BoundExpr* found = a.FindAggregate()) return found;
  }
  return nullptr;
}

}  // namespace quipu::query
