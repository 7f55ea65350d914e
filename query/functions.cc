#include "query/functions.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

#include "core/decimal_math.h"
#include "query/expression.h"
#include "query/number_sum.h"

namespace quipu::query {
namespace {

struct Signature {
  const char* name;
  size_t min, max;
};

constexpr Signature kFunctions[] = {
    {"lower", 1, 1},    {"tolower", 1, 1},   {"upper", 1, 1},     {"toupper", 1, 1},
    {"length", 1, 1},   {"size", 1, 1},      {"abs", 1, 1},       {"str", 1, 1},
    {"tostring", 1, 1}, {"coalesce", 1, 64}, {"year", 1, 1},      {"month", 1, 1},
    {"day", 1, 1},      {"substring", 2, 3}, {"left", 2, 2},      {"right", 2, 2},
    {"trim", 1, 1},     {"ltrim", 1, 1},     {"rtrim", 1, 1},     {"replace", 3, 3},
    {"split", 2, 2},    {"reverse", 1, 1},   {"tointeger", 1, 1}, {"tofloat", 1, 1},
    {"round", 1, 1},    {"floor", 1, 1},     {"ceil", 1, 1},      {"sqrt", 1, 1},
    {"sign", 1, 1},     {"date", 1, 1},      {"datetime", 1, 1},  {"head", 1, 1},
    {"last", 1, 1},     {"nodes", 1, 1},     {"facts", 1, 1},     {"product", 1, 1},
    {"@", 1, 64},       {"ownership", 2, 2}, {"decimal", 1, 2},
};

// Code point boundaries of a UTF-8 string: offsets[i] is where code point i starts.
std::vector<size_t> CodePoints(const std::string& s) {
  std::vector<size_t> offsets;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) offsets.push_back(i);
  }
  offsets.push_back(s.size());
  return offsets;
}

class Call {
 public:
  Call(const std::string& name, const std::vector<Value>& args, ast::Pos pos)
      : name_(name), args_(args), pos_(pos) {}

  const Value& Arg(size_t i, Value::Type type, const char* what) const {
    const Value& v = args_[i];
    if (v.type() != type) Mismatch(v, what);
    return v;
  }
  double Number(size_t i) const {
    if (!args_[i].is_numeric()) Mismatch(args_[i], "a number");
    return args_[i].as_number();
  }
  int64_t Integer(size_t i) const {
    if (args_[i].type() != Value::Type::kInt) Mismatch(args_[i], "an integer");
    return args_[i].as_int();
  }
  const std::string& Text(size_t i) const {
    return Arg(i, Value::Type::kString, "a string").as_string();
  }
  [[noreturn]] void Mismatch(const Value& v, const char* what) const {
    FailAt(fmt::format("type mismatch: {}() needs {}, got {}", name_, what, TypeName(v.type())),
           pos_);
  }
  [[noreturn]] void Bad(const std::string& why) const { FailAt(name_ + "(): " + why, pos_); }

 private:
  const std::string& name_;
  const std::vector<Value>& args_;
  ast::Pos pos_;
};

Value Substring(const Call& call, const std::string& s, int64_t start, int64_t length) {
  if (start < 0) call.Bad("the start must not be negative");
  if (length < 0) call.Bad("the length must not be negative");
  const std::vector<size_t> cps = CodePoints(s);
  const size_t count = cps.size() - 1;
  const size_t from = std::min<size_t>(static_cast<size_t>(start), count);
  const size_t to = std::min<size_t>(count, from + static_cast<size_t>(length));
  return Value(s.substr(cps[from], cps[to] - cps[from]));
}

Value DatePart(const Call& call, const std::string& name, const Value& v) {
  std::string iso;
  if (v.type() == Value::Type::kDate) {
    iso = FormatDate(v.as_date());
  } else if (v.type() == Value::Type::kDateTime) {
    iso = FormatDateTime(v.as_datetime());
  } else {
    call.Mismatch(v, "a date or datetime");
  }
  // ISO form [-]YYYY-MM-DD...: the fields sit after the year's sign.
  const size_t base = iso[0] == '-' ? 1 : 0;
  if (name == "year") {
    const int64_t y = std::stoll(iso.substr(base, 4));
    return Value(base ? -y : y);
  }
  return Value(static_cast<int64_t>(std::stoll(iso.substr(base + (name == "month" ? 5 : 8), 2))));
}

