// Comparisons decided on term ids alone, where they agree exactly with the
// comparisons of the decoded values (CompareForSort, CompareForFilter in
// expression.h), so that filters and sorts decode only what the ids leave
// open (late materialisation).
//
// What the ids decide (core/term_id.h):
// - Equal ids are equal values, whatever their kind (the dictionary holds a
//   term once, a ValueTable gives a value one id, ±0 share one inline id).
// - A store id's type tells its value's rank (booleans, numbers, strings,
//   language strings, dates, datetimes, entities), so two ids of different
//   ranks compare by rank (sort) or not at all (filters).
// - Two ids of one inline type (int, double, bool, date, datetime) sort like
//   their values: every inline encoding preserves order (IsInlineType).
// - Two different ids of one dictionary type that is alone in its rank
//   (entity, string, language string) are unequal values, in an order only
//   their values give.
// Anything else (numbers of two types, big numbers and decimals, computed
// values of a query's ValueTable) needs the values.
#pragma once

#include <cstdint>
#include <optional>

#include "core/term_id.h"

namespace quipu::query {

// The rank of a stored id's value in the order of CompareForSort (null 0,
// booleans 1, numbers 2, strings 3, language strings 4, dates 5, datetimes
// 6, entities 7), or -1 when the id alone does not tell (a computed value).
inline int RankOfId(uint64_t id) {
  switch (TypeOfId(id)) {
    case TermType::kInvalid:
      return id == 0 ? 0 : -1;
    case TermType::kBool:
      return 1;
    case TermType::kInt:
    case TermType::kDouble:
    case TermType::kBigInt:
    case TermType::kBigDouble:
    case TermType::kDecimal:
      return 2;
    case TermType::kString:
      return 3;
    case TermType::kLangString:
      return 4;
    case TermType::kDate:
      return 5;
    case TermType::kDateTime:
      return 6;
    case TermType::kEntity:
      return 7;
    default:
      return -1;
  }
}

// True for the dictionary types alone in their rank: their ids are equal
// exactly when their values are.
inline bool IsUniqueDictionaryType(TermType type) {
  return type == TermType::kEntity || type == TermType::kString || type == TermType::kLangString;
}

// CompareForSort of the values of `a` and `b` (0 is null), or nullopt when
// only the values can tell.
inline std::optional<int> SortOrderOfIds(uint64_t a, uint64_t b) {
  if (a == b) return 0;
  if (a == 0 || b == 0) return a == 0 ? -1 : 1;  // null first
  const int ra = RankOfId(a), rb = RankOfId(b);
  if (ra < 0 || rb < 0) return std::nullopt;
  if (ra != rb) return ra < rb ? -1 : 1;
  if (TypeOfId(a) == TypeOfId(b) && IsInlineType(TypeOfId(a))) return a < b ? -1 : 1;
  return std::nullopt;
}

// What the ids of two non-null values say of CompareForFilter.
enum class IdsFilterOrder : uint8_t {
  kDecode,        // only the values can tell
  kIncomparable,  // CompareForFilter gives nullopt
  kUnequal,       // the values differ; their order needs the values
  kLess,
  kEqual,
  kGreater,
};

// REQUIRES: a != 0 and b != 0.
inline IdsFilterOrder FilterOrderOfIds(uint64_t a, uint64_t b) {
  if (a == b) return IdsFilterOrder::kEqual;
  const int ra = RankOfId(a), rb = RankOfId(b);
  if (ra < 0 || rb < 0) return IdsFilterOrder::kDecode;
  if (ra != rb) return IdsFilterOrder::kIncomparable;
  const TermType type = TypeOfId(a);
  if (type != TypeOfId(b)) return IdsFilterOrder::kDecode;  // numbers of two types
  if (IsInlineType(type)) return a < b ? IdsFilterOrder::kLess : IdsFilterOrder::kGreater;
  if (IsUniqueDictionaryType(type)) return IdsFilterOrder::kUnequal;
  return IdsFilterOrder::kDecode;
}

}  // namespace quipu::query
