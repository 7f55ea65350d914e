#include "import/csv_load.h"

#include <charconv>
#include <cstdint>
#include <optional>

#include "import/csv_reader.h"

namespace quipu::import {
namespace {

enum class ColumnType : uint8_t { kInfer, kInt, kDecimal, kBool, kDate, kDateTime, kString };

struct Column {
  std::string name;
  ColumnType type = ColumnType::kInfer;
};

std::optional<ColumnType> TypeHint(std::string_view hint) {
  if (hint == "int" || hint == "integer" || hint == "long") return ColumnType::kInt;
  if (hint == "decimal" || hint == "double" || hint == "float") return ColumnType::kDecimal;
  if (hint == "boolean" || hint == "bool") return ColumnType::kBool;
  if (hint == "date") return ColumnType::kDate;
  if (hint == "datetime") return ColumnType::kDateTime;
  if (hint == "string" || hint == "str") return ColumnType::kString;
  return std::nullopt;
}

Column ParseHeader(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon != std::string::npos && colon > 0) {
    if (std::optional<ColumnType> t = TypeHint(text.substr(colon + 1))) {
      return Column{text.substr(0, colon), *t};
    }
  }
  return Column{text, ColumnType::kInfer};
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

std::optional<Value> AsDecimal(const std::string& s) {
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
    case ColumnType::kDecimal:
      return AsDecimal(s);
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
  if (auto v = AsDecimal(s)) return v;
  if (auto v = AsDate(s)) return v;
  if (auto v = AsDateTime(s)) return v;
  if (auto v = AsBool(s)) return v;
  return Value(s);
}

// The fraction a percentage stands for: the text's decimal point moved two
// places, so "38.85" is exactly the decimal 0.3885 (dividing the double by
// 100 could land one unit in the last place off).
std::optional<Value> FromPercent(const std::string& text) {
  if (!AsDecimal(text)) return std::nullopt;
  const size_t e = text.find_first_of("eE");
  const std::string mantissa = text.substr(text[0] == '+' ? 1 : 0, e - (text[0] == '+' ? 1 : 0));
  int64_t exponent = -2;
  if (e != std::string::npos) {
    const std::optional<Value> given = AsInt(text.substr(e + 1));
    if (!given) return std::nullopt;
    exponent += given->as_int();
  }
  return AsDecimal(mantissa + "e" + std::to_string(exponent));
}

const char* TypeWord(ColumnType type) {
  switch (type) {
    case ColumnType::kInt:
      return "an integer";
    case ColumnType::kDecimal:
      return "a decimal";
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

class CsvLoad {
 public:
  CsvLoad(const ast::LoadStatement& load, FileSource* source, FactWriter* writer,
          LoadReport* report)
      : load_(load), source_(source), reader_(source), writer_(writer), report_(report) {}

  Status Run() {
    std::vector<std::string> fields;
    Result<bool> got = reader_.Next(&fields);
    if (!got.ok()) return got.status();
    if (!*got)
      return Status::InvalidArgument("cannot load '" + source_->path() + "': the file is empty");
    for (const std::string& f : fields) {
      columns_.push_back(ParseHeader(f));
      for (size_t i = 0; i + 1 < columns_.size(); ++i) {
        if (columns_[i].name == columns_.back().name) {
          return Status::InvalidArgument("cannot load '" + source_->path() + "': the column '" +
                                         columns_[i].name + "' appears twice in the header");
        }
      }
    }
    const bool nodes = load_.source == ast::LoadStatement::Source::kCsvNodes;
    Result<size_t> first = ColumnIndex(nodes ? load_.key_column : load_.from_column);
    if (!first.ok()) return first.status();
    first_ = *first;
    if (!nodes) {
      Result<size_t> second = ColumnIndex(load_.to_column);
      if (!second.ok()) return second.status();
      second_ = *second;
    }
    if (!load_.percent_column.empty()) {
      Result<size_t> percent = ColumnIndex(load_.percent_column);
      if (!percent.ok()) return percent.status();
      if (*percent == first_ || (!nodes && *percent == second_)) {
        return Status::InvalidArgument("cannot load '" + source_->path() + "': the column '" +
                                       load_.percent_column +
                                       "' holds entity keys, not percentages");
      }
      percent_ = *percent;
    }
    for (;;) {
      got = reader_.Next(&fields);
      if (!got.ok()) {
        if (!source_->status().ok()) return got.status();
        if (Status s = report_->Fail(got.status().message()); !s.ok()) return s;
        continue;
      }
      if (!*got) return Status::Ok();
      Status s = nodes ? NodeRow(fields) : EdgeRow(fields);
      if (!s.ok()) return s;
    }
  }

 private:
  Result<size_t> ColumnIndex(const std::string& name) {
    std::string names;
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i].name == name) return i;
      names += (i ? ", " : "") + columns_[i].name;
    }
    return Status::InvalidArgument("cannot load '" + source_->path() + "': no column '" + name +
                                   "' in the header (the columns are " + names + ")");
  }

