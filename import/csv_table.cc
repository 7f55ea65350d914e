#include "import/csv_table.h"

#include <charconv>
#include <optional>

namespace quipu::import {
namespace {

using ColumnType = CsvTable::ColumnType;

std::optional<ColumnType> TypeHint(std::string_view hint) {
  if (hint == "int" || hint == "integer" || hint == "long") return ColumnType::kInt;
  if (hint == "double" || hint == "float") return ColumnType::kFloat;
  if (hint == "decimal") return ColumnType::kDecimal;
  if (hint == "boolean" || hint == "bool") return ColumnType::kBool;
  if (hint == "date") return ColumnType::kDate;
  if (hint == "datetime") return ColumnType::kDateTime;
  if (hint == "string" || hint == "str") return ColumnType::kString;
  return std::nullopt;
}

CsvTable::Column ParseHeader(const std::string& text, bool infer) {
  const size_t colon = text.rfind(':');
  if (colon != std::string::npos && colon > 0) {
    if (std::optional<ColumnType> t = TypeHint(text.substr(colon + 1))) {
      return CsvTable::Column{text.substr(0, colon), *t};
    }
  }
  return CsvTable::Column{text, infer ? ColumnType::kInfer : ColumnType::kString};
}

std::optional<Value> AsInt(const std::string& s) {
  std::string_view v(s);
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) v.remove_prefix(1);
  if (v.empty() || (v.size() > 1 && v[0] == '0')) return std::nullopt;
  int64_t i = 0;
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  const auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), i);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return Value(i);
}

std::optional<Value> AsFloat(const std::string& s) {
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  double d = 0;
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  const auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), d);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return Value(d);
}

std::optional<Value> AsBool(const std::string& s) {
  if (s == "true" || s == "TRUE" || s == "True") return Value(true);
  if (s == "false" || s == "FALSE" || s == "False") return Value(false);
  return std::nullopt;
}

std::optional<Value> AsDate(const std::string& s) {
  Date d;
  if (s.size() == 10 && ParseDate(s, &d)) return Value(d);
  return std::nullopt;
}

std::optional<Value> AsDateTime(const std::string& s) {
  DateTime t;
  if (s.size() > 10 && (s[10] == 'T' || s[10] == ' ') && ParseDateTime(s, &t)) return Value(t);
  return std::nullopt;
}

// The typed value of a non-empty field, or nullopt when it does not fit the hint.
std::optional<Value> Typed(const std::string& s, ColumnType type) {
  switch (type) {
    case ColumnType::kInt:
      return AsInt(s);
    case ColumnType::kFloat:
      return AsFloat(s);
    case ColumnType::kDecimal: {
      Decimal d;
      if (!ParseDecimal(s, &d)) return std::nullopt;
      return Value(d);
    }
    case ColumnType::kBool:
      return AsBool(s);
    case ColumnType::kDate:
      return AsDate(s);
    case ColumnType::kDateTime:
      return AsDateTime(s);
    case ColumnType::kString:
      return Value(s);
    case ColumnType::kInfer:
      break;
  }
  if (auto v = AsInt(s)) return v;
  // A leading zero before a digit (a postcode, an id) keeps the text.
  const size_t digits = s[0] == '-' || s[0] == '+' ? 1 : 0;
  if (s.size() > digits + 1 && s[digits] == '0' && s[digits + 1] >= '0' && s[digits + 1] <= '9') {
    return Value(s);
  }
  if (auto v = AsFloat(s)) return v;
  if (auto v = AsDate(s)) return v;
  if (auto v = AsDateTime(s)) return v;
  if (auto v = AsBool(s)) return v;
  return Value(s);
}

const char* TypeWord(ColumnType type) {
  switch (type) {
    case ColumnType::kInt:
      return "an integer";
    case ColumnType::kFloat:
      return "a float";
    case ColumnType::kDecimal:
      return "a decimal (at most 18 significant digits and 18 places)";
    case ColumnType::kBool:
      return "a boolean";
    case ColumnType::kDate:
      return "a date (YYYY-MM-DD)";
    case ColumnType::kDateTime:
      return "a datetime";
    default:
      return "a value";
  }
}

}  // namespace

std::optional<Value> PercentAsFraction(const std::string& text) {
  if (!AsFloat(text)) return std::nullopt;
  const size_t e = text.find_first_of("eE");
  const size_t sign = text[0] == '+' ? 1 : 0;
  const std::string mantissa =
      text.substr(sign, e == std::string::npos ? std::string::npos : e - sign);
  int64_t exponent = -2;
  if (e != std::string::npos) {
    const std::optional<Value> given = AsInt(text.substr(e + 1));
    if (!given) return std::nullopt;
    exponent += given->as_int();
  }
  return AsFloat(mantissa + "e" + std::to_string(exponent));
}

CsvTable::CsvTable(FileSource* source, LoadReport* report, bool infer)
    : source_(source), reader_(source), report_(report), infer_(infer) {}

Status CsvTable::ReadHeader() {
  Result<bool> got = reader_.Next(&fields_);
  if (!got.ok()) return got.status();
  if (!*got) return Status::InvalidArgument("cannot load '" + path() + "': the file is empty");
  for (const std::string& f : fields_) {
    columns_.push_back(ParseHeader(f, infer_));
    for (size_t i = 0; i + 1 < columns_.size(); ++i) {
      if (columns_[i].name == columns_.back().name) {
        return Status::InvalidArgument("cannot load '" + path() + "': the column '" +
                                       columns_[i].name + "' appears twice in the header");
      }
    }
  }
  return Status::Ok();
}

std::string CsvTable::ColumnNames() const {
  std::string names;
  for (size_t i = 0; i < columns_.size(); ++i) names += (i ? ", " : "") + columns_[i].name;
  return names;
}

Result<size_t> CsvTable::ColumnIndex(const std::string& name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  return Status::InvalidArgument("cannot load '" + path() + "': no column '" + name +
                                 "' in the header (the columns are " + ColumnNames() + ")");
}

Status CsvTable::RowError(const std::string& message) {
  return report_->Fail(Position(path(), line(), 1) + message);
}

Result<bool> CsvTable::NextRow() {
  for (;;) {
    Result<bool> got = reader_.Next(&fields_);
    if (!got.ok()) {
      if (!source_->status().ok()) return got.status();
      if (Status s = report_->Fail(got.status().message()); !s.ok()) return s;
      continue;
    }
    if (!*got) return false;
    Status status;
    if (TypeRow(&status)) return true;
    if (!status.ok()) return status;
  }
}

bool CsvTable::TypeRow(Status* status) {
  if (fields_.size() != columns_.size()) {
    *status = RowError("expected " + std::to_string(columns_.size()) +
                       " fields as in the header, found " + std::to_string(fields_.size()));
    return false;
  }
  values_.assign(fields_.size(), Value());
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].empty()) continue;
    std::optional<Value> v = Typed(fields_[i], columns_[i].type);
    if (!v) {
      *status = RowError("'" + fields_[i] + "' in column '" + columns_[i].name + "' is not " +
                         TypeWord(columns_[i].type));
      return false;
    }
    values_[i] = std::move(*v);
  }
  return true;
}

}  // namespace quipu::import
