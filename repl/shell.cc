#include "repl/shell.h"

#include <fmt/format.h>

#include <chrono>
#include <sstream>

namespace quipu::repl {

int Shell::RunScript(const std::string& text, const std::string& origin) {
  auto started = std::chrono::steady_clock::now();
  Status s = db_->ExecuteScript(
      text,
      [&](const QueryResult& r) {
        if (progress_bar_ != nullptr) progress_bar_->Clear();
        PrintResult(r, format_, results());
        for (const std::string& w : r.warnings) err_ << "warning: " << w << "\n";
        if (r.is_query) last_result_ = r;
        if (timer_) {
          const double ms =
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                  .count();
          out_ << fmt::format("Run time: {:.3f} ms\n", ms);
        }
        started = std::chrono::steady_clock::now();
      },
      params_);
  if (progress_bar_ != nullptr) progress_bar_->Clear();
  results().flush();
  if (s.ok()) return kExitOk;
  err_ << (origin.empty() ? "" : origin + ": ") << FormatError(s, text) << "\n";
  return kExitFailed;
}

bool Shell::SetParam(const std::string& name, const std::string& literal, std::string* error) {
  const std::string statement = "return " + literal + ";";
  Result<QueryResult> r = db_->Execute(statement, params_);
  if (!r.ok()) {
    *error = FormatError(r.status(), statement);
    return false;
  }
  params_[name] = r->rows.at(0).at(0);
  return true;
}

std::vector<std::string> Shell::CompletionWords() {
  std::vector<std::string> words = {
      "match",  "optional",   "where",    "return",   "distinct", "as",      "order",   "by",
      "asc",    "desc",       "skip",     "limit",    "and",      "or",      "not",     "true",
      "false",  "null",       "date",     "datetime", "count",    "insert",  "delete",  "set",
      "merge",  "load",       "csv",      "jsonl",    "format",   "explain", "profile", "show",
      "labels", "predicates", "describe", "prefix",   "union",    "all",     "exists",  "case",
      "when",   "then",       "else",     "end",      "in",       "is",      "starts",  "ends",
      "with",   "contains",   "help",     "mode",     "timer",    "output",  "read",    "params",
      "schema", "open",       "quit"};
  auto add_column = [&](const char* statement, const char* prefix) {
    Result<QueryResult> r = db_->Execute(statement);
    if (!r.ok()) return;
    for (const auto& row : r->rows) {
      if (row.empty() || row[0].type() != Value::Type::kEntity) continue;
      const std::string& key = row[0].as_entity().key;
      if (IsPlainKey(key)) words.push_back(prefix + key);
    }
  };
  add_column("show labels;", "");
  add_column("show predicates;", "");
  add_column("match (n) return n limit 5000;", "@");
  return words;
}

bool StatementComplete(const std::string& text) {
  char quote = 0;
  char last = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      last = c;
    } else if ((c == '-' || c == '/') && i + 1 < text.size() && text[i + 1] == c) {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      last = c;
    }
  }
  return quote == 0 && last == ';';
}

int Shell::RunInteractive(std::istream& in) {
  return RunInteractive([&](const std::string& prompt, std::string* line) {
    out_ << prompt << std::flush;
    return static_cast<bool>(std::getline(in, *line));
  });
}

int Shell::RunInteractive(const LineReader& read_line) {
  std::string buffer, line;
  int status = kExitOk;
  for (;;) {
    if (!read_line(buffer.empty() ? "quipu> " : "   ...> ", &line)) break;
    if (buffer.empty() && !line.empty() && line[0] == ':') {
      bool quit = false;
      if (!RunMeta(line, &quit)) status = kExitFailed;
      if (quit) return status;
      continue;
    }
    buffer += line;
    buffer += '\n';
    if (!StatementComplete(buffer)) continue;
    if (RunScript(buffer, "") != kExitOk) status = kExitFailed;
    buffer.clear();
  }
  out_ << "\n";
  return status;
}

}  // namespace quipu::repl
