#include "repl/output.h"

#include <fmt/format.h>

#include <vector>

namespace quipu::repl {
namespace {

// Control characters would break the table's lines; show them escaped.
std::string Printable(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

void PrintTable(const QueryResult& result, std::ostream& out) {
  const size_t n = result.columns.size();
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> width(n, 0);
  for (size_t c = 0; c < n; ++c) width[c] = DisplayWidth(result.columns[c]);
  for (const auto& row : result.rows) {
    std::vector<std::string> line;
    for (size_t c = 0; c < n; ++c) {
      line.push_back(Printable(row[c].ToString()));
      width[c] = std::max(width[c], DisplayWidth(line.back()));
    }
    cells.push_back(std::move(line));
  }
  std::string rule = "+";
  for (size_t c = 0; c < n; ++c) rule += std::string(width[c] + 2, '-') + "+";
  auto print_line = [&](const std::vector<std::string>& line) {
    out << "|";
    for (size_t c = 0; c < n; ++c) {
      out << " " << line[c] << std::string(width[c] - DisplayWidth(line[c]), ' ') << " |";
    }
    out << "\n";
  };
  out << rule << "\n";
  print_line(result.columns);
  out << rule << "\n";
  for (const auto& line : cells) print_line(line);
  if (!cells.empty()) out << rule << "\n";
  out << fmt::format("{} row{}\n", cells.size(), cells.size() == 1 ? "" : "s");
}

}  // namespace

const char* OutputFormatNames() { return "table, csv, tsv, json, jsonl, markdown or line"; }

bool ParseOutputFormat(const std::string& name, OutputFormat* out) {
  static const std::pair<const char*, OutputFormat> kFormats[] = {
      {"table", OutputFormat::kTable}, {"csv", OutputFormat::kCsv},
      {"tsv", OutputFormat::kTsv},     {"json", OutputFormat::kJson},
      {"jsonl", OutputFormat::kJsonl}, {"markdown", OutputFormat::kMarkdown},
      {"line", OutputFormat::kLine},
  };
  for (const auto& [text, format] : kFormats) {
    if (name == text) {
      *out = format;
      return true;
    }
  }
  return false;
}

namespace {

// Terminal cells of one code point: 0 for combining marks, 2 for East Asian
// wide and fullwidth forms and emoji, 1 otherwise (after Markus Kuhn's wcwidth).
size_t CellWidth(uint32_t cp) {
  if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200F) || cp == 0xFE0F) {
    return 0;
  }
  const bool wide = (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
                    (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
                    (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
                    (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
                    (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD);
  return wide ? 2 : 1;
}

}  // namespace

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t len = c < 0x80         ? 1
                       : (c >> 5) == 6  ? 2
                       : (c >> 4) == 14 ? 3
                       : (c >> 3) == 30 ? 4
                                        : 1;
    uint32_t cp = len == 1 ? c : c & (0xFF >> (len + 1));
    for (size_t k = 1; k < len && i + k < text.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    width += CellWidth(cp);
    i += len;
  }
  return width;
}

void PrintResult(const QueryResult& result, OutputFormat format, std::ostream& out) {
  if (!result.is_query) {
    if (format == OutputFormat::kTable && !result.summary.empty()) {
      out << result.summary << "\n";
    }
    return;
  }
  if (format == OutputFormat::kTable) {
    PrintTable(result, out);
    return;
  }
  PrintText(result, format, out);
}

}  // namespace quipu::repl
