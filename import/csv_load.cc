#include "import/csv_load.h"

#include <cstdint>
#include <optional>

#include "import/csv_table.h"

namespace quipu::import {
namespace {

class CsvLoad {
 public:
  CsvLoad(const LoadRequest& load, FileSource* source, FactWriter* writer, LoadReport* report)
      : load_(load), table_(source, report, /*infer=*/true), writer_(writer) {}

  Status Run() {
    if (Status s = table_.ReadHeader(); !s.ok()) return s;
    const bool nodes = load_.source == LoadRequest::Source::kCsvNodes;
    Result<size_t> first = table_.ColumnIndex(nodes ? load_.key_column : load_.from_column);
    if (!first.ok()) return first.status();
    first_ = *first;
    if (!nodes) {
      Result<size_t> second = table_.ColumnIndex(load_.to_column);
      if (!second.ok()) return second.status();
      second_ = *second;
    }
    if (!load_.percent_column.empty()) {
      Result<size_t> percent = table_.ColumnIndex(load_.percent_column);
      if (!percent.ok()) return percent.status();
      if (*percent == first_ || (!nodes && *percent == second_)) {
        return Status::InvalidArgument("cannot load '" + table_.path() + "': the column '" +
                                       load_.percent_column +
                                       "' holds entity keys, not percentages");
      }
      percent_ = *percent;
    }
    for (;;) {
      Result<bool> got = table_.NextRow();
      if (!got.ok()) return got.status();
      if (!*got) return Status::Ok();
      Status s = nodes ? NodeRow() : EdgeRow();
      if (!s.ok()) return s;
    }
  }

 private:
  // The row's values with the percent column turned into fractions; false
  // (after reporting the row) when that column holds something else.
  bool RowValues(Status* status) {
    values_ = table_.values();
    if (percent_ == SIZE_MAX || values_[percent_].is_null()) return true;
    const std::string& text = table_.fields()[percent_];
    std::optional<Value> fraction = PercentAsFraction(text);
    if (!fraction) {
      *status = table_.RowError("'" + text + "' in column '" + load_.percent_column +
                                "' is not a number (the column is in percent)");
      return false;
    }
    values_[percent_] = std::move(*fraction);
    return true;
  }

  Status NodeRow() {
    const std::vector<std::string>& fields = table_.fields();
    Status bad;
    if (!RowValues(&bad)) return bad;
    const std::vector<Value>& values = values_;
    if (fields[first_].empty()) {
      return table_.RowError("the key column '" + load_.key_column + "' is empty");
    }
    const Value node(Entity{fields[first_]});
    if (Status s = writer_->AddLabel(node, load_.label); !s.ok()) return s;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i == first_ || values[i].is_null()) continue;
      Status s = writer_->Add(node, Value(Entity{table_.columns()[i].name}), values[i]);
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  Status EdgeRow() {
    const std::vector<std::string>& fields = table_.fields();
    Status bad;
    if (!RowValues(&bad)) return bad;
    const std::vector<Value>& values = values_;
    if (fields[first_].empty()) {
      return table_.RowError("the column '" + load_.from_column + "' is empty");
    }
    if (fields[second_].empty()) {
      return table_.RowError("the column '" + load_.to_column + "' is empty");
    }
    NamedAnnotations annotations;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i == first_ || i == second_ || values[i].is_null()) continue;
      annotations.emplace_back(table_.columns()[i].name, values[i]);
    }
    return writer_->Add(Value(Entity{fields[first_]}), Value(Entity{load_.predicate}),
                        Value(Entity{fields[second_]}), annotations);
  }

  const LoadRequest& load_;
  CsvTable table_;
  FactWriter* writer_;
  size_t first_ = 0, second_ = 0;
  size_t percent_ = SIZE_MAX;  // the column in percent, if any
  std::vector<Value> values_;
};

}  // namespace

Status LoadCsv(const LoadRequest& load, FileSource* source, FactWriter* writer,
               LoadReport* report) {
  return CsvLoad(load, source, writer, report).Run();
}

}  // namespace quipu::import
