// golden_tests: runs the golden files tests/queries/*.test.
//
//   golden_tests [FILE...]            run each file (no FILE: every file of
//                                     tests/queries); exit 1 if any failed
//   golden_tests --rewrite FILE...    rewrite each file's expected output
//                                     with what the engine now returns
//   golden_tests --selftest [ARGS]    the runner's own Catch2 tests (ARGS go
//                                     to Catch2)
//
// ctest runs it once per file (golden/<stem>) and once with --selftest
// (golden_runner_selftest); see tests/CMakeLists.txt.
//
// Format (blocks separated by blank lines; lines starting with '#' outside
// blocks are comments). Each file starts on an empty database.
//
//   seed peru_china          load datasets/peru_china/seed.qql first
//   param name = EXPR        bind $name for the statements that follow
//   limit memory SIZE        set QueryLimits::memory_bytes (ParseMemorySize)
//   limit rows N             or max_result_rows, for what follows
//   limit NAME N             set a parser limit (statement_bytes or
//                            nesting_depth) for the statements that follow
//   statement ok             the statement that follows must succeed
//   insert ...;
//   query                    the statement's rows, one line each, columns
//   match ...;               joined by " | ", values as Value::ToString(),
//   ----                     then the warnings in order, each as
//   row | row                "warning: " and the text
//   error                    the statement must fail with exactly this
//   match ...;               FormatError() text (may span lines)
//   ----
//   syntax error at ...
//
// A line that is none of these, a query or error block without its "----"
// line, a "statement ok" with one, a block without a statement, a file
// without any statement block or a file that cannot be read fails the file.
//
// Row order. A query's rows are compared in order only when the statement
// orders them: its text has the words `order by` (any case, separated by
// whitespace or comments, not inside a string literal '...' or "...", an
// IRI <...> or a comment), or its first word is `explain` or `profile`
// (plans are trees, printed in order). Otherwise the rows are compared as a
// multiset: each expected row line must match a distinct actual row line and
// none may be left over, in any order. The warnings are compared in order
// in both cases; in the expected text they are the trailing lines starting
// with "warning: ". An expected row or warning line may hold "..." for text
// that varies (timings, estimates): the parts between them must appear in
// order, the first at the start, the last at the end. Error text is compared
// exactly ("..." is literal there).
//
// After a failed block the run goes on with the next one, except when a
// directive or a "statement ok" fails: what follows depends on it, so the
// file stops there.
//
// --rewrite runs the file and replaces the expected output of every query and
// error block that fails with what the engine returns, keeping every other
// byte of the file (comments, blank lines, directives, statements, and the
// blocks that pass, whose expected output is still right). For an unordered
// query the rows are written in the order the engine returned them. An
// expected line holding "..." is kept when it still matches the actual line
// it stands for. The blocks that changed are printed, for review with
// `git diff`. A file in
// which a block cannot be rewritten (a query or "statement ok" that now
// fails, an error block that now succeeds, output holding a blank line) is
// left untouched and reported as failed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "quipu/database.h"
#include "tests/test_util.h"

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kWildcard = "...";
constexpr std::string_view kWarningPrefix = "warning: ";
constexpr std::string_view kSeparator = "----";

// Lines without their '\n'; a '\n' at the very end does not start a line.
std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t from = 0;
  while (from < text.size()) {
    size_t end = text.find('\n', from);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(from, end - from));
    from = end + 1;
  }
  return lines;
}

bool HasWildcard(const std::string& line) { return line.find(kWildcard) != std::string::npos; }

// An expected line may hold "..." for text that varies (timings): the parts
// between them must appear in order, the first at the start, the last at the end.
bool LineMatches(const std::string& expected, const std::string& actual) {
  std::vector<std::string> parts;
  size_t from = 0, at;
  while ((at = expected.find(kWildcard, from)) != std::string::npos) {
    parts.push_back(expected.substr(from, at - from));
    from = at + kWildcard.size();
  }
  parts.push_back(expected.substr(from));
  if (parts.size() == 1) return expected == actual;
  if (actual.compare(0, parts.front().size(), parts.front()) != 0) return false;
  size_t pos = parts.front().size();
  for (size_t i = 1; i + 1 < parts.size(); ++i) {
    pos = actual.find(parts[i], pos);
    if (pos == std::string::npos) return false;
    pos += parts[i].size();
  }
  const std::string& last = parts.back();
  return actual.size() >= pos + last.size() &&
         actual.compare(actual.size() - last.size(), last.size(), last) == 0;
}

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The statement's words in lower case, in order, as the parser would see
// them: string literals, IRIs and comments are not words, and every other
// token (punctuation, a literal, a word right after '.', '$' or ':', which
// is a property, parameter or label name) is an empty entry, so that two
// words are adjacent only when nothing but whitespace or comments separates
// them. An unterminated literal runs to the end (the parser rejects it).
std::vector<std::string> StatementWords(std::string_view text) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (text.compare(i, 2, "--") == 0 || text.compare(i, 2, "//") == 0) {
      const size_t end = text.find('\n', i);
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (c == '"' || c == '\'') {
      ++i;
      while (i < text.size() && text[i] != c) i += text[i] == '\\' ? 2 : 1;
      i = std::min(i + 1, text.size());
      words.emplace_back();
    } else if (c == '<') {
      // An IRI when a '>' closes it before any character an IRI may not hold
      // (grammar/rules.h, iri_body); otherwise the operator '<'.
      size_t end = i + 1;
      while (end < text.size() &&
             std::string_view(">< \t\r\n\"").find(text[end]) == std::string_view::npos) {
        ++end;
      }
      i = end < text.size() && text[end] == '>' ? end + 1 : i + 1;
      words.emplace_back();
    } else if (IsWordChar(c)) {
      const bool name_only =
          i > 0 && (text[i - 1] == '.' || text[i - 1] == '$' || text[i - 1] == ':');
      std::string word;
      while (i < text.size() && IsWordChar(text[i])) {
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
        ++i;
      }
      words.push_back(name_only ? std::string() : word);
    } else {
      ++i;
      words.emplace_back();
    }
  }
  return words;
}

