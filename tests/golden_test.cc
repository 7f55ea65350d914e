// Runs the golden files tests/queries/*.test. Format (blocks separated by
// blank lines; lines starting with '#' outside blocks are comments):
//
//   seed peru_china          load datasets/peru_china/seed.qql first
//   param name = EXPR        bind $name for the statements that follow
//   limit memory SIZE        set QueryLimits::memory_bytes (ParseMemorySize)
//   limit rows N             or max_result_rows, for what follows
//   limit NAME N             set a parser limit (statement_bytes or
//                            nesting_depth) for the statements that follow
//   statement ok             the statement that follows must succeed
//   insert ...;
//   query                    the statement's rows, in order, columns joined
//   match ...;               by " | ", values as Value::ToString(), then
//                            the warnings, each as "warning: " and the text
//   ----
//   row | row
//   error                    the statement must fail with exactly this
//   match ...;               FormatError() text (may span lines)
//   ----
//   syntax error at ...
//
// In expected rows, "..." stands for any text (used for timings).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "quipu/database.h"
#include "tests/test_util.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

// An expected line may hold "..." for text that varies (timings): the parts
// between them must appear in order, the first at the start, the last at the end.
bool LineMatches(const std::string& expected, const std::string& actual) {
  std::vector<std::string> parts;
  size_t from = 0, at;
  while ((at = expected.find("...", from)) != std::string::npos) {
    parts.push_back(expected.substr(from, at - from));
    from = at + 3;
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

bool TextMatches(const std::string& expected, const std::string& actual) {
  const std::vector<std::string> e = SplitLines(expected), a = SplitLines(actual);
  if (e.size() != a.size()) return false;
  for (size_t i = 0; i < e.size(); ++i) {
    if (!LineMatches(e[i], a[i])) return false;
  }
  return true;
}

std::string RenderRows(const quipu::QueryResult& r) {
  std::string out;
  for (const auto& row : r.rows) {
    for (size_t c = 0; c < row.size(); ++c) out += (c ? " | " : "") + row[c].ToString();
    out += "\n";
  }
  for (const std::string& w : r.warnings) out += "warning: " + w + "\n";
  return out;
}

void RunGoldenFile(const fs::path& file) {
  const std::vector<std::string> lines = SplitLines(quipu::testing::ReadFileOrEmpty(file));
  quipu::testing::TempDir dir;
  auto opened = quipu::Database::Open(dir.path());
  REQUIRE(opened.ok());
  std::unique_ptr<quipu::Database> db = std::move(*opened);
  size_t i = 0;
  int blocks = 0;
  quipu::Params params;
  while (i < lines.size()) {
    const std::string& head = lines[i];
    if (head.empty() || head[0] == '#') {
      ++i;
      continue;
    }
    const size_t block_line = i + 1;
    INFO(file.filename().string() << ":" << block_line);
    if (head.rfind("seed ", 0) == 0) {
      const fs::path seed = fs::path(QUIPU_SOURCE_DIR) / "datasets" / head.substr(5) / "seed.qql";
      const std::string text = quipu::testing::ReadFileOrEmpty(seed);
      REQUIRE(!text.empty());
      quipu::Status s = db->ExecuteScript(text, nullptr);
      INFO(quipu::FormatError(s, text));
      REQUIRE(s.ok());
      ++i;
      continue;
    }
    if (head.rfind("param ", 0) == 0) {
      const size_t eq = head.find(" = ");
      REQUIRE(eq != std::string::npos);
      auto value = db->Execute("return " + head.substr(eq + 3) + ";");
      REQUIRE(value.ok());
      params[head.substr(6, eq - 6)] = value->rows.at(0).at(0);
      ++i;
      continue;
    }
    if (head.rfind("limit ", 0) == 0) {
      quipu::QueryLimits limits = db->limits();
      const size_t space = head.find(' ', 6);
      REQUIRE(space != std::string::npos);
      const std::string name = head.substr(6, space - 6);
      const std::string value = head.substr(space + 1);
      if (name == "memory") {
        quipu::Result<uint64_t> bytes = quipu::ParseMemorySize(value);
        REQUIRE(bytes.ok());
        limits.memory_bytes = *bytes;
      } else if (name == "rows") {
        limits.max_result_rows = std::stoull(value);
      } else if (name == "statement_bytes") {
        limits.statement_bytes = std::stoull(value);
      } else {
        REQUIRE(name == "nesting_depth");
        limits.nesting_depth = static_cast<uint32_t>(std::stoull(value));
      }
      db->SetLimits(limits);
      ++i;
      continue;
    }
    REQUIRE((head == "query" || head == "error" || head == "statement ok"));
    ++i;
    std::string statement, expected;
    while (i < lines.size() && lines[i] != "----" && !lines[i].empty()) {
      statement += lines[i++] + "\n";
    }
    if (i < lines.size() && lines[i] == "----") {
      ++i;
      while (i < lines.size() && !lines[i].empty()) expected += lines[i++] + "\n";
    }
    INFO(statement);
    auto result = db->Execute(statement, params);
    ++blocks;
    if (head == "error") {
      REQUIRE_FALSE(result.ok());
      CHECK(quipu::FormatError(result.status(), statement) + "\n" == expected);
    } else {
      INFO(quipu::FormatError(result.status(), statement));
      REQUIRE(result.ok());
      if (head == "query") {
        const std::string actual = RenderRows(*result);
        INFO("actual:\n" << actual);
        CHECK(TextMatches(expected, actual));
      }
    }
  }
  CHECK(blocks > 0);
}

}  // namespace

TEST_CASE("golden query files", "[golden]") {
  const fs::path dir = fs::path(QUIPU_SOURCE_DIR) / "tests" / "queries";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const fs::path& f : files) {
    DYNAMIC_SECTION(f.filename().string()) { RunGoldenFile(f); }
  }
}
