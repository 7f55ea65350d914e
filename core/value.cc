#include "quipu/value.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdio>

namespace quipu {
namespace {

// Howard Hinnant's days_from_civil / civil_from_days (public domain).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at text[*pos].
bool ReadDigits(const std::string& text, size_t* pos, int n, int64_t* out) {
  int64_t v = 0;
  for (int i = 0; i < n; ++i) {
    if (*pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[*pos]))) {
      return false;
    }
    v = v * 10 + (text[(*pos)++] - '0');
  }
  *out = v;
  return true;
}

bool ParseDatePart(const std::string& text, size_t* pos, Date* out) {
  bool negative = false;
  if (*pos < text.size() && (text[*pos] == '-' || text[*pos] == '+')) {
    negative = text[*pos] == '-';
    ++*pos;
  }
  int64_t y, m, d;
  if (!ReadDigits(text, pos, 4, &y)) return false;
  if (*pos >= text.size() || text[(*pos)++] != '-') return false;
  if (!ReadDigits(text, pos, 2, &m)) return false;
  if (*pos >= text.size() || text[(*pos)++] != '-') return false;
  if (!ReadDigits(text, pos, 2, &d)) return false;
  if (negative) y = -y;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<unsigned>(m))) return false;
  out->days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

}  // namespace

bool ParseDate(const std::string& text, Date* out) {
  size_t pos = 0;
  return ParseDatePart(text, &pos, out) && pos == text.size();
}

bool ParseDateTime(const std::string& text, DateTime* out) {
  size_t pos = 0;
  Date date;
  if (!ParseDatePart(text, &pos, &date)) return false;
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != ' ')) return false;
  ++pos;
  int64_t h, mi, s;
  if (!ReadDigits(text, &pos, 2, &h) || pos >= text.size() || text[pos++] != ':') return false;
  if (!ReadDigits(text, &pos, 2, &mi)) return false;
  s = 0;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!ReadDigits(text, &pos, 2, &s)) return false;
  }
  if (h > 23 || mi > 59 || s > 59) return false;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return false;
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos++] == '-' ? -1 : 1;
    int64_t oh, om;
    if (!ReadDigits(text, &pos, 2, &oh) || pos >= text.size() || text[pos++] != ':') return false;
    if (!ReadDigits(text, &pos, 2, &om) || oh > 23 || om > 59) return false;
    offset_minutes = sign * (oh * 60 + om);
  }
  if (pos != text.size()) return false;
  const int64_t seconds = date.days * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
  out->micros = seconds * 1000000 + micros;
  return true;
}

std::string FormatDate(Date d) {
  int64_t y;
  unsigned m, day;
  CivilFromDays(d.days, &y, &m, &day);
  if (y < 0) return fmt::format("-{:04}-{:02}-{:02}", -y, m, day);
  return fmt::format("{:04}-{:02}-{:02}", y, m, day);
}

std::string FormatDateTime(DateTime d) {
  int64_t micros = d.micros % 1000000;
  int64_t seconds = d.micros / 1000000;
  if (micros < 0) {
    micros += 1000000;
    seconds -= 1;
  }
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  std::string out = fmt::format("{}T{:02}:{:02}:{:02}", FormatDate(Date{days}), rem / 3600,
                                rem / 60 % 60, rem % 60);
  if (micros != 0) out += fmt::format(".{:06}", micros);
  return out + "Z";
}

bool IsPlainKey(const std::string& key) {
  if (key.empty()) return false;
  const unsigned char first = static_cast<unsigned char>(key[0]);
  if (!std::isalpha(first) && first != '_') return false;
  for (unsigned char c : key) {
    if (!std::isalnum(c) && c != '_') return false;
  }
  return true;
}