// Whether the statement's rows come in a defined order (the file header).
bool OrdersRows(std::string_view statement) {
  const std::vector<std::string> words = StatementWords(statement);
  if (!words.empty() && (words.front() == "explain" || words.front() == "profile")) return true;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "order" && words[i + 1] == "by") return true;
  }
  return false;
}

// A maximum matching of expected lines to actual lines under LineMatches,
// each line used at most once: for each actual line, the index of its
// expected line, or -1.
std::vector<int> MatchLines(const std::vector<std::string>& expected,
                            const std::vector<std::string>& actual) {
  std::vector<int> owner(actual.size(), -1);
  // Lines without a wildcard first, each to an identical actual line: the
  // copies of a line are interchangeable, so this never makes the matching
  // smaller than another choice would.
  std::map<std::string, std::vector<size_t>> free_by_text;
  for (size_t a = actual.size(); a-- > 0;) free_by_text[actual[a]].push_back(a);
  std::vector<size_t> wildcards;
  for (size_t e = 0; e < expected.size(); ++e) {
    if (HasWildcard(expected[e])) {
      wildcards.push_back(e);
      continue;
    }
    auto it = free_by_text.find(expected[e]);
    if (it == free_by_text.end() || it->second.empty()) continue;
    owner[it->second.back()] = static_cast<int>(e);
    it->second.pop_back();
  }
  // Then the wildcard lines by augmenting paths (Kuhn's algorithm): a greedy
  // choice could give "a..." the line "ab" that only "ab..." can take.
  std::vector<bool> visited;
  std::function<bool(size_t)> place = [&](size_t e) {
    for (size_t a = 0; a < actual.size(); ++a) {
      if (visited[a] || !LineMatches(expected[e], actual[a])) continue;
      const int held = owner[a];
      if (held >= 0 && !HasWildcard(expected[static_cast<size_t>(held)])) continue;
      visited[a] = true;
      if (held < 0 || place(static_cast<size_t>(held))) {
        owner[a] = static_cast<int>(e);
        return true;
      }
    }
    return false;
  };
  for (size_t e : wildcards) {
    visited.assign(actual.size(), false);
    place(e);
  }
  return owner;
}

// The outcome of comparing one list of lines with another.
struct LinesComparison {
  bool ok = false;
  // For each actual line, the expected line it matched, or -1.
  std::vector<int> expected_for_actual;
  // Multiset only: the expected lines nothing matched, the actual lines that
  // matched nothing.
  std::vector<std::string> missing, unexpected;
  // In order only: the first line (0-based) that differs, when !ok.
  size_t first_difference = 0;
};

LinesComparison CompareInOrder(const std::vector<std::string>& expected,
                               const std::vector<std::string>& actual) {
  LinesComparison c;
  c.expected_for_actual.assign(actual.size(), -1);
  c.first_difference = actual.size();  // all match: the first expected line left over, if any
  for (size_t i = 0; i < actual.size(); ++i) {
    if (i < expected.size() && LineMatches(expected[i], actual[i])) {
      c.expected_for_actual[i] = static_cast<int>(i);
    } else {
      c.first_difference = std::min(c.first_difference, i);
    }
  }
  c.ok = expected.size() == actual.size() && c.first_difference == actual.size();
  if (c.ok) c.first_difference = 0;
  return c;
}

LinesComparison CompareAsMultiset(const std::vector<std::string>& expected,
                                  const std::vector<std::string>& actual) {
  LinesComparison c;
  c.expected_for_actual = MatchLines(expected, actual);
  std::vector<bool> used(expected.size(), false);
  for (size_t a = 0; a < actual.size(); ++a) {
    if (c.expected_for_actual[a] < 0) {
      c.unexpected.push_back(actual[a]);
    } else {
      used[static_cast<size_t>(c.expected_for_actual[a])] = true;
    }
  }
  for (size_t e = 0; e < expected.size(); ++e) {
    if (!used[e]) c.missing.push_back(expected[e]);
  }
  // Sorted, so that the report reads like the sorted comparison it is.
  std::sort(c.missing.begin(), c.missing.end());
  std::sort(c.unexpected.begin(), c.unexpected.end());
  c.ok = c.missing.empty() && c.unexpected.empty();
  return c;
}

// A query's output as lines: the rows (one line per row, unless a value
// holds a line break), then the warnings.
struct QueryOutput {
  std::vector<std::string> rows, warnings;
};

QueryOutput RenderOutput(const quipu::QueryResult& r) {
  std::string rows;
  for (const auto& row : r.rows) {
    for (size_t c = 0; c < row.size(); ++c) rows += (c ? " | " : "") + row[c].ToString();
    rows += "\n";
  }
  QueryOutput out;
  out.rows = SplitLines(rows);
  for (const std::string& w : r.warnings) {
    for (std::string& line : SplitLines(std::string(kWarningPrefix) + w + "\n")) {
      out.warnings.push_back(std::move(line));
    }
  }
  return out;
}

