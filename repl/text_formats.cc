// The plain-text output modes besides the table: csv, tsv, json, jsonl,
// markdown and line. Each prints the columns and rows of one result.
#include <fmt/format.h>

#include <cmath>

#include "repl/output.h"

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

// TSV has no quoting: tabs, newlines and backslashes are escaped instead.
std::string TsvField(const std::string& s) {
  return ReplaceChars(s, {{'\t', "\\t"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\\', "\\\\"}});
}

// Numbers and booleans as JSON values, lists as arrays, null as null;
// everything else as its printed text in a string.
std::string JsonValue(const Value& v) {
  switch (v.type()) {
    case Value::Type::kNull:
      return "null";
    case Value::Type::kBool:
      return v.as_bool() ? "true" : "false";
    case Value::Type::kInt:
      return fmt::format("{}", v.as_int());
    case Value::Type::kDouble:
      return std::isfinite(v.as_double()) ? fmt::format("{}", v.as_double())
                                          : QuoteString(v.ToString());
    case Value::Type::kDecimal:  // exact digits: a JSON number has no precision limit
      return v.ToString();
    case Value::Type::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.as_list().size(); ++i) {
        out += (i ? ", " : "") + JsonValue(v.as_list()[i]);
      }
      return out + "]";
    }
    case Value::Type::kPath: {
      // {"nodes": [...], "facts": [{"from", "predicate", "to", annotations...}]}
      const Path& path = v.as_path();
      std::string out = "{\"nodes\": [";
      for (size_t i = 0; i < path.nodes.size(); ++i) {
        out += (i ? ", " : "") + JsonValue(path.nodes[i]);
      }
      out += "], \"facts\": [";
      for (size_t i = 0; i < path.hops.size(); ++i) {
        const PathHop& hop = path.hops[i];
        const Value& from = path.nodes[hop.forward ? i : i + 1];
        const Value& to = path.nodes[hop.forward ? i + 1 : i];
        out += (i ? ", " : "") + std::string("{\"from\": ") + JsonValue(from) +
               ", \"predicate\": " + QuoteString(hop.predicate.key) + ", \"to\": " + JsonValue(to);
        for (const auto& [key, value] : hop.annotations) {
          out += ", " + QuoteString(key) + ": " + JsonValue(value);
        }
        out += "}";
      }
      return out + "]}";
    }
    default:
      return QuoteString(v.ToString());
  }
}

std::string JsonObject(const QueryResult& r, const std::vector<Value>& row) {
  std::string out = "{";
  for (size_t c = 0; c < r.columns.size(); ++c) {
    out += (c ? ", " : "") + QuoteString(r.columns[c]) + ": " + JsonValue(row[c]);
  }
  return out + "}";
}

std::string MarkdownCell(const std::string& s) {
  return ReplaceChars(s, {{'|', "\\|"}, {'\n', "<br>"}});
}

}  // namespace

std::string CellText(const Value& v) {
  if (v.type() == Value::Type::kList) {
    std::string out = "[";
    for (size_t i = 0; i < v.as_list().size(); ++i) {
      const Value& item = v.as_list()[i];
      out +=
          (i ? ", " : "") + (item.type() == Value::Type::kPath ? CellText(item) : item.ToLiteral());
    }
    return out + "]";
  }
  if (v.type() != Value::Type::kPath) return v.ToString();
  Path shown = v.as_path();
  for (PathHop& hop : shown.hops) {
    std::erase_if(hop.annotations, [](const auto& a) {
      return a.first != "source" && a.first != "since" && a.first != "until";
    });
  }
  return Value(std::move(shown)).ToString();
}

void PrintText(const QueryResult& r, OutputFormat format, std::ostream& out) {
  const size_t n = r.columns.size();
  switch (format) {
    case OutputFormat::kCsv:
    case OutputFormat::kTsv: {
      const bool csv = format == OutputFormat::kCsv;
      const char* sep = csv ? "," : "\t";
      for (size_t c = 0; c < n; ++c) {
        out << (c ? sep : "") << (csv ? CsvField(r.columns[c]) : TsvField(r.columns[c]));
      }
      out << "\n";
      for (const auto& row : r.rows) {
        for (size_t c = 0; c < n; ++c) {
          const std::string text = row[c].is_null() ? "" : row[c].ToString();
          out << (c ? sep : "") << (csv ? CsvField(text) : TsvField(text));
        }
        out << "\n";
      }
      return;
    }
    case OutputFormat::kJson:
      out << "[";
      for (size_t i = 0; i < r.rows.size(); ++i) {
        out << (i ? ",\n " : "\n ") << JsonObject(r, r.rows[i]);
      }
      out << (r.rows.empty() ? "]\n" : "\n]\n");
      return;
    case OutputFormat::kJsonl:
      for (const auto& row : r.rows) out << JsonObject(r, row) << "\n";
      return;
    case OutputFormat::kMarkdown:
      out << "|";
      for (size_t c = 0; c < n; ++c) out << " " << MarkdownCell(r.columns[c]) << " |";
      out << "\n|";
      for (size_t c = 0; c < n; ++c) out << "---|";
      out << "\n";
      for (const auto& row : r.rows) {
        out << "|";
        for (size_t c = 0; c < n; ++c) out << " " << MarkdownCell(CellText(row[c])) << " |";
        out << "\n";
      }
      return;
    case OutputFormat::kLine: {
      // One field per line, names right-aligned; a blank line between rows.
      size_t width = 0;
      for (const std::string& c : r.columns) width = std::max(width, DisplayWidth(c));
      for (size_t i = 0; i < r.rows.size(); ++i) {
        if (i) out << "\n";
        for (size_t c = 0; c < n; ++c) {
          out << std::string(width - DisplayWidth(r.columns[c]), ' ') << r.columns[c] << " = "
              << CellText(r.rows[i][c]) << "\n";
        }
      }
      return;
    }
    case OutputFormat::kTable:
      return;  // PrintTable
  }
}

}  // namespace quipu::repl
