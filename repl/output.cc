#include "repl/output.h"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>

#include "core/utf8.h"

namespace quipu::repl {
namespace {

constexpr std::pair<const char*, OutputFormat> kFormats[] = {
    {"table", OutputFormat::kTable}, {"csv", OutputFormat::kCsv},
    {"tsv", OutputFormat::kTsv},     {"json", OutputFormat::kJson},
    {"jsonl", OutputFormat::kJsonl}, {"markdown", OutputFormat::kMarkdown},
    {"line", OutputFormat::kLine},
};

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

const char* OutputFormatNames() {
  return "table [ascii|unicode], csv, tsv, json, jsonl, markdown or line";
}

bool ParseOutputFormat(const std::string& name, OutputFormat* out) {
  for (const auto& [text, format] : kFormats) {
    if (name == text) {
      *out = format;
      return true;
    }
  }
  return false;
}

bool ParseOutputMode(const std::string& text, OutputFormat* format, TableBorders* borders) {
  std::istringstream words(text);
  std::string name, style, extra;
  words >> name >> style >> extra;
  OutputFormat f;
  if (!extra.empty() || !ParseOutputFormat(name, &f)) return false;
  TableBorders b = TableBorders::kAuto;
  if (!style.empty()) {
    if (f != OutputFormat::kTable || (style != "ascii" && style != "unicode")) return false;
    b = style == "ascii" ? TableBorders::kAscii : TableBorders::kUnicode;
  }
  *format = f;
  *borders = b;
  return true;
}

std::string OutputModeName(OutputFormat format, TableBorders borders) {
  std::string name;
  for (const auto& [text, f] : kFormats) {
    if (f == format) name = text;
  }
  if (borders == TableBorders::kAscii) name += " ascii";
  if (borders == TableBorders::kUnicode) name += " unicode";
  return name;
}

std::string ReplaceChars(const std::string& text,
                         std::initializer_list<std::pair<char, const char*>> replacements) {
  std::string out;
  for (char c : text) {
    const auto* r = std::find_if(replacements.begin(), replacements.end(),
                                 [c](const auto& pair) { return pair.first == c; });
    if (r == replacements.end()) {
      out += c;
    } else {
      out += r->second;
    }
  }
  return out;
}

size_t DisplayWidth(const std::string& text) {
  size_t width = 0;
  for (size_t i = 0; i < text.size();) width += CellWidth(NextCodePoint(text, &i));
  return width;
}

std::string TruncateToWidth(const std::string& text, size_t width, const std::string& ellipsis) {
  if (DisplayWidth(text) <= width) return text;
  const size_t room = width - DisplayWidth(ellipsis);
  size_t used = 0, end = 0;
  while (end < text.size()) {
    size_t next = end;
    const size_t cells = CellWidth(NextCodePoint(text, &next));
    if (used + cells > room) break;
    used += cells;
    end = next;
  }
  return text.substr(0, end) + ellipsis;
}

std::string FormatElapsed(double seconds) {
  if (seconds >= 1) return fmt::format("{:.2f} s", seconds);
  if (seconds < 0.001) return fmt::format("{:.2f} ms", seconds * 1000);
  return fmt::format("{:.1f} ms", seconds * 1000);
}

void PrintResult(const QueryResult& result, OutputFormat format, const TableOptions& table,
                 std::ostream& out) {
  if (!result.is_query) {
    if (format == OutputFormat::kTable && !result.summary.empty()) {
      const bool timed = !table.elapsed.empty() && !result.summary_timed;
      out << result.summary << (timed ? " (" + table.elapsed + ")" : "") << "\n";
    }
    return;
  }
  if (format == OutputFormat::kTable) {
    PrintTable(result, table, out);
    return;
  }
  PrintText(result, format, out);
}

}  // namespace quipu::repl