// The expected text of a query block split like RenderOutput: the trailing
// lines starting with "warning: " are the warnings.
QueryOutput SplitExpected(const std::vector<std::string>& lines) {
  size_t rows_end = lines.size();
  while (rows_end > 0 && lines[rows_end - 1].rfind(kWarningPrefix, 0) == 0) --rows_end;
  QueryOutput out;
  out.rows.assign(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(rows_end));
  out.warnings.assign(lines.begin() + static_cast<std::ptrdiff_t>(rows_end), lines.end());
  return out;
}

// "    line" per line, or "    (none)".
std::string Indented(const std::vector<std::string>& lines) {
  if (lines.empty()) return "    (none)\n";
  std::string out;
  for (const std::string& line : lines) out += "    " + line + "\n";
  return out;
}

// The result of checking one block against its expected lines.
struct BlockCheck {
  bool ok = false;
  std::string report;  // when !ok: what differs, for a person
  // What --rewrite writes as the block's expected lines.
  std::vector<std::string> rewritten;
};

// Wildcard lines that still match the actual line they stand for are kept.
std::vector<std::string> KeepWildcards(const std::vector<std::string>& expected,
                                       const std::vector<std::string>& actual,
                                       const std::vector<int>& expected_for_actual) {
  std::vector<std::string> out = actual;
  for (size_t a = 0; a < actual.size(); ++a) {
    if (expected_for_actual[a] >= 0) out[a] = expected[static_cast<size_t>(expected_for_actual[a])];
  }
  return out;
}

BlockCheck CheckQueryOutput(const std::vector<std::string>& expected_lines,
                            const QueryOutput& actual, bool ordered) {
  const QueryOutput expected = SplitExpected(expected_lines);
  const LinesComparison rows = ordered ? CompareInOrder(expected.rows, actual.rows)
                                       : CompareAsMultiset(expected.rows, actual.rows);
  const LinesComparison warnings = CompareInOrder(expected.warnings, actual.warnings);
  BlockCheck check;
  check.ok = rows.ok && warnings.ok;
  check.rewritten = KeepWildcards(expected.rows, actual.rows, rows.expected_for_actual);
  for (std::string& w :
       KeepWildcards(expected.warnings, actual.warnings, warnings.expected_for_actual)) {
    check.rewritten.push_back(std::move(w));
  }
  if (check.ok) return check;
  std::string& r = check.report;
  if (!rows.ok) {
    r += ordered ? "  rows differ, compared in order (the statement orders them); first at row " +
                       std::to_string(rows.first_difference + 1) + "\n"
                 : "  rows differ, compared as a multiset (the statement has no order by)\n";
  }
  if (!warnings.ok) {
    r += "  warnings differ (compared in order); first at warning " +
         std::to_string(warnings.first_difference + 1) + "\n";
  }
  std::vector<std::string> actual_lines = actual.rows;
  actual_lines.insert(actual_lines.end(), actual.warnings.begin(), actual.warnings.end());
  r += "  expected:\n" + Indented(expected_lines) + "  actual:\n" + Indented(actual_lines);
  if (!rows.ok && !ordered) {
    r += "  missing (expected, no actual row matched):\n" + Indented(rows.missing);
    r += "  unexpected (actual, no expected row matched):\n" + Indented(rows.unexpected);
  }
  return check;
}

BlockCheck CheckErrorText(const std::vector<std::string>& expected_lines,
                          const std::string& actual_text) {
  BlockCheck check;
  // With its '\n' added, so that a text ending in a line break keeps an
  // empty last line (which no block can hold) rather than matching.
  check.rewritten = SplitLines(actual_text + "\n");
  check.ok = check.rewritten == expected_lines;
  if (!check.ok) {
    check.report = "  the error text differs (compared exactly)\n  expected:\n" +
                   Indented(expected_lines) + "  actual:\n" + Indented(check.rewritten);
  }
  return check;
}

// --- golden files -------------------------------------------------------------------------

enum class BlockKind { kDirective, kStatementOk, kQuery, kError };

// One block of a golden file, as line indexes (0-based) into the file.
struct Block {
  BlockKind kind = BlockKind::kDirective;
  size_t head = 0;
  size_t statement_begin = 0, statement_end = 0;
  bool has_separator = false;
  size_t expected_begin = 0, expected_end = 0;
};

struct GoldenFile {
  std::vector<std::string> lines;
  bool final_newline = false;
  std::vector<Block> blocks;
};