std::string FormatEntityKey(const std::string& key) {
  static const std::pair<const char*, const char*> kPrefixes[] = {
      {"rdf:", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"},
      {"rdfs:", "http://www.w3.org/2000/01/rdf-schema#"},
      {"xsd:", "http://www.w3.org/2001/XMLSchema#"},
      {"owl:", "http://www.w3.org/2002/07/owl#"},
  };
  if (IsPlainKey(key)) return "@" + key;
  for (const auto& [prefix, ns] : kPrefixes) {
    const std::string_view nsv(ns);
    if (key.size() > nsv.size() && key.compare(0, nsv.size(), nsv) == 0 &&
        IsPlainKey(key.substr(nsv.size()))) {
      return prefix + key.substr(nsv.size());
    }
  }
  return "<" + key + ">";
}

const char* TypeName(Value::Type type) {
  switch (type) {
    case Value::Type::kNull:
      return "null";
    case Value::Type::kBool:
      return "boolean";
    case Value::Type::kInt:
      return "integer";
    case Value::Type::kDouble:
      return "float";
    case Value::Type::kDecimal:
      return "decimal";
    case Value::Type::kString:
      return "string";
    case Value::Type::kLangString:
      return "language-tagged string";
    case Value::Type::kDate:
      return "date";
    case Value::Type::kDateTime:
      return "datetime";
    case Value::Type::kEntity:
      return "entity";
    case Value::Type::kList:
      return "list";
    case Value::Type::kPath:
      return "path";
  }
  return "unknown";
}

std::string Value::ToString() const {
  switch (type()) {
    case Type::kNull:
      return "null";
    case Type::kBool:
      return as_bool() ? "true" : "false";
    case Type::kInt:
      return fmt::format("{}", as_int());
    case Type::kDouble: {
      const double d = as_double();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      return fmt::format("{}", d);
    }
    case Type::kString:
      return as_string();
    case Type::kLangString:
      return as_lang_string().text + "@" + as_lang_string().lang;
    case Type::kDate:
      return FormatDate(as_date());
    case Type::kDateTime:
      return FormatDateTime(as_datetime());
    case Type::kEntity:
      return FormatEntityKey(as_entity().key);
    case Type::kList:
    case Type::kPath:
      return ToLiteral();
    case Type::kDecimal:
      return FormatDecimal(as_decimal());
  }
  return "";
}

double Value::as_number() const {
  switch (type()) {
    case Type::kInt:
      return static_cast<double>(as_int());
    case Type::kDecimal:
      return DecimalToDouble(as_decimal());
    default:
      return as_double();
  }
}

bool Value::operator==(const Value& other) const {
  if (type() == Type::kList && other.type() == Type::kList) return as_list() == other.as_list();
  if (type() == Type::kPath && other.type() == Type::kPath) return as_path() == other.as_path();
  return v_ == other.v_;
}

bool PathHop::operator==(const PathHop& other) const {
  return predicate == other.predicate && forward == other.forward &&
         annotations == other.annotations;
}

bool Path::operator==(const Path& other) const {
  return nodes == other.nodes && hops == other.hops;
}

std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string Value::ToLiteral() const {
  switch (type()) {
    case Type::kString:
      return QuoteString(as_string());
    case Type::kLangString:
      return QuoteString(as_lang_string().text) + "@" + as_lang_string().lang;
    case Type::kDate:
      return "date '" + ToString() + "'";
    case Type::kDateTime:
      return "datetime '" + ToString() + "'";
    case Type::kDecimal:
      return "decimal('" + ToString() + "')";
    case Type::kList: {
      std::string out = "[";
      for (size_t i = 0; i < as_list().size(); ++i) {
        out += (i ? ", " : "") + as_list()[i].ToLiteral();
      }
      return out + "]";
    }
    case Type::kPath: {
      const Path& path = as_path();
      std::string out = "(" + path.nodes[0].ToString() + ")";
      for (size_t i = 0; i < path.hops.size(); ++i) {
        const PathHop& hop = path.hops[i];
        out += hop.forward ? "-[:" : "<-[:";
        const std::string& key = hop.predicate.key;
        out += IsPlainKey(key) ? key : FormatEntityKey(key);
        if (!hop.annotations.empty()) {
          out += " {";
          for (size_t a = 0; a < hop.annotations.size(); ++a) {
            out += (a ? ", " : "") + hop.annotations[a].first + ": " +
                   hop.annotations[a].second.ToLiteral();
          }
          out += "}";
        }
        out += hop.forward ? "]->(" : "]-(";
        out += path.nodes[i + 1].ToString() + ")";
      }
      return out;
    }
    default:
      return ToString();
  }
}

}  // namespace quipu
