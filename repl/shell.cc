#include "repl/shell.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <sstream>

#include "repl/tokens.h"

namespace quipu::repl {
namespace {

// `status` with its line moved down by `lines` (a statement run on its own
// reports positions from its first line).
Status ShiftLines(const Status& status, uint32_t lines) {
  if (status.line() == 0 || lines == 0) return status;
  if (status.code() == Status::Code::kSyntaxError) {
    return Status::SyntaxError(status.message(), status.line() + lines, status.column());
  }
  return Status::SemanticError(status.message(), status.line() + lines, status.column());
}

}  // namespace

int Shell::RunScript(const std::string& text, const std::string& origin) {
  const std::string where = origin.empty() ? "" : origin + ": ";
  bool failed = false;
  uint32_t line = 1;  // the line of text[counted]
  size_t counted = 0;
  for (const ScriptPart& part : SplitScript(text)) {
    line +=
        static_cast<uint32_t>(std::count(text.begin() + counted, text.begin() + part.begin, '\n'));
    counted = part.begin;
    bool ok;
    if (part.meta) {
      bool quit = false;
      ok = RunMeta(text.substr(part.begin, part.end - part.begin), &quit,
                   fmt::format("{}error at line {}: ", where, line));
      if (quit) quit_requested_ = true;
    } else {
      ok = RunStatement(text, part.begin, part.end, line, origin);
    }
    failed = failed || !ok;
    if ((!ok && !keep_going_) || quit_requested_) break;
  }
  if (progress_bar_ != nullptr) progress_bar_->Clear();
  results().flush();
  return failed ? kExitFailed : kExitOk;
}

bool Shell::RunStatement(const std::string& text, size_t begin, size_t end, uint32_t line,
                         const std::string& origin) {
  // Blanks in place of what precedes the statement on its first line keep
  // the columns the database reports true to `text`.
  const size_t newline = begin == 0 ? std::string::npos : text.rfind('\n', begin - 1);
  const size_t indent = newline == std::string::npos ? begin : begin - newline - 1;
  const std::string statement = std::string(indent, ' ') + text.substr(begin, end - begin);
  auto started = std::chrono::steady_clock::now();
  if (running_notice_ != nullptr) running_notice_->Start();
  Status s = db_->ExecuteScript(
      statement,
      [&](const QueryResult& r) {
        const auto now = std::chrono::steady_clock::now();
        PrintStatementResult(r, std::chrono::duration<double>(now - started).count());
        started = std::chrono::steady_clock::now();
        if (running_notice_ != nullptr) running_notice_->Start();  // the next statement
      },
      params_);
  if (running_notice_ != nullptr) running_notice_->Stop();
  if (s.ok()) return true;
  if (progress_bar_ != nullptr) progress_bar_->Clear();
  results().flush();
  err_ << (origin.empty() ? "" : origin + ": ") << FormatError(ShiftLines(s, line - 1), text)
       << "\n";
  return false;
}

void Shell::PrintStatementResult(const QueryResult& r, double seconds) {
  if (running_notice_ != nullptr) running_notice_->Stop();
  if (progress_bar_ != nullptr) progress_bar_->Clear();
  const bool to_terminal = output_file_ == nullptr && terminal_columns_ != nullptr;
  TableOptions table;
  table.unicode = borders_ == TableBorders::kUnicode ||
                  (borders_ == TableBorders::kAuto && to_terminal && terminal_utf8_);
  table.max_width = to_terminal ? terminal_columns_() : 0;
  const bool time_in_table = timer_ && format_ == OutputFormat::kTable && output_file_ == nullptr;
  if (time_in_table) table.elapsed = FormatElapsed(seconds);
  // Line mode puts a blank line between records, those of consecutive
  // results too (as sqlite's .mode line does).
  const bool records = format_ == OutputFormat::kLine && r.is_query && !r.rows.empty();
  if (records && line_records_to_ == &results()) results() << "\n";
  PrintResult(r, format_, table, results());
  if (records) line_records_to_ = &results();
  if (format_ != OutputFormat::kLine) line_records_to_ = nullptr;
  for (const std::string& w : r.warnings) err_ << "warning: " << w << "\n";
  if (timer_ && !time_in_table) out_ << "Run time: " << FormatElapsed(seconds) << "\n";
  if (r.is_query) last_result_ = r;
}

bool Shell::SetParam(const std::string& name, const std::string& literal, std::string* error) {
  const std::string statement = "return " + literal + ";";
  Result<QueryResult> r = db_->Execute(statement, params_);
  if (!r.ok()) {
    *error = FormatError(r.status(), statement);
    // A bare word reads as a variable; the analyst meant text.
    if (r.status().code() == Status::Code::kSemanticError &&
        r.status().message().rfind("unknown variable", 0) == 0) {
      const size_t first = literal.find_first_not_of(" \t");
      const std::string text = literal.substr(first, literal.find_last_not_of(" \t") + 1 - first);
      *error +=
          fmt::format("\nhint: text needs quotes: {}=\"{}\" (on the command line, -p '{}=\"{}\"')",
                      name, text, name, text);
    }
    return false;
  }
  params_[name] = r->rows.at(0).at(0);
  return true;
}

repl::CompletionWords Shell::CompletionWords() {
  repl::CompletionWords words;
  words.keywords = LanguageWords();
  words.meta_commands = MetaCommandNames();
  words.modes = {"table", "csv", "tsv", "json", "jsonl", "markdown", "line"};
  words.limits = {"time", "path_states", "memory", "rows", "statement_bytes", "nesting_depth"};
  auto add_column = [&](const char* statement, const char* prefix, std::vector<std::string>* to) {
    Result<QueryResult> r = db_->Execute(statement);
    if (!r.ok()) return;
    for (const auto& row : r->rows) {
      if (row.empty() || row[0].type() != Value::Type::kEntity) continue;
      const std::string& key = row[0].as_entity().key;
      if (IsPlainKey(key)) to->push_back(prefix + key);
    }
  };
  add_column("show labels;", "", &words.labels);
  add_column("show predicates;", "", &words.predicates);
  add_column("match (n) return n limit 5000;", "@", &words.entities);
  for (std::vector<std::string>* list :
       {&words.keywords, &words.labels, &words.predicates, &words.entities, &words.meta_commands}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  return words;
}

int Shell::RunInteractive(std::istream& in) {
  return RunInteractive([&](const std::string& prompt, std::string* line) {
    out_ << prompt << std::flush;
    return std::getline(in, *line) ? LineStatus::kLine : LineStatus::kEnd;
  });
}

int Shell::RunInteractive(const LineReader& read_line) {
  std::string line;
  int status = kExitOk;
  pending_.clear();
  for (;;) {
    const LineStatus got = read_line(pending_.empty() ? kPrompt : kContinuationPrompt, &line);
    if (got == LineStatus::kEnd) break;
    if (got == LineStatus::kInterrupted) {
      pending_.clear();
      continue;
    }
    if (!StatementPending(pending_) && !line.empty() && line[0] == ':') {
      pending_.clear();
      bool quit = false;
      if (!RunMeta(line, &quit)) status = kExitFailed;
      if (quit) return status;
      continue;
    }
    pending_ += line;
    pending_ += '\n';
    if (StatementPending(pending_)) continue;
    if (RunScript(pending_, "") != kExitOk) status = kExitFailed;
    pending_.clear();
    if (quit_requested_) return status;
  }
  out_ << "\n";
  return status;
}

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& path, bool read_only,
                                               Durability durability, std::ostream& err,
                                               bool create_if_missing) {
  DatabaseOptions options;
  options.read_only = read_only;
  options.durability = durability;
  options.create_if_missing = create_if_missing;
  options.upgrade_progress = [&err, &path](uint64_t done, uint64_t total) {
    err << "quipu: upgrading '" << path << "' to this build's format: " << done << " of " << total
        << " facts\n";
  };
  auto db = Database::Open(path, options);
  if (!db.ok() && !read_only &&
      db.status().message().find("in use by another process") != std::string::npos) {
    const std::string why = db.status().message();
    options.read_only = true;
    db = Database::Open(path, options);
    if (db.ok()) {
      // "(pid N: command)" when the store could tell who holds it.
      const size_t holder = why.find("(pid ");
      err << "quipu: '" << path << "' is open for writing in another process"
          << (holder == std::string::npos ? "" : " " + why.substr(holder))
          << "; opened read-only (writes are refused; reads see what was committed when it "
             "opened)\n";
    }
  }
  return db;
}

}  // namespace quipu::repl