Value ToInteger(const Call& call, const Value& v) {
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
      call.Mismatch(v, "a number, boolean or string");
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
Value ToDecimal(const Call& call, const Value& v, int64_t places) {
  if (places != -1 && (places < 0 || places > 18)) {
    call.Bad(fmt::format("the places must be from 0 to 18, got {}", places));
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
        call.Bad(fmt::format("{} is not a decimal number", Value(d).ToString()));
      char buf[400];
      const auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
      text.assign(buf, r.ptr);
      if (!ParseWide(text, &w)) {
        call.Bad(
            fmt::format("{} has more than 38 digits; a decimal keeps 18", Value(d).ToString()));
      }
      break;
    }
    case Value::Type::kString: {
      text = v.as_string();
      Decimal d;
      if (places == -1) {
        if (!ParseDecimal(text, &d)) {
          call.Bad("'" + text +
                   "' is not a decimal of at most 18 significant digits and 18 "
                   "places ([-]digits[.digits])");
        }
        return Value(d);
      }
      if (!ParseWide(text, &w) || text.empty() || text == "-" || text == ".") {
        call.Bad("'" + text + "' is not a decimal number ([-]digits[.digits])");
      }
      break;
    }
    default:
      call.Mismatch(v, "a number or string");
  }
  if (places != -1) RoundTo(&w, static_cast<int>(places));
  Decimal d;
  if (!MakeDecimal(w.unscaled, w.scale, &d)) {
    call.Bad(fmt::format("{} does not fit a decimal (18 significant digits and 18 places{})",
                         v.ToString(), places == -1 ? "; decimal(x, places) rounds" : ""));
  }
  return Value(d);
}

// round (half up, as for floats), floor, ceil, abs and sign of a decimal.
Value DecimalFunction(const std::string& name, Decimal d) {
  if (name == "sign") return Value(int64_t{(d.unscaled > 0) - (d.unscaled < 0)});
  if (name == "abs") return Value(Decimal{d.unscaled < 0 ? -d.unscaled : d.unscaled, d.scale});
  int64_t unit = 1;
  for (int s = 0; s < d.scale; ++s) unit *= 10;
  int64_t whole = d.unscaled / unit;       // toward zero
  const int64_t rest = d.unscaled % unit;  // same sign as unscaled
  if (name == "floor" && rest < 0) --whole;
  if (name == "ceil" && rest > 0) ++whole;
  if (name == "round" && (rest > 0 ? 2 * rest >= unit : rest < 0 && -2 * rest > unit)) {
    whole += rest > 0 ? 1 : -1;
  }
  return Value(Decimal{whole, 0});
}

Value ToFloat(const Call& call, const Value& v) {
  if (v.is_numeric()) return Value(v.as_number());
  if (v.type() == Value::Type::kString) {
    const std::string& s = v.as_string();
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) return Value(d);
    return Value();
  }
  call.Mismatch(v, "a number or string");
}

// @(part, …): the entity keyed by the parts' text joined by '/' (an entity
// part gives its key); null when the key would be empty.
Value KeyOf(const Call& call, const std::vector<Value>& parts) {
  std::string key;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) key += '/';
    const Value& part = parts[i];
    if (part.type() == Value::Type::kEntity) {
      key += part.as_entity().key;
    } else if (part.type() == Value::Type::kString) {
      key += part.as_string();
    } else if (part.type() == Value::Type::kList) {
      call.Mismatch(part, "a string, number, date or entity for each part");
    } else {
      key += part.ToString();
    }
  }
  if (key.empty()) return Value();
  return Value(Entity{std::move(key)});
}

