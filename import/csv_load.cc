#include "import/csv_load.h"

#include "import/csv_table.h"

namespace quipu::import {
namespace {

class CsvLoad {
 public:
  CsvLoad(const ast::LoadStatement& load, FileSource* source, FactWriter* writer,
          LoadReport* report)
      : load_(load), table_(source, report, /*infer=*/true), writer_(writer) {}

  Status Run() {
    if (Status s = table_.ReadHeader(); !s.ok()) return s;
    const bool nodes = load_.source == ast::LoadStatement::Source::kCsvNodes;
    Result<size_t> first = table_.ColumnIndex(nodes ? load_.key_column : load_.from_column);
    if (!first.ok()) return first.status();
    first_ = *first;
    if (!nodes) {
      Result<size_t> second = table_.ColumnIndex(load_.to_column);
      if (!second.ok()) return second.status();
      second_ = *second;
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
  Status NodeRow() {
    const std::vector<std::string>& fields = table_.fields();
    const std::vector<Value>& values = table_.values();
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
    const std::vector<Value>& values = table_.values();
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

  const ast::LoadStatement& load_;
  CsvTable table_;
  FactWriter* writer_;
  size_t first_ = 0, second_ = 0;
};

}  // namespace

Status LoadCsv(const ast::LoadStatement& load, FileSource* source, FactWriter* writer,
               LoadReport* report) {
  return CsvLoad(load, source, writer, report).Run();
}

}  // namespace quipu::import