bool StartsWith(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

// Splits the file into blocks; a message naming the line when it is malformed.
std::optional<std::string> ParseGoldenFile(const std::string& text, GoldenFile* file) {
  file->lines = SplitLines(text);
  file->final_newline = !text.empty() && text.back() == '\n';
  const std::vector<std::string>& lines = file->lines;
  size_t i = 0;
  int statements = 0;
  while (i < lines.size()) {
    const std::string& head = lines[i];
    if (head.empty() || head[0] == '#') {
      ++i;
      continue;
    }
    const std::string where = "line " + std::to_string(i + 1) + ": ";
    Block block;
    block.head = i++;
    if (StartsWith(head, "seed ") || StartsWith(head, "param ") || StartsWith(head, "limit ")) {
      file->blocks.push_back(block);
      continue;
    }
    if (head == "query") {
      block.kind = BlockKind::kQuery;
    } else if (head == "error") {
      block.kind = BlockKind::kError;
    } else if (head == "statement ok") {
      block.kind = BlockKind::kStatementOk;
    } else {
      return where + "unknown directive '" + head +
             "' (expected query, error, statement ok, seed, param or limit)";
    }
    block.statement_begin = i;
    while (i < lines.size() && lines[i] != kSeparator && !lines[i].empty()) ++i;
    block.statement_end = i;
    if (block.statement_end == block.statement_begin) {
      return where + "'" + head + "' without a statement";
    }
    block.has_separator = i < lines.size() && lines[i] == kSeparator;
    if (block.has_separator) {
      block.expected_begin = ++i;
      while (i < lines.size() && !lines[i].empty()) ++i;
      block.expected_end = i;
    }
    if (block.kind == BlockKind::kStatementOk && block.has_separator) {
      return where + "'statement ok' takes no expected output ('" + std::string(kSeparator) + "')";
    }
    if (block.kind != BlockKind::kStatementOk && !block.has_separator) {
      return where + "'" + head + "' needs a '" + std::string(kSeparator) +
             "' line before its expected output";
    }
    file->blocks.push_back(block);
    ++statements;
  }
  if (statements == 0) return std::string("no query, error or statement ok block");
  return std::nullopt;
}

// The whole file; nullopt and the reason when it cannot be read.
std::optional<std::string> ReadWholeFile(const fs::path& path, std::string* why) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    *why = ec ? ec.message() : std::string("not a regular file (or missing)");
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *why = std::strerror(errno);
    return std::nullopt;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    *why = "read error";
    return std::nullopt;
  }
  return ss.str();
}

std::optional<uint64_t> ParseCount(std::string_view text) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return n;
}

// Runs a golden file's blocks against a fresh database.
class GoldenRun {
 public:
  GoldenRun(const fs::path& path, bool rewrite, std::ostream& out)
      : path_(path), name_(path.string()), rewrite_(rewrite), out_(out) {}

  // True when every block passed (with rewrite: when every block ran and the
  // file, if anything changed, was written).
  bool Run() {
    std::string why;
    std::optional<std::string> text = ReadWholeFile(path_, &why);
    if (!text) return Fail(name_ + ": cannot read the file: " + why);
    if (std::optional<std::string> error = ParseGoldenFile(*text, &file_)) {
      return Fail(name_ + ": malformed golden file: " + *error);
    }
    quipu::testing::TempDir dir("golden");
    auto opened = quipu::Database::Open(dir.path());
    if (!opened.ok()) {
      return Fail(name_ + ": cannot open a database: " + opened.status().ToString());
    }
    db_ = std::move(*opened);
    replacements_.assign(file_.blocks.size(), std::nullopt);
    size_t run = 0;
    for (; run < file_.blocks.size(); ++run) {
      if (!RunBlock(file_.blocks[run], &replacements_[run])) break;
    }
    db_.reset();
    const size_t statements = static_cast<size_t>(
        std::count_if(file_.blocks.begin(), file_.blocks.end(),
                      [](const Block& b) { return b.kind != BlockKind::kDirective; }));
    if (run < file_.blocks.size()) {
      out_ << name_ << ": stopped at line " << file_.blocks[run].head + 1
           << "; the blocks after it were not run\n";
    }
    if (rewrite_) return Rewrite();
    if (failures_ > 0) {
      out_ << "FAIL " << name_ << ": " << failures_ << " failure(s) in " << statements
           << " statement blocks\n";
      return false;
    }
    out_ << "ok " << name_ << ": " << statements << " statement blocks\n";
    return true;
  }

 private:
  bool Fail(const std::string& message) {
    out_ << message << "\n";
    ++failures_;
    return false;
  }

  std::string Where(const Block& block) const {
    return name_ + ":" + std::to_string(block.head + 1) + ": ";
  }

  std::string StatementOf(const Block& block) const {
    std::string statement;
    for (size_t i = block.statement_begin; i < block.statement_end; ++i) {
      statement += file_.lines[i] + "\n";
    }
    return statement;
  }

  std::vector<std::string> ExpectedOf(const Block& block) const {
    return std::vector<std::string>(
        file_.lines.begin() + static_cast<std::ptrdiff_t>(block.expected_begin),
        file_.lines.begin() + static_cast<std::ptrdiff_t>(block.expected_end));
  }

  // Runs one block; false when the file must stop here. A block whose
  // expected output --rewrite should change gets *replacement.
  bool RunBlock(const Block& block, std::optional<std::vector<std::string>>* replacement) {
    const std::string& head = file_.lines[block.head];
    if (block.kind == BlockKind::kDirective) return RunDirective(block, head);
    const std::string statement = StatementOf(block);
    const std::string shown = "  statement:\n" + Indented(SplitLines(statement));
    auto result = db_->Execute(statement, params_);
    BlockCheck check;
    if (block.kind == BlockKind::kStatementOk || block.kind == BlockKind::kQuery) {
      if (!result.ok()) {
        Fail(Where(block) + head + ": the statement failed\n" + shown + "  error:\n" +
             Indented(SplitLines(quipu::FormatError(result.status(), statement))));
        return block.kind == BlockKind::kQuery;
      }
      if (block.kind == BlockKind::kStatementOk) return true;
      check = CheckQueryOutput(ExpectedOf(block), RenderOutput(*result), OrdersRows(statement));
    } else {
      if (result.ok()) {
        const QueryOutput output = RenderOutput(*result);
        std::vector<std::string> lines = output.rows;
        lines.insert(lines.end(), output.warnings.begin(), output.warnings.end());
        Fail(Where(block) + "error: the statement succeeded\n" + shown + "  expected error:\n" +
             Indented(ExpectedOf(block)) + "  rows:\n" + Indented(lines));
        return true;
      }
      check = CheckErrorText(ExpectedOf(block), quipu::FormatError(result.status(), statement));
    }
    // A passing block stays as written, also with --rewrite: its expected
    // output is still right, and an unordered one reordered would only make
    // noise in the diff.
    if (check.ok) return true;
    if (!rewrite_) {
      Fail(Where(block) + head + ": output differs\n" + shown + check.report);
      return true;
    }
    const bool blank = std::any_of(check.rewritten.begin(), check.rewritten.end(),
                                   [](const std::string& l) { return l.empty(); });
    if (blank) {
      Fail(Where(block) + head + ": cannot rewrite: the output holds a blank line\n" + shown +
           "  actual:\n" + Indented(check.rewritten));
    } else {
      *replacement = check.rewritten;
    }
    return true;
  }

