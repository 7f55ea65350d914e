// Type conversion: str and toString, toInteger, toFloat, decimal, and
// @(part, …), the entity keyed by its parts.
#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "core/decimal_math.h"
#include "query/functions/registry.h"

namespace quipu::query {
namespace {

Value ToInteger(const FunctionArgs& args) {
  const Value& v = args[0];
  switch (v.type()) {
    case Value::Type::kInt:
      return v;
    case Value::Type::kDouble: {
      const double d = std::trunc(v.as_double());
      if (!(d >= -9.2233720368547758e18 && d < 9.2233720368547758e18)) return Value();
      return Value(static_cast<int64_t>(d));
    }
    case Value::Type::kDecimal: {  // toward zero, as for floats
      int64_t i = v.as_decimal().unscaled;
      for (int s = 0; s < v.as_decimal().scale; ++s) i /= 10;
      return Value(i);
    }
    case Value::Type::kBool:
      return Value(int64_t{v.as_bool() ? 1 : 0});
    case Value::Type::kString: {
      const std::string& s = v.as_string();
      errno = 0;
      char* end = nullptr;
      const long long i = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && end == s.c_str() + s.size() && errno == 0) return Value(int64_t{i});
      return Value();  // not a number: null, as in Cypher
    }
    default:
      args.Mismatch(v, "a number, boolean or string");
  }
}

// Digits and a scale with room for 38 digits: a decimal on its way to
// canonical form, possibly with more places than a decimal may keep.
struct WideDecimal {
  Int128 unscaled = 0;
  int scale = 0;
};

// Reads [-]digits[.digits] of up to 38 digits (a float's fixed text).
bool ParseWide(std::string_view text, WideDecimal* out) {
  WideDecimal w;
  bool negative = false, point = false;
  int digits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (i == 0 && c == '-') {
      negative = true;
    } else if (c == '.' && !point) {
      point = true;
    } else if (c >= '0' && c <= '9') {
      if (w.unscaled != 0 || c != '0') ++digits;
      if (digits > 38) return false;
      w.unscaled = w.unscaled * 10 + (c - '0');
      w.scale += point;
    } else {
      return false;
    }
  }
  if (negative) w.unscaled = -w.unscaled;
  *out = w;
  return true;
}

// Rounds to `places` (half away from zero); fewer places only.
void RoundTo(WideDecimal* w, int places) {
  for (; w->scale > places; --w->scale) {
    const Int128 rest = w->unscaled % 10;
    w->unscaled /= 10;
    if (rest >= 5) ++w->unscaled;
    if (rest <= -5) --w->unscaled;
  }
}

// decimal(x [, places]): text, integers, floats and decimals to a decimal,
// rounded half away from zero to `places` (0..18) when given; without it
// the number must fit exactly (a float by its shortest text: 0.1 is 0.1).
Value ToDecimal(const FunctionArgs& args) {
  const Value& v = args[0];
  const int64_t places = args.size() > 1 ? args.Integer(1) : -1;
  if (places != -1 && (places < 0 || places > 18)) {
    args.Bad(fmt::format("the places must be from 0 to 18, got {}", places));
  }
  WideDecimal w;
  std::string text;
  switch (v.type()) {
    case Value::Type::kInt:
      w.unscaled = v.as_int();
      break;
    case Value::Type::kDecimal:
      w = {v.as_decimal().unscaled, v.as_decimal().scale};
      break;
    case Value::Type::kDouble: {
      const double d = v.as_double();
      if (!std::isfinite(d))
        args.Bad(fmt::format("{} is not a decimal number", Value(d).ToString()));
      char buf[400];
      const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
      text.assign(buf, r.ptr);
      if (!ParseWide(text, &w)) {
        args.Bad(
            fmt::format("{} has more than 38 digits; a decimal keeps 18", Value(d).ToString()));
      }
      break;
    }
    case Value::Type::kString: {
      text = v.as_string();
      Decimal d;
      if (places == -1) {
        if (!ParseDecimal(text, &d)) {
          args.Bad("'" + text +
                   "' is not a decimal of at most 18 significant digits and 18 "
                   "places ([-]digits[.digits])");
        }
        return Value(d);
      }
      if (!ParseWide(text, &w) || text.empty() || text == "-" || text == ".") {
        args.Bad("'" + text + "' is not a decimal number ([-]digits[.digits])");
      }
      break;
    }
    default:
      args.Mismatch(v, "a number or string");
  }
  if (places != -1) RoundTo(&w, static_cast<int>(places));
  Decimal d;
  if (!MakeDecimal(w.unscaled, w.scale, &d)) {
    args.Bad(fmt::format("{} does not fit a decimal (18 significant digits and 18 places{})",
                         v.ToString(), places == -1 ? "; decimal(x, places) rounds" : ""));
  }
  return Value(d);
}

Value ToFloat(const FunctionArgs& args) {
  const Value& v = args[0];
  if (v.is_numeric()) return Value(v.as_number());
  if (v.type() == Value::Type::kString) {
    const std::string& s = v.as_string();
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return Value(d);
    return Value();
  }
  args.Mismatch(v, "a number or string");
}

// @(part, …): the entity keyed by the parts' text joined by '/' (an entity
// part gives its key); null when the key would be empty.
Value KeyOf(const FunctionArgs& args) {
  const std::span<const Value> parts = args.all();
  std::string key;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) key += '/';
    const Value& part = parts[i];
    if (part.type() == Value::Type::kEntity) {
      key += part.as_entity().key;
    } else if (part.type() == Value::Type::kString) {
      key += part.as_string();
    } else if (part.type() == Value::Type::kList) {
      args.Mismatch(part, "a string, number, date or entity for each part");
    } else {
      key += part.ToString();
    }
  }
  if (key.empty()) return Value();
  return Value(Entity{std::move(key)});
}

Value Str(const FunctionArgs& args) { return Value(args[0].ToString()); }

}  // namespace

void RegisterConversionFunctions(FunctionRegistry* registry) {
  registry->Add({
      FunctionDef{"str", 1, 1, Str},
      FunctionDef{"tostring", 1, 1, Str},
      FunctionDef{"tointeger", 1, 1, ToInteger},
      FunctionDef{"tofloat", 1, 1, ToFloat},
      FunctionDef{"decimal", 1, 2, ToDecimal},
      FunctionDef{"@", 1, 64, KeyOf},
  });
}

}  // namespace quipu::query
