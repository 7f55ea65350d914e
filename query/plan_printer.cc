#include "query/plan_printer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace quipu::query {
namespace {

// The output stage as plan lines above the operator tree, top first.
std::vector<std::string> OutputStageLines(const BoundQuery& q) {
  std::vector<std::string> lines;
  auto column_list = [&](const std::vector<SortKey>& keys) {
    std::string out;
    for (const SortKey& k : keys) {
      out += (out.empty() ? "" : ", ") + q.columns[k.column] + (k.descending ? " desc" : "");
    }
    return out;
  };
  if (q.limit || q.skip) {
    lines.push_back(fmt::format("Limit {} skip {}",
                                q.limit ? std::to_string(*q.limit) : std::string("all"),
                                q.skip.value_or(0)));
  }
  if (!q.order.empty()) {
    const bool topk = q.limit && !q.aggregate && !q.distinct;
    lines.push_back(fmt::format("{} by [{}]", topk ? "TopK" : "Sort", column_list(q.order)));
  }
  if (q.distinct) lines.push_back("Distinct");
  std::string items;
  for (size_t i = 0; i < q.visible; ++i) items += (i ? ", " : "") + q.columns[i];
  lines.push_back(fmt::format("{} [{}]", q.aggregate ? "Aggregate" : "Project", items));
  return lines;
}

void AppendOperatorLines(const Operator& op, int depth, bool profiled,
                         std::vector<std::string>* out) {
  std::string line = fmt::format("{}{}  (estimated {} rows", std::string(depth * 2, ' '),
                                 op.Describe(), std::llround(op.estimated_rows));
  if (profiled) {
    // Time is the operator's own: its inclusive time minus its children's.
    uint64_t own = op.nanos;
    for (const Operator* child : op.Children()) own -= std::min(own, child->nanos);
    line += fmt::format(", actual {} rows, {:.3f} ms", op.actual_rows, own / 1e6);
  }
  out->push_back(line + ")");
  for (const Operator* child : op.Children()) {
    AppendOperatorLines(*child, depth + 1, profiled, out);
  }
}

}  // namespace

QueryResult PlanResult(const BoundQuery& q, const Operator* root, bool profiled,
                       uint64_t output_nanos, size_t result_rows) {
  QueryResult result;
  result.is_query = true;
  result.columns = {"plan"};
  std::vector<std::string> lines = OutputStageLines(q);
  if (profiled) {
    lines.back() +=
        fmt::format("  (actual {} rows out, {:.3f} ms)", result_rows, output_nanos / 1e6);
  }
  int depth = 0;
  for (std::string& line : lines) {
    line = std::string(depth * 2, ' ') + line;
    ++depth;
  }
  if (root != nullptr) {
    AppendOperatorLines(*root, depth, profiled, &lines);
  } else {
    lines.push_back(std::string(depth * 2, ' ') +
                    "Empty (a term in the pattern is not in the database)");
  }
  for (std::string& line : lines) result.rows.push_back({Value(std::move(line))});
  return result;
}

}  // namespace quipu::query