  bool RunDirective(const Block& block, const std::string& head) {
    if (StartsWith(head, "seed ")) {
      const fs::path seed = fs::path(QUIPU_SOURCE_DIR) / "datasets" / head.substr(5) / "seed.qql";
      std::string why;
      std::optional<std::string> text = ReadWholeFile(seed, &why);
      if (!text || text->empty()) {
        return Fail(Where(block) + "cannot read the seed " + seed.string() + ": " +
                    (text ? "empty" : why));
      }
      quipu::Status s = db_->ExecuteScript(*text, nullptr);
      if (!s.ok()) return Fail(Where(block) + "the seed failed:\n" + quipu::FormatError(s, *text));
      return true;
    }
    if (StartsWith(head, "param ")) {
      const size_t eq = head.find(" = ");
      if (eq == std::string::npos) return Fail(Where(block) + "expected 'param NAME = EXPR'");
      auto value = db_->Execute("return " + head.substr(eq + 3) + ";");
      if (!value.ok() || value->rows.size() != 1 || value->rows[0].size() != 1) {
        return Fail(Where(block) + "the parameter's expression does not give one value" +
                    (value.ok() ? std::string() : ": " + value.status().ToString()));
      }
      params_[head.substr(6, eq - 6)] = value->rows[0][0];
      return true;
    }
    // limit NAME VALUE
    quipu::QueryLimits limits = db_->limits();
    const size_t space = head.find(' ', 6);
    if (space == std::string::npos) return Fail(Where(block) + "expected 'limit NAME VALUE'");
    const std::string name = head.substr(6, space - 6);
    const std::string value = head.substr(space + 1);
    if (name == "memory") {
      quipu::Result<uint64_t> bytes = quipu::ParseMemorySize(value);
      if (!bytes.ok()) return Fail(Where(block) + "bad size: " + bytes.status().ToString());
      limits.memory_bytes = *bytes;
    } else {
      const std::optional<uint64_t> n = ParseCount(value);
      if (!n) return Fail(Where(block) + "expected a whole number, not '" + value + "'");
      if (name == "rows") {
        limits.max_result_rows = *n;
      } else if (name == "statement_bytes") {
        limits.statement_bytes = *n;
      } else if (name == "nesting_depth") {
        if (*n > std::numeric_limits<uint32_t>::max()) {
          return Fail(Where(block) + "nesting_depth " + value + " is out of range");
        }
        limits.nesting_depth = static_cast<uint32_t>(*n);
      } else {
        return Fail(Where(block) + "unknown limit '" + name +
                    "' (memory, rows, statement_bytes or nesting_depth)");
      }
    }
    db_->SetLimits(limits);
    return true;
  }

