#include "import/csv_load.h"

#include <cstdint>
#include <optional>

#include "import/batch_queue.h"
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
    width_ = table_.columns().size();
    for (const CsvTable::Column& column : table_.columns()) {
      column_names_.emplace_back(Entity{column.name});
    }
    predicate_ = Value(Entity{load_.predicate});
    // The rows are read, typed and checked on a second thread while this
    // one interns and writes them, in order (as LoadRdf parses): every bad
    // row is found by the reading thread, so the report keeps file order.
    return RunPipeline<Value>([&](BatchQueue<Value>* queue) { return ReadRows(nodes, queue); },
                              [&](const std::vector<Value>& batch) {
                                for (size_t row = 0; row + width_ <= batch.size(); row += width_) {
                                  Status s = nodes ? NodeRow(&batch[row]) : EdgeRow(&batch[row]);
                                  if (!s.ok()) return s;
                                }
                                return Status::Ok();
                              });
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

  // Reads the good rows into batches of width_ values a row, the key
  // columns made entities.
  Status ReadRows(bool nodes, BatchQueue<Value>* queue) {
    constexpr size_t kBatchRows = 1024;
    std::vector<Value> batch;
    for (;;) {
      Result<bool> got = table_.NextRow();
      if (!got.ok()) return got.status();
      if (!*got) break;
      Status bad;
      if (!RowValues(&bad) || !KeysOf(nodes, &bad)) {
        if (!bad.ok()) return bad;
        continue;  // skipped (on error skip)
      }
      if (batch.empty()) batch.reserve(kBatchRows * width_);
      for (Value& value : values_) batch.push_back(std::move(value));
      if (batch.size() < kBatchRows * width_) continue;
      if (!queue->Push(std::move(batch))) return Status::Ok();  // the writer stopped
      batch = std::vector<Value>();
    }
    if (!batch.empty()) queue->Push(std::move(batch));
    return Status::Ok();
  }

  // Makes the row's key columns entities in values_; false (after
  // reporting the row) when one is empty.
  bool KeysOf(bool nodes, Status* status) {
    const std::vector<std::string>& fields = table_.fields();
    if (fields[first_].empty()) {
      *status = table_.RowError(nodes ? "the key column '" + load_.key_column + "' is empty"
                                      : "the column '" + load_.from_column + "' is empty");
      return false;
    }
    if (!nodes && fields[second_].empty()) {
      *status = table_.RowError("the column '" + load_.to_column + "' is empty");
      return false;
    }
    values_[first_] = Value(Entity{fields[first_]});
    if (!nodes) values_[second_] = Value(Entity{fields[second_]});
    return true;
  }

  // A row of width_ values, its key column an entity.
  Status NodeRow(const Value* row) {
    const Value& node = row[first_];
    if (Status s = writer_->AddLabel(node, load_.label); !s.ok()) return s;
    for (size_t i = 0; i < width_; ++i) {
      if (i == first_ || row[i].is_null()) continue;
      if (Status s = writer_->Add(node, column_names_[i], row[i]); !s.ok()) return s;
    }
    return Status::Ok();
  }

  // A row of width_ values, its two key columns entities.
  Status EdgeRow(const Value* row) {
    annotations_.clear();
    for (size_t i = 0; i < width_; ++i) {
      if (i == first_ || i == second_ || row[i].is_null()) continue;
      annotations_.emplace_back(table_.columns()[i].name, row[i]);
    }
    return writer_->Add(row[first_], predicate_, row[second_], annotations_);
  }

  const LoadRequest& load_;
  CsvTable table_;
  FactWriter* writer_;
  size_t first_ = 0, second_ = 0;
  size_t percent_ = SIZE_MAX;        // the column in percent, if any
  std::vector<Value> values_;        // the row being read (reading thread)
  size_t width_ = 0;                 // the number of columns
  std::vector<Value> column_names_;  // the columns' names as entities
  Value predicate_;
  NamedAnnotations annotations_;  // EdgeRow's, kept for its capacity
};

}  // namespace

Status LoadCsv(const LoadRequest& load, FileSource* source, FactWriter* writer,
               LoadReport* report) {
  return CsvLoad(load, source, writer, report).Run();
}

}  // namespace quipu::import
