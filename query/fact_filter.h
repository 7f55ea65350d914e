// Tests a fact instance against a match clause's `as of`, `during` and
// `with confidence >=` (BoundQuery::fact_filters).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "query/bound.h"
#include "storage/store.h"

namespace quipu::query {

// The first and last microsecond of a day.
std::pair<int64_t, int64_t> DayBounds(Date day);

// The span a `since` or `until` value stands for: a date its whole day, a
// datetime its instant, an integer the whole year, a string when it reads as
// a date or datetime. nullopt for anything else: such an end counts as open.
std::optional<std::pair<int64_t, int64_t>> TimeSpan(const Value& value);

// True when the instance with these annotations may be matched: its
// validity overlaps the filter's interval and its confidence, if it has one,
// is high enough. Reads the store only for values without inline ids.
using AnnotationSpan = std::span<const std::pair<uint64_t, uint64_t>>;
bool PassesFactFilter(const FactFilter& filter, AnnotationSpan annotations,
                      storage::ReadView* view);

}  // namespace quipu::query