  // Writes the file with the replacements, unless a block failed.
  bool Rewrite() {
    if (failures_ > 0) {
      out_ << "FAIL " << name_ << ": not rewritten: " << failures_
           << " failure(s) above that --rewrite cannot fix\n";
      return false;
    }
    std::vector<std::string> lines;
    size_t next = 0;  // the first line of file_.lines not yet copied
    int changed = 0;
    for (size_t b = 0; b < file_.blocks.size(); ++b) {
      if (!replacements_[b]) continue;
      const Block& block = file_.blocks[b];
      lines.insert(lines.end(), file_.lines.begin() + static_cast<std::ptrdiff_t>(next),
                   file_.lines.begin() + static_cast<std::ptrdiff_t>(block.expected_begin));
      lines.insert(lines.end(), replacements_[b]->begin(), replacements_[b]->end());
      next = block.expected_end;
      ++changed;
      out_ << Where(block) << file_.lines[block.head] << ": expected output rewritten ("
           << block.expected_end - block.expected_begin << " lines before, "
           << replacements_[b]->size() << " now)\n";
    }
    if (changed == 0) {
      out_ << "ok " << name_ << ": nothing to rewrite\n";
      return true;
    }
    lines.insert(lines.end(), file_.lines.begin() + static_cast<std::ptrdiff_t>(next),
                 file_.lines.end());
    std::string text;
    for (size_t i = 0; i < lines.size(); ++i) {
      text += lines[i];
      if (i + 1 < lines.size() || file_.final_newline) text += "\n";
    }
    // Written beside the file and renamed over it, so an interrupted rewrite
    // leaves the file as it was.
    const fs::path temp = path_.string() + ".rewrite";
    {
      std::ofstream out(temp, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (!out) return Fail(name_ + ": cannot write " + temp.string());
    }
    std::error_code ec;
    fs::rename(temp, path_, ec);
    if (ec) return Fail(name_ + ": cannot replace the file: " + ec.message());
    out_ << "rewrote " << name_ << ": " << changed << " block(s); review with git diff\n";
    return true;
  }

  const fs::path path_;
  const std::string name_;
  const bool rewrite_;
  std::ostream& out_;
  GoldenFile file_;
  std::unique_ptr<quipu::Database> db_;
  quipu::Params params_;
  std::vector<std::optional<std::vector<std::string>>> replacements_;
  int failures_ = 0;
};

bool RunGoldenFile(const fs::path& path, bool rewrite, std::ostream& out) {
  try {
    return GoldenRun(path, rewrite, out).Run();
  } catch (const std::exception& e) {
    out << "FAIL " << path.string() << ": exception: " << e.what() << "\n";
    return false;
  }
}

std::vector<fs::path> AllGoldenFiles() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(fs::path(QUIPU_SOURCE_DIR) / "tests" / "queries")) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string usage =
      "usage: golden_tests [FILE...] | golden_tests --rewrite FILE... | "
      "golden_tests --selftest [CATCH2 ARGS]\n";
  if (argc > 1 && std::string_view(argv[1]) == "--selftest") {
    std::vector<char*> args = {argv[0]};
    args.insert(args.end(), argv + 2, argv + argc);
    return Catch::Session().run(static_cast<int>(args.size()), args.data());
  }
  bool rewrite = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--rewrite") {
      rewrite = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << usage;
      return 0;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::cerr << "golden_tests: unknown option " << arg << "\n" << usage;
      return 2;
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty()) {
    // Rewriting every file is one `--rewrite tests/queries/*.test` away; an
    // argument forgotten should not rewrite them all.
    if (rewrite) {
      std::cerr << "golden_tests: --rewrite needs the files to rewrite\n" << usage;
      return 2;
    }
    files = AllGoldenFiles();
    if (files.empty()) {
      std::cerr << "golden_tests: no .test files in " << QUIPU_SOURCE_DIR << "/tests/queries\n";
      return 1;
    }
  }
  int failed = 0;
  for (const fs::path& file : files) {
    if (!RunGoldenFile(file, rewrite, std::cout)) ++failed;
  }
  if (files.size() > 1) {
    std::cout << (failed ? "FAILED: " : "passed: ") << files.size() - failed << " of "
              << files.size() << " files passed\n";
  }
  return failed ? 1 : 0;
}

// --- the runner's own tests (golden_tests --selftest) -------------------------------------

namespace {

std::vector<std::string> Lines(std::initializer_list<const char*> lines) {
  return std::vector<std::string>(lines.begin(), lines.end());
}

QueryOutput Rows(std::initializer_list<const char*> rows,
                 std::initializer_list<const char*> warnings = {}) {
  QueryOutput out;
  out.rows = Lines(rows);
  for (const char* w : warnings) out.warnings.push_back(std::string(kWarningPrefix) + w);
  return out;
}

}  // namespace

TEST_CASE("order by detection", "[golden_runner]") {
  CHECK(OrdersRows("match (n) return n order by n;"));
  CHECK(OrdersRows("match (n) return n ORDER  \n\t By n;"));
  CHECK(OrdersRows("match (n) return n order -- why\n by n;"));
  CHECK(OrdersRows("explain match (n) return n;"));
  CHECK(OrdersRows("-- a plan\n  PROFILE match (n) return n;"));
  CHECK(OrdersRows("match (n) where n.name = \"x\" return n order by n;"));
  CHECK(OrdersRows("match (n) where n.iri = <http://x/order> return n order by n;"));
  CHECK_FALSE(OrdersRows("match (n) return n;"));
  CHECK_FALSE(OrdersRows("match (n) where n.name = \"order by\" return n;"));
  CHECK_FALSE(OrdersRows("match (n) where n.name = 'order by' return n;"));
  CHECK_FALSE(OrdersRows("match (n) where n.name = 'it\\'s order by' return n;"));
  CHECK_FALSE(OrdersRows("match (n) return n; -- order by n"));
  CHECK_FALSE(OrdersRows("match (n) return n // order by n"));
  CHECK_FALSE(OrdersRows("match (n) return n.order, by;"));
  CHECK_FALSE(OrdersRows("match (n) return n reorder by;"));
  CHECK_FALSE(OrdersRows("match (n) return n order_by;"));
  CHECK_FALSE(OrdersRows("match (n) return n order \"\" by;"));
  CHECK_FALSE(OrdersRows("match (n) return 'explain';"));
  CHECK_FALSE(OrdersRows("match (explain) return explain;"));
}

TEST_CASE("wildcard lines", "[golden_runner]") {
  CHECK(LineMatches("Scan (n)  (estimated ...)", "Scan (n)  (estimated 3 rows)"));
  CHECK(LineMatches("a ... c ... e", "a b c d e"));
  CHECK(LineMatches("...", "anything"));
  CHECK_FALSE(LineMatches("a ... c", "b a c"));
  CHECK_FALSE(LineMatches("a ... c", "a c d"));
  CHECK_FALSE(LineMatches("a b", "a b c"));
}

TEST_CASE("an unordered query passes with its rows permuted", "[golden_runner]") {
  const std::vector<std::string> expected = Lines({"@a | 1", "@b | 2", "@c | 3"});
  CHECK(CheckQueryOutput(expected, Rows({"@c | 3", "@a | 1", "@b | 2"}), false).ok);
  CHECK(CheckQueryOutput(expected, Rows({"@a | 1", "@b | 2", "@c | 3"}), false).ok);
}

