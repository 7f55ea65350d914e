// Value: one typed cell of a result row, independent of how it is stored.
// Thread-safety: a Value is a plain value type.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "quipu/export.h"

namespace quipu {

// Days since 1970-01-01 (proleptic Gregorian), negative before.
struct Date {
  int64_t days = 0;
  bool operator==(const Date&) const = default;
};

// Microseconds since 1970-01-01T00:00:00Z, negative before.
struct DateTime {
  int64_t micros = 0;
  bool operator==(const DateTime&) const = default;
};

// An entity (node) or predicate, named by its key: "cosco" for @cosco, or an
// absolute IRI such as "http://www.wikidata.org/entity/Q42".
struct Entity {
  std::string key;
  bool operator==(const Entity&) const = default;
};

// An exact decimal number: unscaled / 10^scale, with at most 18 significant
// digits (unscaled fits int64 with |unscaled| < 10^18) and scale 0..18. Always
// in canonical form, as xsd:decimal's: no trailing zeros after the point
// (12.50 is {1250, 2} → {125, 1}), so equal numbers have equal fields.
struct Decimal {
  int64_t unscaled = 0;
  uint8_t scale = 0;
  bool operator==(const Decimal&) const = default;
};

// A string with a language tag ("Perú"@es).
struct LangString {
  std::string text;
  std::string lang;
  bool operator==(const LangString&) const = default;
};

class Value;
struct Path;
// A list value (from [..] literals, collect(), split()); lists are results
// only and cannot be stored as facts.
using ValueList = std::vector<Value>;

class QUIPU_EXPORT Value {
 public:
  // The order matches Storage's alternatives.
  enum class Type : uint8_t {
    kNull,
    kBool,
    kInt,
    kDouble,
    kString,
    kLangString,
    kDate,
    kDateTime,
    kEntity,
    kList,
    kPath,
    kDecimal,
  };
  using Storage =
      std::variant<std::monostate, bool, int64_t, double, std::string, LangString, Date, DateTime,
                   Entity, std::shared_ptr<const ValueList>, std::shared_ptr<const Path>, Decimal>;

  Value() = default;
  explicit Value(bool b) : v_(b) {}
  explicit Value(int64_t i) : v_(i) {}
  explicit Value(int i) : v_(int64_t{i}) {}
  explicit Value(double d) : v_(d) {}
  explicit Value(std::string s) : v_(std::move(s)) {}
  explicit Value(const char* s) : v_(std::string(s)) {}
  explicit Value(LangString s) : v_(std::move(s)) {}
  explicit Value(Date d) : v_(d) {}
  explicit Value(DateTime d) : v_(d) {}
  explicit Value(Entity e) : v_(std::move(e)) {}
  // REQUIRES: d is canonical (MakeDecimal and ParseDecimal give such).
  explicit Value(Decimal d) : v_(d) {}
  explicit Value(ValueList list) : v_(std::make_shared<const ValueList>(std::move(list))) {}
  explicit Value(Path path);

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_numeric() const {
    return type() == Type::kInt || type() == Type::kDouble || type() == Type::kDecimal;
  }

  // REQUIRES: type() matches the accessor.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  Decimal as_decimal() const { return std::get<Decimal>(v_); }
  // Numeric value as a double (a decimal rounded to the nearest).
  // REQUIRES: is_numeric().
  double as_number() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const LangString& as_lang_string() const { return std::get<LangString>(v_); }
  Date as_date() const { return std::get<Date>(v_); }
  DateTime as_datetime() const { return std::get<DateTime>(v_); }
  const Entity& as_entity() const { return std::get<Entity>(v_); }
  const ValueList& as_list() const { return *std::get<std::shared_ptr<const ValueList>>(v_); }
  const Path& as_path() const { return *std::get<std::shared_ptr<const Path>>(v_); }
  const Storage& storage() const { return v_; }

  // Plain text: strings raw, entities as @key or <iri>, dates ISO 8601,
  // doubles in shortest round-trip form, null as "null".
  std::string ToString() const;
  // As a literal of the query language ("text" quoted, date '...').
  std::string ToLiteral() const;

  // Lists and paths compare by their items, everything else by type and value.
  bool operator==(const Value& other) const;

 private:
  Storage v_;
};

// One hop of a path: a fact between two consecutive nodes. `forward` is
// true when the fact points along the path (nodes[i] -p-> nodes[i + 1]),
// false when it points back. Annotations are those of the fact's instance
// the hop used (see docs/language.md, "Paths"), sorted by key.
struct QUIPU_EXPORT PathHop {
  Entity predicate;
  bool forward = true;
  std::vector<std::pair<std::string, Value>> annotations;
  bool operator==(const PathHop&) const;
};

// A path value: nodes.size() == hops.size() + 1. Printed as a pattern:
// (@a)-[:owns {share: 0.6}]->(@b)<-[:funds]-(@c).
struct QUIPU_EXPORT Path {
  std::vector<Value> nodes;
  std::vector<PathHop> hops;
  bool operator==(const Path&) const;
};

inline Value::Value(Path path) : v_(std::make_shared<const Path>(std::move(path))) {}

QUIPU_EXPORT const char* TypeName(Value::Type type);

// Calendar helpers shared by the parser, the storage codec and printing.
// Returns false when the text is not a valid date (YYYY-MM-DD, years -9999..9999).
QUIPU_EXPORT bool ParseDate(const std::string& text, Date* out);
// Accepts YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM|-HH:MM]; stored in UTC.
QUIPU_EXPORT bool ParseDateTime(const std::string& text, DateTime* out);
QUIPU_EXPORT std::string FormatDate(Date d);
QUIPU_EXPORT std::string FormatDateTime(DateTime d);

// Decimal helpers. ParseDecimal accepts [+-]digits[.digits] (or .digits),
// leading and trailing zeros included, with at most 18 significant digits
// and 18 after the point, and gives the canonical form; false otherwise.
// FormatDecimal gives canonical text: "12.5", "-0.05", "100".
QUIPU_EXPORT bool ParseDecimal(std::string_view text, Decimal* out);
QUIPU_EXPORT std::string FormatDecimal(Decimal d);
QUIPU_EXPORT double DecimalToDouble(Decimal d);

// How an entity key prints: @key when it is a plain identifier, prefix:local
// for the well-known RDF vocabularies, <iri> otherwise.
QUIPU_EXPORT std::string FormatEntityKey(const std::string& key);

// `s` in double quotes with \" \\ \n \t \r and \u00XX for other control
// characters: a string literal of the query language, and of JSON.
QUIPU_EXPORT std::string QuoteString(std::string_view s);
QUIPU_EXPORT bool IsPlainKey(const std::string& key);

}  // namespace quipu