  // Fails (or skips) a row; returns a status only when the load must stop.
  Status RowError(const std::string& message) {
    return report_->Fail(Position(source_->path(), reader_.record_line(), 1) + message);
  }

  // Checks the row's shape and types every field; false when the row is bad.
  bool TypeRow(const std::vector<std::string>& fields, std::vector<std::optional<Value>>* values,
               Status* status) {
    if (fields.size() != columns_.size()) {
      *status = RowError("expected " + std::to_string(columns_.size()) +
                         " fields as in the header, found " + std::to_string(fields.size()));
      return false;
    }
    values->assign(fields.size(), std::nullopt);
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].empty()) continue;
      (*values)[i] = Typed(fields[i], columns_[i].type);
      if ((*values)[i] && i == percent_) {
        (*values)[i] = FromPercent(fields[i]);
        if (!(*values)[i]) {
          *status = RowError("'" + fields[i] + "' in column '" + columns_[i].name +
                             "' is not a number (the column is in percent)");
          return false;
        }
      }
      if (!(*values)[i]) {
        *status = RowError("'" + fields[i] + "' in column '" + columns_[i].name + "' is not " +
                           TypeWord(columns_[i].type));
        return false;
      }
    }
    return true;
  }

  Status NodeRow(const std::vector<std::string>& fields) {
    std::vector<std::optional<Value>> values;
    Status status;
    if (!TypeRow(fields, &values, &status)) return status;
    if (fields[first_].empty())
      return RowError("the key column '" + load_.key_column + "' is empty");
    const Value node(Entity{fields[first_]});
    if (Status s = writer_->AddLabel(node, load_.label); !s.ok()) return s;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i == first_ || !values[i]) continue;
      if (Status s = writer_->Add(node, Value(Entity{columns_[i].name}), *values[i]); !s.ok()) {
        return s;
      }
    }
    return Status::Ok();
  }

  Status EdgeRow(const std::vector<std::string>& fields) {
    std::vector<std::optional<Value>> values;
    Status status;
    if (!TypeRow(fields, &values, &status)) return status;
    if (fields[first_].empty()) return RowError("the column '" + load_.from_column + "' is empty");
    if (fields[second_].empty()) return RowError("the column '" + load_.to_column + "' is empty");
    NamedAnnotations annotations;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i == first_ || i == second_ || !values[i]) continue;
      annotations.emplace_back(columns_[i].name, *values[i]);
    }
    return writer_->Add(Value(Entity{fields[first_]}), Value(Entity{load_.predicate}),
                        Value(Entity{fields[second_]}), annotations);
  }

  const ast::LoadStatement& load_;
  FileSource* source_;
  CsvReader reader_;
  FactWriter* writer_;
  LoadReport* report_;
  std::vector<Column> columns_;
  size_t first_ = 0, second_ = 0;
  size_t percent_ = SIZE_MAX;  // the column in percent, if any
};

}  // namespace

Status LoadCsv(const ast::LoadStatement& load, FileSource* source, FactWriter* writer,
               LoadReport* report) {
  return CsvLoad(load, source, writer, report).Run();
}

}  // namespace quipu::import
