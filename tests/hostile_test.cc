// Hostile statement text (issue 9) that a golden file cannot hold: inputs
// of megabytes, 100,000 nested brackets, NUL bytes and bytes that are not
// UTF-8. Each gets a clear error at the default limits, or the right answer
// where there is one (a 1 MB string fits in a statement); the database
// goes on answering afterwards. tests/queries/hostile.test has the small cases.
#include <catch2/catch.hpp>

#include <string>

#include "quipu/database.h"
#include "tests/test_util.h"

namespace {

using quipu::Database;
using quipu::Status;

std::unique_ptr<Database> OpenDb(const std::string& path) {
  auto db = Database::Open(path);
  REQUIRE(db.ok());
  return std::move(*db);
}

// The first line of the formatted error (the caret line would hold the input).
std::string FirstLine(const Status& status, std::string_view text) {
  const std::string all = quipu::FormatError(status, text);
  return all.substr(0, all.find('\n'));
}

std::string Repeat(std::string_view part, size_t n) {
  std::string out;
  out.reserve(part.size() * n);
  for (size_t i = 0; i < n; ++i) out += part;
  return out;
}

const char* const kNesting =
    "operands nest more than 256 deep here (the limit 'nesting_depth': :limit nesting_depth N "
    "in the shell, QueryLimits::nesting_depth in the API)";

}  // namespace

