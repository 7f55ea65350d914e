#include "query/plan_printer.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace quipu::query {
namespace {

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

QueryResult PlanResult(const Operator& root, bool profiled, uint64_t output_nanos,
                       size_t result_rows) {
  QueryResult result;
  result.is_query = true;
  result.columns = {"plan"};
  std::vector<std::string> lines;
  int depth = 0;
  if (profiled) {
    lines.push_back(fmt::format("Output  ({} rows, ids to values in {:.3f} ms)", result_rows,
                                output_nanos / 1e6));
    depth = 1;
  }
  AppendOperatorLines(root, depth, profiled, &lines);
  for (std::string& line : lines) result.rows.push_back({Value(std::move(line))});
  return result;
}

}  // namespace quipu::query