TEST_CASE("an ordered query fails with its rows permuted", "[golden_runner]") {
  const std::vector<std::string> expected = Lines({"@a | 1", "@b | 2", "@c | 3"});
  const BlockCheck check = CheckQueryOutput(expected, Rows({"@b | 2", "@a | 1", "@c | 3"}), true);
  CHECK_FALSE(check.ok);
  CHECK(check.report.find("compared in order") != std::string::npos);
  CHECK(check.report.find("first at row 1") != std::string::npos);
  CHECK(
      CheckQueryOutput(expected, Rows({"@a | 1", "@b | 2"}), true).report.find("first at row 3") !=
      std::string::npos);
  CHECK(CheckQueryOutput(expected, Rows({"@a | 1", "@b | 2", "@c | 3"}), true).ok);
}

TEST_CASE("a missing, an extra or a changed row fails in both modes", "[golden_runner]") {
  const std::vector<std::string> expected = Lines({"@a", "@b", "@b"});
  for (bool ordered : {false, true}) {
    INFO("ordered: " << ordered);
    CHECK_FALSE(CheckQueryOutput(expected, Rows({"@a", "@b"}), ordered).ok);
    CHECK_FALSE(CheckQueryOutput(expected, Rows({"@a", "@b", "@b", "@c"}), ordered).ok);
    CHECK_FALSE(CheckQueryOutput(expected, Rows({"@a", "@a", "@b"}), ordered).ok);
    CHECK_FALSE(CheckQueryOutput(expected, Rows({}), ordered).ok);
    CHECK_FALSE(CheckQueryOutput(Lines({}), Rows({"@a"}), ordered).ok);
    CHECK(CheckQueryOutput(Lines({}), Rows({}), ordered).ok);
  }
  const BlockCheck check = CheckQueryOutput(expected, Rows({"@b", "@c", "@a"}), false);
  CHECK_FALSE(check.ok);
  CHECK(check.report.find("missing (expected, no actual row matched):\n    @b\n") !=
        std::string::npos);
  CHECK(check.report.find("unexpected (actual, no expected row matched):\n    @c\n") !=
        std::string::npos);
}

TEST_CASE("wildcards in both modes", "[golden_runner]") {
  // In order: each line against its own.
  CHECK(CheckQueryOutput(
            Lines({"Project [y]  (estimated ...)", "  Scan (y)  (estimated ...)"}),
            Rows({"Project [y]  (estimated 2 rows)", "  Scan (y)  (estimated 5 rows)"}), true)
            .ok);
  CHECK_FALSE(CheckQueryOutput(Lines({"  Scan ...", "Project ..."}),
                               Rows({"Project [y]", "  Scan (y)"}), true)
                  .ok);
  // As a multiset: the exact line takes its own row, the wildcard the other.
  CHECK(CheckQueryOutput(Lines({"x | ...", "x | 1"}), Rows({"x | 1", "x | 2"}), false).ok);
  // A greedy choice would give "a..." the row "ab" and leave "ab..." nothing.
  CHECK(CheckQueryOutput(Lines({"a...", "ab..."}), Rows({"ab", "a"}), false).ok);
  CHECK_FALSE(CheckQueryOutput(Lines({"a...", "ab..."}), Rows({"a", "a"}), false).ok);
  CHECK_FALSE(CheckQueryOutput(Lines({"x | ...", "x | ..."}), Rows({"x | 1"}), false).ok);
}

TEST_CASE("warnings come after the rows and compare in order", "[golden_runner]") {
  const std::vector<std::string> expected = Lines({"@a", "@b", "warning: one", "warning: two"});
  CHECK(CheckQueryOutput(expected, Rows({"@b", "@a"}, {"one", "two"}), false).ok);
  CHECK_FALSE(CheckQueryOutput(expected, Rows({"@b", "@a"}, {"two", "one"}), false).ok);
  CHECK_FALSE(CheckQueryOutput(expected, Rows({"@a", "@b"}, {"one"}), false).ok);
  CHECK_FALSE(CheckQueryOutput(Lines({"@a", "@b"}), Rows({"@a", "@b"}, {"one"}), false).ok);
  CHECK(CheckQueryOutput(Lines({"@a", "warning: took ... ms"}), Rows({"@a"}, {"took 5 ms"}), true)
            .ok);
}

TEST_CASE("error text compares exactly", "[golden_runner]") {
  CHECK(CheckErrorText(Lines({"error at line 1", "  x", "  ^"}), "error at line 1\n  x\n  ^").ok);
  CHECK_FALSE(CheckErrorText(Lines({"error at ..."}), "error at line 1").ok);
  CHECK_FALSE(CheckErrorText(Lines({"error at line 1"}), "error at line 1\n  x").ok);
}

TEST_CASE("rewritten output keeps wildcard lines that still match", "[golden_runner]") {
  // Unordered: the engine's order, the wildcard line where its row is.
  BlockCheck check = CheckQueryOutput(Lines({"@a | ...", "@b | 2", "@gone | 9"}),
                                      Rows({"@new | 1", "@b | 2", "@a | 7"}), false);
  CHECK_FALSE(check.ok);
  CHECK(check.rewritten == Lines({"@new | 1", "@b | 2", "@a | ..."}));
  // Ordered: a wildcard line stays where it still matches its position.
  check =
      CheckQueryOutput(Lines({"Output (... ms)", "  Scan (estimated 3 rows, ... ms)"}),
                       Rows({"Output (2 ms)", "  Scan (estimated 4 rows, 1 ms)"}, {"slow"}), true);
  CHECK_FALSE(check.ok);
  CHECK(check.rewritten ==
        Lines({"Output (... ms)", "  Scan (estimated 4 rows, 1 ms)", "warning: slow"}));
}