TEST_CASE("deep nesting stops at the nesting limit, not the stack", "[engine][hostile]") {
  quipu::testing::TempDir dir;
  auto db = OpenDb(dir.path());
  struct Case {
    std::string text;
    std::string error;  // first line
  };
  const std::string nested = "syntax error at line 1, column 264: " + std::string(kNesting);
  const Case cases[] = {
      {"return " + Repeat("(", 100000) + "1" + Repeat(")", 100000) + ";", nested},
      {"return " + Repeat("[", 100000) + Repeat("]", 100000) + ";", nested},
      {"return " + Repeat("size(", 100000) + "[]" + Repeat(")", 100000) + ";",
       "syntax error at line 1, column 1288: " + std::string(kNesting)},
      {"return " + Repeat("not ", 100000) + "true;",
       "syntax error at line 1, column 1036: " + std::string(kNesting)},
      // Chains parse flat but build a tree as deep as they are long.
      {"return 1" + Repeat(" + 1", 100000) + ";",
       "syntax error at line 1, column 8: " + std::string(kNesting)},
      {"match (n) where n.a = 1" + Repeat(" or n.a = 1", 20000) + " return n;",
       "syntax error at line 1, column 17: " + std::string(kNesting)},
      {"match (n) return n" + Repeat(".a", 100000) + ";",
       "syntax error at line 1, column 18: " + std::string(kNesting)},
      {"match (n) where " + Repeat("exists { (n) where ", 2000) + "true" + Repeat(" }", 2000) +
           " return n;",
       "syntax error at line 1, column 4881: " + std::string(kNesting)},
  };
  for (const Case& c : cases) {
    INFO(c.text.substr(0, 60));
    auto r = db->Execute(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(FirstLine(r.status(), c.text) == c.error);
  }
  // As deep as the limit allows is fine.
  const std::string deepest = "return " + Repeat("[", 255) + "1" + Repeat("]", 255) + ";";
  auto r = db->Execute(deepest);
  INFO(quipu::FormatError(r.status(), deepest).substr(0, 300));
  REQUIRE(r.ok());
  CHECK(r->rows.at(0).at(0).ToString() == Repeat("[", 255) + "1" + Repeat("]", 255));
}

TEST_CASE("a 1 MB string fits in a statement; a longer statement is refused", "[engine][hostile]") {
  quipu::testing::TempDir dir;
  auto db = OpenDb(dir.path());
  const std::string megabyte(1'000'000, 'x');
  const std::string insert = "insert (@doc:Text {body: \"" + megabyte + "\"});";
  auto inserted = db->Execute(insert);
  REQUIRE(inserted.ok());
  auto r = db->Execute("match (t:Text) return size(t.body), t.body = $b;",
                       {{"b", quipu::Value(megabyte)}});
  REQUIRE(r.ok());
  CHECK(r->rows.at(0).at(0).as_int() == 1'000'000);
  CHECK(r->rows.at(0).at(1).ToString() == "true");

  const std::string too_long = "return \"" + std::string(2'000'000, 'y') + "\";";
  auto refused = db->Execute(too_long);
  REQUIRE_FALSE(refused.ok());
  CHECK(FirstLine(refused.status(), too_long) ==
        "syntax error at line 1, column 1: the statement is 2000010 bytes long, over the limit "
        "of 1048576 bytes (the limit 'statement_bytes': :limit statement_bytes N in the shell, "
        "QueryLimits::statement_bytes in the API)");

  // In a script the limit is per statement: the first runs, the second is refused.
  const std::string script = "insert (@a:Small);\n" + too_long;
  int ran = 0;
  const Status status = db->ExecuteScript(script, [&](const quipu::QueryResult&) { ++ran; });
  CHECK(ran == 1);
  REQUIRE_FALSE(status.ok());
  CHECK(FirstLine(status, script)
            .rfind("syntax error at line 2, column 1: the statement is 2000009 bytes long", 0) ==
        0);

  // With the limit off, the long statement runs.
  quipu::QueryLimits limits = db->limits();
  limits.statement_bytes = 0;
  db->SetLimits(limits);
  auto allowed = db->Execute("return size(\"" + std::string(2'000'000, 'y') + "\");");
  REQUIRE(allowed.ok());
  CHECK(allowed->rows.at(0).at(0).as_int() == 2'000'000);
}

TEST_CASE("an error in a long line shows a window around the caret, not the line",
          "[engine][hostile]") {
  quipu::testing::TempDir dir;
  auto db = OpenDb(dir.path());
  // The 2 MB statement: its start, cut after 60 characters more.
  const std::string too_long = "return \"" + std::string(2'000'000, 'y') + "\";";
  auto refused = db->Execute(too_long);
  REQUIRE_FALSE(refused.ok());
  const std::string shown = quipu::FormatError(refused.status(), too_long);
  CHECK(shown.substr(shown.find('\n')) == "\n  return \"" + std::string(53, 'y') + "…\n  ^");

  // An unknown variable in the middle of a 9 KB line: 60 characters each
  // side of the caret (UTF-8 counted as characters), "…" at both cuts.
  const std::string line =
      "return [" + Repeat("\"é\", ", 1000) + "nope" + Repeat(", 1", 1000) + "];";
  auto unknown = db->Execute(line);
  REQUIRE_FALSE(unknown.ok());
  CHECK(quipu::FormatError(unknown.status(), line) ==
        "error at line 1, column 6009: unknown variable 'nope'\n  …" + Repeat("\"é\", ", 12) +
            "nope" + Repeat(", 1", 19) + "…\n  " + std::string(61, ' ') + "^");

  // A caret near the end of a long line: no "…" after it.
  const std::string tail = "return " + Repeat("1 + ", 100) + "nope;";
  auto at_end = db->Execute(tail);
  REQUIRE_FALSE(at_end.ok());
  CHECK(quipu::FormatError(at_end.status(), tail) ==
        "error at line 1, column 408: unknown variable 'nope'\n  …" + Repeat("1 + ", 15) +
            "nope;\n  " + std::string(61, ' ') + "^");

  // A line of 200 characters is still shown whole.
  const std::string whole = "return " + std::string(188, ' ') + "nope;\n";
  auto short_line = db->Execute(whole);
  REQUIRE_FALSE(short_line.ok());
  CHECK(quipu::FormatError(short_line.status(), whole) ==
        "error at line 1, column 196: unknown variable 'nope'\n  " + whole.substr(0, 200) + "\n  " +
            std::string(195, ' ') + "^");
}

TEST_CASE("NUL bytes and bytes that are not UTF-8 are refused where they are",
          "[engine][hostile]") {
  quipu::testing::TempDir dir;
  auto db = OpenDb(dir.path());
  struct Case {
    std::string text;
    std::string error;  // the whole formatted error
  };
  using namespace std::string_literals;
  const Case cases[] = {
      {"return \"a\0b\";"s,
       "syntax error at line 1, column 10: text cannot contain NUL bytes\n  return \"a\0b\";\n"
       "           ^"s},
      {"return 1\0;"s,
       "syntax error at line 1, column 9: expected ';' or the end of the statement\n"
       "  return 1\0;\n          ^"s},
      {"return \"caf\xC3\";",
       "syntax error at line 1, column 12: text must be UTF-8, and byte 0xC3 here is not valid "
       "UTF-8\n  return \"caf\xC3\";\n             ^"},
      {"insert (@a {name: \"\xFF\"});",
       "syntax error at line 1, column 20: text must be UTF-8, and byte 0xFF here is not valid "
       "UTF-8\n  insert (@a {name: \"\xFF\"});\n                     ^"},
      // An overlong form of '/' and an encoded surrogate are not UTF-8 either.
      {"return 'a\nb\xC0\xAF';",
       "syntax error at line 2, column 2: text must be UTF-8, and byte 0xC0 here is not valid "
       "UTF-8\n  b\xC0\xAF';\n   ^"},
      {"return '\xED\xA0\x80';",
       "syntax error at line 1, column 9: text must be UTF-8, and byte 0xED here is not valid "
       "UTF-8\n  return '\xED\xA0\x80';\n          ^"},
      {"match (n) return <http://x/\xFE>;",
       "syntax error at line 1, column 28: text must be UTF-8, and byte 0xFE here is not valid "
       "UTF-8\n  match (n) return <http://x/\xFE>;\n                             ^"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto r = db->Execute(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(quipu::FormatError(r.status(), c.text) == c.error);
  }
  auto count = db->Execute("match (s)-[r]->(o) return count(*);");
  REQUIRE(count.ok());
  CHECK(count->rows.at(0).at(0).as_int() == 0);
}
