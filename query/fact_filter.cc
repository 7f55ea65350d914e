#include "query/fact_filter.h"

#include "core/term_id.h"
#include "query/expression.h"

namespace quipu::query {
namespace {

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

Value DecodeAnnotation(uint64_t id, storage::ReadView* view) {
  if (IsInlineType(TypeOfId(id))) return DecodeInline(id);
  return ValueOrThrow(view->DecodeTerm(id));
}

// TimeSpan of the value of `id`; dates and datetimes, the usual validity
// values, without decoding (core/term_id.h: their payload is offset by 2^59).
std::optional<std::pair<int64_t, int64_t>> TimeSpanOfId(uint64_t id, storage::ReadView* view) {
  constexpr uint64_t kOffset = uint64_t{1} << 59;
  switch (TypeOfId(id)) {
    case TermType::kDate:
      return DayBounds(Date{static_cast<int64_t>(PayloadOf(id) - kOffset)});
    case TermType::kDateTime: {
      const int64_t micros = static_cast<int64_t>(PayloadOf(id) - kOffset);
      return std::make_pair(micros, micros);
    }
    default:
      return TimeSpan(DecodeAnnotation(id, view));
  }
}

}  // namespace

std::pair<int64_t, int64_t> DayBounds(Date day) {
  return {day.days * kMicrosPerDay, (day.days + 1) * kMicrosPerDay - 1};
}

std::optional<std::pair<int64_t, int64_t>> TimeSpan(const Value& value) {
  switch (value.type()) {
    case Value::Type::kDate:
      return DayBounds(value.as_date());
    case Value::Type::kDateTime:
      return std::make_pair(value.as_datetime().micros, value.as_datetime().micros);
    case Value::Type::kInt: {
      const int64_t year = value.as_int();
      Date first, last;
      if (year < 1 || year > 9999 ||
          !ParseDate(std::to_string(10000 + year).substr(1) + "-01-01", &first) ||
          !ParseDate(std::to_string(10000 + year).substr(1) + "-12-31", &last)) {
        return std::nullopt;
      }
      return std::make_pair(DayBounds(first).first, DayBounds(last).second);
    }
    case Value::Type::kString: {
      Date d;
      if (ParseDate(value.as_string(), &d)) return DayBounds(d);
      DateTime t;
      if (ParseDateTime(value.as_string(), &t)) return std::make_pair(t.micros, t.micros);
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

bool PassesFactFilter(const FactFilter& filter, AnnotationSpan annotations,
                      storage::ReadView* view) {
  for (const auto& [key, value] : annotations) {
    if (filter.timed && key == filter.since_key) {
      const auto span = TimeSpanOfId(value, view);
      if (span && span->first > filter.to) return false;  // began after the interval
    } else if (filter.timed && key == filter.until_key) {
      const auto span = TimeSpanOfId(value, view);
      if (span && span->second < filter.from) return false;  // ended before it
    } else if (filter.confident && key == filter.confidence_key) {
      const Value confidence = DecodeAnnotation(value, view);
      if (confidence.is_numeric() && confidence.as_number() < filter.min_confidence) return false;
    }
  }
  return true;
}

}  // namespace quipu::query
