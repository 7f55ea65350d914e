#include "engine/csv_rows_load.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/vocabulary.h"
#include "import/batch_queue.h"
#include "import/csv_table.h"
#include "query/binder.h"
#include "query/expression.h"
#include "query/writer.h"

namespace quipu::engine {
namespace {

using import::CsvTable;
using import::FactWriter;
using import::FileSource;
using import::LoadReport;
using import::NamedAnnotations;
using query::BoundExpr;

constexpr char kKeyForms[] = "(@(r.column, ...) ...), (@key ...) or (<iri> ...)";

// A map entry whose value is bound to the header: evaluated for each row.
using BoundMap = std::vector<std::pair<std::string, BoundExpr>>;

// A node of the mapping: a constant key or one computed per row.
struct RowNode {
  Value entity;  // @key or <iri>; null when `key` computes it
  std::optional<BoundExpr> key;
  std::vector<std::string> labels;
  BoundMap properties;
};

struct RowRel {
  Value predicate;
  bool out = true;  // -[…]-> rather than <-[…]-
  BoundMap annotations;
};

struct RowPath {
  std::vector<RowNode> nodes;
  std::vector<RowRel> rels;  // rels[i] joins nodes[i] and nodes[i + 1]
};

// A fact of the row being written; kept until the whole row evaluated.
struct RowFact {
  Value s, p, o;
  NamedAnnotations annotations;
};

class CsvRowsLoad {
 public:
  CsvRowsLoad(const ast::LoadStatement& load, const Params& params, FileSource* source,
              FactWriter* writer, LoadReport* report)
      : load_(load),
        params_(params),
        table_(source, report, /*infer=*/false),
        writer_(writer),
        eval_(nullptr, nullptr) {
    eval_.set_fields(&table_.values());
  }

  Status Run() {
    if (Status s = table_.ReadHeader(); !s.ok()) return s;
    try {
      Bind();
    } catch (const query::QueryError& e) {
      return e.status();
    }
    // The rows are read, filtered and mapped to facts on a second thread
    // while this one interns and writes the facts, in order: bad rows are
    // all found by the reading thread, so the report keeps file order.
    return import::RunPipeline<RowFact>(
        [&](import::BatchQueue<RowFact>* queue) { return ReadFacts(queue); },
        [&](const std::vector<RowFact>& batch) {
          for (const RowFact& f : batch) {
            if (Status s = writer_->Add(f.s, f.p, f.o, f.annotations); !s.ok()) return s;
          }
          return Status::Ok();
        });
  }

 private:
  // The rows' facts, in batches.
  Status ReadFacts(import::BatchQueue<RowFact>* queue) {
    constexpr size_t kBatchFacts = 4096;
    std::vector<RowFact> batch;
    for (;;) {
      Result<bool> got = table_.NextRow();
      if (!got.ok()) return got.status();
      if (!*got) break;
      facts_.clear();
      try {
        if (filter_ && !eval_.Test(*filter_, nullptr)) continue;
        for (const RowPath& path : paths_) EvaluatePath(path);
      } catch (const query::QueryError& e) {
        Status s = table_.RowError(RowMessage(e.status()));
        if (!s.ok()) return s;
        continue;
      }
      for (RowFact& f : facts_) batch.push_back(std::move(f));
      if (batch.size() < kBatchFacts) continue;
      if (!queue->Push(std::move(batch))) return Status::Ok();  // the writer stopped
      batch = std::vector<RowFact>();
    }
    if (!batch.empty()) queue->Push(std::move(batch));
    return Status::Ok();
  }

  // Binds the mapping to the header; raises QueryError on a mistake.
  void Bind() {
    scope_.variable = load_.row_variable;
    scope_.file = table_.path();
    for (const CsvTable::Column& c : table_.columns()) scope_.columns.push_back(c.name);
    if (load_.row_filter) filter_ = BindExpr(*load_.row_filter);
    for (const ast::PathPattern& path : load_.row_patterns) {
      query::CheckWritePattern(path, "load … as rows", kKeyForms);
      RowPath bound;
      for (const ast::NodePattern& n : path.nodes) {
        RowNode node;
        if (n.entity) node.entity = Value(*n.entity);
        if (n.key) node.key = BindExpr(*n.key);
        node.labels = n.labels;
        node.properties = BindMap(n.properties);
        bound.nodes.push_back(std::move(node));
      }
      for (const ast::RelPattern& r : path.rels) {
        RowRel rel;
        rel.predicate = Value(*r.predicate);
        rel.out = r.direction == ast::RelPattern::Direction::kOut;
        rel.annotations = BindMap(r.properties);
        bound.rels.push_back(std::move(rel));
      }
      paths_.push_back(std::move(bound));
    }
  }

  BoundExpr BindExpr(const ast::Expr& e) {
    return query::ValueOrThrow(query::BindRowExpression(e, scope_, params_));
  }

  BoundMap BindMap(const ast::PropertyMap& map) {
    BoundMap out;
    for (const auto& [key, expr] : map) out.emplace_back(key, BindExpr(*expr));
    return out;
  }

  // An error of the mapping in this row, with where in the statement it arose.
  static std::string RowMessage(const Status& why) {
    if (why.line() == 0) return why.message();
    return fmt::format("{} (at line {}, column {} of the statement)", why.message(), why.line(),
                       why.column());
  }

  // The value to store, or null when there is none (null or empty text).
  Value Stored(const BoundExpr& e) {
    Value v = eval_.Eval(e, nullptr);
    if (v.type() == Value::Type::kString && v.as_string().empty()) return Value();
    if (v.type() == Value::Type::kList) {
      query::FailAt("a list cannot be stored as a value; store its items", e.pos);
    }
    return v;
  }

  // The facts of one path in this row, into facts_.
  void EvaluatePath(const RowPath& path) {
    std::vector<Value> nodes;
    for (const RowNode& n : path.nodes) {
      nodes.push_back(n.key ? eval_.Eval(*n.key, nullptr) : n.entity);
      const Value& node = nodes.back();
      if (node.is_null()) continue;  // no key in this row: the node is left out
      for (const std::string& label : n.labels) {
        facts_.push_back({node, label_predicate_, Value(Entity{label}), {}});
      }
      for (const auto& [key, expr] : n.properties) {
        Value v = Stored(expr);
        if (!v.is_null()) facts_.push_back({node, Value(Entity{key}), std::move(v), {}});
      }
    }
    for (size_t i = 0; i < path.rels.size(); ++i) {
      const RowRel& r = path.rels[i];
      const Value& s = r.out ? nodes[i] : nodes[i + 1];
      const Value& o = r.out ? nodes[i + 1] : nodes[i];
      if (s.is_null() || o.is_null()) continue;
      NamedAnnotations annotations;
      for (const auto& [key, expr] : r.annotations) {
        Value v = Stored(expr);
        if (!v.is_null()) annotations.emplace_back(key, std::move(v));
      }
      facts_.push_back({s, r.predicate, o, std::move(annotations)});
    }
  }

  const ast::LoadStatement& load_;
  const Params& params_;
  CsvTable table_;
  FactWriter* writer_;
  query::Evaluator eval_;
  query::RowScope scope_;
  std::optional<BoundExpr> filter_;
  std::vector<RowPath> paths_;
  std::vector<RowFact> facts_;
  const Value label_predicate_{Entity{kLabelPredicate}};
};

}  // namespace

Status LoadCsvRows(const ast::LoadStatement& load, const Params& params, FileSource* source,
                   FactWriter* writer, LoadReport* report) {
  return CsvRowsLoad(load, params, source, writer, report).Run();
}

}  // namespace quipu::engine