namespace {

// Runs the runner on a file holding text; what it printed, and whether it passed.
struct FileRun {
  bool ok;
  std::string output;
  std::string text_after;
};

FileRun RunText(const std::string& text, bool rewrite = false) {
  quipu::testing::TempDir dir("golden-self");
  fs::create_directories(dir.path());
  const fs::path path = fs::path(dir.path()) / "t.test";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  std::ostringstream output;
  const bool ok = RunGoldenFile(path, rewrite, output);
  return {ok, output.str(), quipu::testing::ReadFileOrEmpty(path)};
}

}  // namespace

TEST_CASE("golden files run end to end", "[golden_runner]") {
  const std::string good =
      "# three nodes\n"
      "statement ok\n"
      "insert (@a {n: 1}), (@b {n: 2}), (@c {n: 3});\n"
      "\n"
      "query\n"
      "match (x) return x, x.n;\n"
      "----\n"
      "@c | 3\n"
      "@a | 1\n"
      "@b | 2\n"
      "\n"
      "query\n"
      "match (x) return x, x.n order by x.n desc;\n"
      "----\n"
      "@c | 3\n"
      "@b | 2\n"
      "@a | 1\n"
      "\n"
      "error\n"
      "match (x) return y;\n"
      "----\n";
  // The error text, whatever it is, is what --rewrite writes.
  FileRun first = RunText(good + "placeholder\n", true);
  INFO(first.output);
  REQUIRE(first.ok);
  REQUIRE(first.text_after.rfind(good, 0) == 0);
  REQUIRE(first.text_after.size() > good.size());
  const std::string passing = first.text_after;
  CHECK(first.output.find("t.test:19: error: expected output rewritten") != std::string::npos);

  FileRun run = RunText(passing);
  INFO(run.output);
  CHECK(run.ok);
  CHECK(run.output.find("4 statement blocks") != std::string::npos);
  // Rewriting a passing file changes nothing.
  run = RunText(passing, true);
  CHECK(run.ok);
  CHECK(run.text_after == passing);
  CHECK(run.output.find("nothing to rewrite") != std::string::npos);

  // The ordered query with two rows swapped fails, and names the line.
  std::string swapped = passing;
  swapped.replace(swapped.find("@c | 3\n@b | 2\n@a | 1"), 20, "@c | 3\n@a | 1\n@b | 2");
  run = RunText(swapped);
  CHECK_FALSE(run.ok);
  CHECK(run.output.find("t.test:12: query: output differs") != std::string::npos);
  CHECK(run.output.find("1 failure(s) in 4 statement blocks") != std::string::npos);
  // --rewrite puts them back in order, and keeps every other byte.
  run = RunText(swapped, true);
  CHECK(run.ok);
  CHECK(run.text_after == passing);

  // A missing row in the unordered query fails; --rewrite writes the
  // engine's order there.
  std::string missing = passing;
  missing.erase(missing.find("@a | 1\n"), 7);
  run = RunText(missing);
  CHECK_FALSE(run.ok);
  CHECK(run.output.find("missing (expected, no actual row matched):\n    (none)\n"
                        "  unexpected (actual, no expected row matched):\n    @a | 1\n") !=
        std::string::npos);
  run = RunText(missing, true);
  CHECK(run.ok);
  CHECK(run.text_after != missing);
  CHECK(RunText(run.text_after).ok);
}

TEST_CASE("malformed golden files fail loudly", "[golden_runner]") {
  const auto fails_with = [](const std::string& text, const std::string& message) {
    for (bool rewrite : {false, true}) {
      const FileRun run = RunText(text, rewrite);
      INFO(run.output);
      CHECK_FALSE(run.ok);
      CHECK(run.output.find(message) != std::string::npos);
      CHECK(run.text_after == text);
    }
  };
  fails_with("", "no query, error or statement ok block");
  fails_with("# only a comment\n\nseed peru_china\n", "no query, error or statement ok block");
  fails_with("statment ok\nreturn 1;\n", "line 1: unknown directive 'statment ok'");
  fails_with("query\nreturn 1;\n1\n", "line 1: 'query' needs a '----' line");
  fails_with("statement ok\nreturn 1;\n----\n1\n", "'statement ok' takes no expected output");
  fails_with("query\n----\n1\n", "'query' without a statement");
  fails_with("limit widgets 4\nstatement ok\nreturn 1;\n", "unknown limit 'widgets'");
  fails_with("limit rows many\nstatement ok\nreturn 1;\n", "expected a whole number");
  fails_with("statement ok\nreturn nonsense(;\n\nquery\nreturn 1;\n----\n1\n",
             "the statement failed");
  fails_with("error\nreturn 1;\n----\nsome error\n", "error: the statement succeeded");

  std::ostringstream output;
  CHECK_FALSE(RunGoldenFile("/nonexistent/golden.test", false, output));
  CHECK(output.str().find("cannot read the file") != std::string::npos);
  quipu::testing::TempDir dir("golden-self");
  fs::create_directories(dir.path());
  CHECK_FALSE(RunGoldenFile(dir.path(), false, output));
}
