// Date and time functions: the year, month and day of a date or datetime,
// and date() and datetime() from text (or the date of a datetime).
#include <cstdint>
#include <string>

#include "query/functions/registry.h"

namespace quipu::query {
namespace {

enum class DateField { kYear, kMonth, kDay };

Value DatePart(const FunctionArgs& args, DateField field) {
  const Value& v = args[0];
  std::string iso;
  if (v.type() == Value::Type::kDate) {
    iso = FormatDate(v.as_date());
  } else if (v.type() == Value::Type::kDateTime) {
    iso = FormatDateTime(v.as_datetime());
  } else {
    args.Mismatch(v, "a date or datetime");
  }
  // ISO form [-]YYYY-MM-DD...: the fields sit after the year's sign.
  const size_t base = iso[0] == '-' ? 1 : 0;
  if (field == DateField::kYear) {
    const int64_t y = std::stoll(iso.substr(base, 4));
    return Value(base ? -y : y);
  }
  return Value(
      static_cast<int64_t>(std::stoll(iso.substr(base + (field == DateField::kMonth ? 5 : 8), 2))));
}

Value Year(const FunctionArgs& args) { return DatePart(args, DateField::kYear); }
Value Month(const FunctionArgs& args) { return DatePart(args, DateField::kMonth); }
Value Day(const FunctionArgs& args) { return DatePart(args, DateField::kDay); }

Value ToDate(const FunctionArgs& args) {
  const Value& a = args[0];
  if (a.type() == Value::Type::kDate) return a;
  if (a.type() == Value::Type::kDateTime) {
    const int64_t micros = a.as_datetime().micros;
    const int64_t day = 86400LL * 1000000LL;
    return Value(Date{micros >= 0 ? micros / day : -((-micros + day - 1) / day)});
  }
  const std::string& s = args.Text(0);
  Date d;
  if (!ParseDate(s, &d)) args.Bad("'" + s + "' is not a date (YYYY-MM-DD)");
  return Value(d);
}

Value ToDateTime(const FunctionArgs& args) {
  const Value& a = args[0];
  if (a.type() == Value::Type::kDateTime) return a;
  const std::string& s = args.Text(0);
  DateTime t;
  if (!ParseDateTime(s, &t)) args.Bad("'" + s + "' is not a datetime");
  return Value(t);
}

}  // namespace

void RegisterTemporalFunctions(FunctionRegistry* registry) {
  registry->Add({
      FunctionDef{"year", 1, 1, Year},
      FunctionDef{"month", 1, 1, Month},
      FunctionDef{"day", 1, 1, Day},
      FunctionDef{"date", 1, 1, ToDate},
      FunctionDef{"datetime", 1, 1, ToDateTime},
  });
}

}  // namespace quipu::query
