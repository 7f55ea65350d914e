// The table output mode: columns aligned in a box of ASCII or Unicode lines,
// cut to the terminal's width, with the row count underneath.
#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "repl/output.h"

namespace quipu::repl {
namespace {

// A column narrower than this is not cut further (a table that still does not
// fit wraps in the terminal instead).
constexpr size_t kMinColumnWidth = 5;

// The pieces of one rule: left end, fill, junction, right end.
struct Rule {
  const char* left;
  const char* fill;
  const char* middle;
  const char* right;
};

struct Borders {
  Rule top, separator, bottom;
  const char* bar;
  const char* ellipsis;
};

constexpr Borders kAsciiBorders = {
    {"+", "-", "+", "+"}, {"+", "-", "+", "+"}, {"+", "-", "+", "+"}, "|", "~"};
constexpr Borders kUnicodeBorders = {
    {"┌", "─", "┬", "┐"}, {"├", "─", "┼", "┤"}, {"└", "─", "┴", "┘"}, "│", "…"};

// Control characters would break the table's lines; show them escaped.
std::string Printable(const std::string& s) {
  return ReplaceChars(s, {{'\n', "\\n"}, {'\t', "\\t"}, {'\r', "\\r"}});
}

// Narrows the widest columns first until the table's content fits in `room`
// cells: every column gets min(width, cap) for the largest cap that fits, and
// the cells left over go to the capped columns from the left.
void FitWidths(size_t room, std::vector<size_t>* widths) {
  std::vector<size_t>& w = *widths;
  auto total = [&](size_t cap) {
    size_t sum = 0;
    for (size_t x : w) sum += std::min(x, cap);
    return sum;
  };
  const size_t widest = *std::max_element(w.begin(), w.end());
  if (total(widest) <= room) return;
  size_t cap = std::min(kMinColumnWidth, widest);
  if (total(cap) <= room) {
    size_t hi = widest;  // total(cap) fits, total(hi) does not
    while (hi - cap > 1) {
      const size_t mid = cap + (hi - cap) / 2;
      (total(mid) <= room ? cap : hi) = mid;
    }
  }
  size_t spare = room > total(cap) ? room - total(cap) : 0;
  for (size_t& x : w) {
    if (x <= cap) continue;
    x = cap + (spare > 0 ? 1 : 0);
    if (spare > 0) --spare;
  }
}

}  // namespace

void PrintTable(const QueryResult& result, const TableOptions& options, std::ostream& out) {
  const Borders& b = options.unicode ? kUnicodeBorders : kAsciiBorders;
  const size_t n = result.columns.size();
  std::vector<std::vector<std::string>> lines;
  lines.push_back(result.columns);
  for (const auto& row : result.rows) {
    std::vector<std::string> line;
    for (size_t c = 0; c < n; ++c) line.push_back(Printable(CellText(row[c])));
    lines.push_back(std::move(line));
  }
  std::vector<size_t> width(n, 0);
  for (const auto& line : lines) {
    for (size_t c = 0; c < n; ++c) width[c] = std::max(width[c], DisplayWidth(line[c]));
  }
  const size_t frame = 3 * n + 1;  // "| " before each column, " |" after the last
  if (n > 0 && options.max_width > frame) FitWidths(options.max_width - frame, &width);

  auto print_rule = [&](const Rule& r) {
    out << r.left;
    for (size_t c = 0; c < n; ++c) {
      for (size_t k = 0; k < width[c] + 2; ++k) out << r.fill;
      out << (c + 1 < n ? r.middle : r.right);
    }
    out << "\n";
  };
  auto print_line = [&](const std::vector<std::string>& line) {
    out << b.bar;
    for (size_t c = 0; c < n; ++c) {
      const std::string cell = TruncateToWidth(line[c], width[c], b.ellipsis);
      out << " " << cell << std::string(width[c] - DisplayWidth(cell), ' ') << " " << b.bar;
    }
    out << "\n";
  };
  print_rule(b.top);
  print_line(lines[0]);
  if (lines.size() > 1) {
    print_rule(b.separator);
    for (size_t i = 1; i < lines.size(); ++i) print_line(lines[i]);
  }
  print_rule(b.bottom);
  const size_t rows = result.rows.size();
  out << fmt::format("{} row{}", rows, rows == 1 ? "" : "s");
  if (!options.elapsed.empty()) out << " (" << options.elapsed << ")";
  out << "\n";
}

}  // namespace quipu::repl