std::string Trim(const std::string& s, bool left, bool right) {
  size_t b = 0, e = s.size();
  while (left && b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (right && e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// product, sum, min, max, avg of a list (path.share, path.amount): null when
// the list is empty or any item is null (a hop without the value makes the
// whole unknown); integers stay integers while they fit.
Value Fold(const Call& call, const std::string& name, const ValueList& items) {
  if (items.empty()) return Value();
  for (const Value& v : items) {
    if (v.is_null()) return Value();
    if (name != "min" && name != "max" && !v.is_numeric()) {
      call.Bad(fmt::format("needs numbers, got {}", TypeName(v.type())));
    }
  }
  if (name == "min" || name == "max") {
    Value best = items[0];
    for (const Value& v : items) {
      const int c = CompareForSort(v, best);
      if (name == "min" ? c < 0 : c > 0) best = v;
    }
    return best;
  }
  if (name == "sum") {
    NumberSum sum;
    for (const Value& v : items) sum.Add(v);
    return sum.Result();
  }
  bool ints = name != "avg";
  int64_t acc = name == "product" ? 1 : 0;
  double dacc = acc;
  for (const Value& v : items) {
    if (ints && v.type() == Value::Type::kInt) {
      int64_t next = 0;
      const bool overflow = name == "product" ? __builtin_mul_overflow(acc, v.as_int(), &next)
                                              : __builtin_add_overflow(acc, v.as_int(), &next);
      if (!overflow) {
        acc = next;
        dacc = static_cast<double>(acc);
        continue;
      }
    }
    ints = false;
    dacc = name == "product" ? dacc * v.as_number() : dacc + v.as_number();
  }
  if (name == "avg") return Value(dacc / static_cast<double>(items.size()));
  return ints ? Value(acc) : Value(dacc);
}

}  // namespace

bool LookupFunction(const std::string& name, size_t* min_args, size_t* max_args) {
  for (const Signature& f : kFunctions) {
    if (name == f.name) {
      *min_args = f.min;
      *max_args = f.max;
      return true;
    }
  }
  return false;
}

bool ReadsDatabase(const std::string& name) { return name == "ownership"; }

Value CallFunction(const std::string& name, const std::vector<Value>& args, ast::Pos pos) {
  for (const Value& a : args) {
    if (a.is_null()) return Value();
  }
  const Call call(name, args, pos);
  const Value& a = args[0];
  if (name == "lower" || name == "tolower" || name == "upper" || name == "toupper") {
    std::string s = call.Text(0);
    const bool lower = name[0] == 'l' || name[2] == 'l';
    for (char& c : s) {
      if (static_cast<unsigned char>(c) < 0x80) {
        c = static_cast<char>(lower ? std::tolower(c) : std::toupper(c));
      }
    }
    return Value(std::move(s));
  }
  if (name == "length" || name == "size") {
    if (a.type() == Value::Type::kList) return Value(static_cast<int64_t>(a.as_list().size()));
    if (a.type() == Value::Type::kPath) return Value(static_cast<int64_t>(a.as_path().hops.size()));
    return Value(static_cast<int64_t>(CodePoints(call.Text(0)).size() - 1));
  }
  if (name == "abs" && a.type() == Value::Type::kDecimal) {
    return DecimalFunction(name, a.as_decimal());
  }
  if (name == "abs") {
    if (a.type() == Value::Type::kInt) {
      if (a.as_int() == std::numeric_limits<int64_t>::min())
        FailAt("integer overflow in abs()", pos);
      return Value(a.as_int() < 0 ? -a.as_int() : a.as_int());
    }
    return Value(std::fabs(call.Number(0)));
  }
  if (name == "str" || name == "tostring") return Value(a.ToString());
  if (name == "year" || name == "month" || name == "day") return DatePart(call, name, a);
  if (name == "substring") {
    const std::string& s = call.Text(0);
    return Substring(call, s, call.Integer(1),
                     args.size() > 2 ? call.Integer(2) : std::numeric_limits<int64_t>::max());
  }
  if (name == "left") return Substring(call, call.Text(0), 0, call.Integer(1));
  if (name == "right") {
    const std::string& s = call.Text(0);
    const int64_t n = call.Integer(1);
    if (n < 0) call.Bad("the length must not be negative");
    const int64_t count = static_cast<int64_t>(CodePoints(s).size() - 1);
    return Substring(call, s, std::max<int64_t>(0, count - n), n);
  }
  if (name == "trim") return Value(Trim(call.Text(0), true, true));
  if (name == "ltrim") return Value(Trim(call.Text(0), true, false));
  if (name == "rtrim") return Value(Trim(call.Text(0), false, true));
  if (name == "replace") {
    std::string s = call.Text(0);
    const std::string& from = call.Text(1);
    const std::string& to = call.Text(2);
    if (from.empty()) return Value(s);
    std::string out;
    size_t at = 0, hit;
    while ((hit = s.find(from, at)) != std::string::npos) {
      out += s.substr(at, hit - at) + to;
      at = hit + from.size();
    }
    return Value(out + s.substr(at));
  }
  if (name == "split") {
    const std::string& s = call.Text(0);
    const std::string& delim = call.Text(1);
    ValueList parts;
    if (delim.empty()) call.Bad("the delimiter must not be empty");
    size_t at = 0, hit;
    while ((hit = s.find(delim, at)) != std::string::npos) {
      parts.emplace_back(s.substr(at, hit - at));
      at = hit + delim.size();
    }
    parts.emplace_back(s.substr(at));
    return Value(std::move(parts));
  }
  if (name == "reverse") {
    if (a.type() == Value::Type::kList) {
      ValueList items(a.as_list().rbegin(), a.as_list().rend());
      return Value(std::move(items));
    }
    const std::string& s = call.Text(0);
    const std::vector<size_t> cps = CodePoints(s);
    std::string out;
    for (size_t i = cps.size() - 1; i > 0; --i) out += s.substr(cps[i - 1], cps[i] - cps[i - 1]);
    return Value(out);
  }
  if (name == "tointeger") return ToInteger(call, a);
  if (name == "tofloat") return ToFloat(call, a);
  if (name == "decimal") return ToDecimal(call, a, args.size() > 1 ? call.Integer(1) : -1);
  if (a.type() == Value::Type::kDecimal && name != "sqrt" &&
      (name == "round" || name == "floor" || name == "ceil" || name == "sign" || name == "abs")) {
    return DecimalFunction(name, a.as_decimal());
  }
  if (name == "round" || name == "floor" || name == "ceil" || name == "sqrt" || name == "sign") {
    if (a.type() == Value::Type::kInt && name != "sqrt") {
      if (name == "sign") return Value(int64_t{(a.as_int() > 0) - (a.as_int() < 0)});
      return a;
    }
    const double x = call.Number(0);
    if (name == "round") return Value(std::floor(x + 0.5));  // half up, as Cypher
    if (name == "floor") return Value(std::floor(x));
    if (name == "ceil") return Value(std::ceil(x));
    if (name == "sign") return Value(int64_t{(x > 0) - (x < 0)});
    if (x < 0) call.Bad("the argument must not be negative");
    return Value(std::sqrt(x));
  }
  if (name == "date" || name == "datetime") {
    if (name == "date" && a.type() == Value::Type::kDate) return a;
    if (name == "datetime" && a.type() == Value::Type::kDateTime) return a;
    if (name == "date" && a.type() == Value::Type::kDateTime) {
      const int64_t micros = a.as_datetime().micros;
      const int64_t day = 86400LL * 1000000LL;
      return Value(Date{micros >= 0 ? micros / day : -((-micros + day - 1) / day)});
    }
    const std::string& s = call.Text(0);
    if (name == "date") {
      Date d;
      if (!ParseDate(s, &d)) call.Bad("'" + s + "' is not a date (YYYY-MM-DD)");
      return Value(d);
    }
    DateTime t;
    if (!ParseDateTime(s, &t)) call.Bad("'" + s + "' is not a datetime");
    return Value(t);
  }
  if (name == "nodes") {
    const Path& path = call.Arg(0, Value::Type::kPath, "a path").as_path();
    return Value(ValueList(path.nodes.begin(), path.nodes.end()));
  }
  if (name == "facts") {
    // Each hop as a path of one fact.
    const Path& path = call.Arg(0, Value::Type::kPath, "a path").as_path();
    ValueList facts;
    for (size_t i = 0; i < path.hops.size(); ++i) {
      facts.emplace_back(Path{{path.nodes[i], path.nodes[i + 1]}, {path.hops[i]}});
    }
    return Value(std::move(facts));
  }
  if (name == "product" || name == "sum" || name == "min" || name == "max" || name == "avg") {
    return Fold(call, name, call.Arg(0, Value::Type::kList, "a list").as_list());
  }
  if (name == "@") return KeyOf(call, args);
  if (name == "head" || name == "last") {
    const ValueList& items = call.Arg(0, Value::Type::kList, "a list").as_list();
    if (items.empty()) return Value();
    return name == "head" ? items.front() : items.back();
  }
  FailAt("unknown function '" + name + "'", pos);
}

}  // namespace quipu::query
