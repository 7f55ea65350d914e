// CsvTable: a CSV file as a header and typed rows, for the CSV loads
// (nodes, edges and rows). The first record is the header; a header may carry
// a type hint after a colon, `founded:int`, naming the column `founded`: int
// (integer, long), decimal (double, float), boolean (bool), date, datetime,
// string (str). A field that does not fit its hint is a bad row. A field
// without a hint is typed by its form when the table infers types (an
// integer without a leading zero, a decimal, a date YYYY-MM-DD, a datetime,
// true or false; anything else a string), and stays a string otherwise.
// Empty fields are null. Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "import/csv_reader.h"
#include "import/file_source.h"
#include "import/load_report.h"
#include "quipu/status.h"
#include "quipu/value.h"

namespace quipu::import {

// The fraction a percentage stands for: the text's decimal point moved two
// places, so "38.85" is exactly the decimal 0.3885 (dividing the double by
// 100 could land one unit in the last place off). nullopt when the text is
// not a number.
std::optional<Value> PercentAsFraction(const std::string& text);

class CsvTable {
 public:
  // kFloat: a double; kDecimal: an exact decimal (include/quipu/value.h).
  enum class ColumnType : uint8_t {
    kInfer,
    kInt,
    kFloat,
    kDecimal,
    kBool,
    kDate,
    kDateTime,
    kString
  };
  struct Column {
    std::string name;
    ColumnType type = ColumnType::kInfer;
  };

  // `infer`: type the fields without a hint by their form.
  CsvTable(FileSource* source, LoadReport* report, bool infer);

  // Reads the header. Fails on an empty file or a column named twice.
  Status ReadHeader();
  const std::vector<Column>& columns() const { return columns_; }
  // The index of a column, or an error that names every column.
  Result<size_t> ColumnIndex(const std::string& name) const;
  // "a, b, c": the columns' names, for messages.
  std::string ColumnNames() const;

  // Reads the next good row: its raw fields and their typed values (null for
  // an empty field). A bad row (a syntax error, the wrong number of fields,
  // a field that does not fit its hint) is reported; with `on error skip` it
  // is skipped and the next one read. Returns false at the end of the file,
  // an error when the load must stop.
  Result<bool> NextRow();
  const std::vector<std::string>& fields() const { return fields_; }
  const std::vector<Value>& values() const { return values_; }

  // Reports the current row as bad: "FILE:LINE:1: message". Returns an error
  // only when the load must stop (errors are not skipped).
  Status RowError(const std::string& message);
  const std::string& path() const { return source_->path(); }
  // The line where the current row began (1-based).
  uint64_t line() const { return reader_.record_line(); }

 private:
  // Checks the row's shape and types its fields; false when the row is bad.
  bool TypeRow(Status* status);

  FileSource* source_;
  CsvReader reader_;
  LoadReport* report_;
  bool infer_;
  std::vector<Column> columns_;
  std::vector<std::string> fields_;
  std::vector<Value> values_;
};

}  // namespace quipu::import
