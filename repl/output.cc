#include "repl/output.h"

#include <fmt/format.h>

#include <vector>

namespace quipu::repl {
namespace {

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

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

bool ParseOutputFormat(const std::string& name, OutputFormat* out) {
  if (name == "table") {
    *out = OutputFormat::kTable;
  } else if (name == "csv") {
    *out = OutputFormat::kCsv;
  } else {
    return false;
  }
  return true;
}

size_t DisplayWidth(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

void PrintResult(const QueryResult& result, OutputFormat format, std::ostream& out) {
  if (!result.is_query) {
    if (format == OutputFormat::kTable) {
      if (result.facts_deleted == 0 || result.facts_inserted != 0) {
        out << fmt::format("inserted {} fact{}", result.facts_inserted,
                           result.facts_inserted == 1 ? "" : "s");
      }
      if (result.facts_deleted != 0) {
        out << (result.facts_inserted != 0 ? ", " : "")
            << fmt::format("deleted {} fact{}", result.facts_deleted,
                           result.facts_deleted == 1 ? "" : "s");
      }
      out << "\n";
    }
    return;
  }
  if (format == OutputFormat::kTable) {
    PrintTable(result, out);
    return;
  }
  for (size_t c = 0; c < result.columns.size(); ++c) {
    out << (c ? "," : "") << CsvField(result.columns[c]);
  }
  out << "\n";
  for (const auto& row : result.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      out << (c ? "," : "") << (row[c].is_null() ? "" : CsvField(row[c].ToString()));
    }
    out << "\n";
  }
}

}  // namespace quipu::repl
