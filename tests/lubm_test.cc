// The LUBM queries (tests/lubm/qNN.qql) over lubm1.nt.gz, each answer
// compared as a set of rows with the expected results of the shared data
// (expected-lubm1/qNN.tsv, computed with Oxigraph). Skipped, loudly, when
// ../shared is not beside the clone.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "quipu/database.h"
#include "tests/test_util.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> ExpectedRows(const fs::path& tsv) {
  std::istringstream in(quipu::testing::ReadFileOrEmpty(tsv));
  std::vector<std::string> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(line);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

// A value as the expected files write it: <iri> for entities, "text" for strings.
std::string Render(const quipu::Value& v) {
  if (v.type() == quipu::Value::Type::kEntity) return "<" + v.as_entity().key + ">";
  return v.ToLiteral();
}

}  // namespace

TEST_CASE("LUBM queries over lubm1 return exactly the expected rows", "[lubm]") {
  const fs::path shared(QUIPU_SHARED_DIR);
  const fs::path data = shared / "data" / "lubm";
  if (!fs::exists(data / "lubm1.nt.gz")) {
    WARN("SKIPPED: " << (data / "lubm1.nt.gz").string()
                     << " is absent (no ../shared beside the clone)");
    return;
  }
  quipu::testing::TempDir dir("lubm");
  auto db = quipu::Database::Open(dir.path());
  REQUIRE(db.ok());
  auto loaded = (*db)->Execute("load '" + (data / "lubm1.nt.gz").string() + "';");
  INFO(quipu::FormatError(loaded.status(), ""));
  REQUIRE(loaded.ok());
  CHECK(loaded->facts_inserted == 100573);

  const fs::path queries = fs::path(QUIPU_SOURCE_DIR) / "tests" / "lubm";
  int checked = 0;
  for (int q = 1; q <= 14; ++q) {
    const std::string name = (q < 10 ? "q0" : "q") + std::to_string(q);
    const fs::path file = queries / (name + ".qql");
    REQUIRE(fs::exists(file));
    const std::string text = quipu::testing::ReadFileOrEmpty(file);
    std::vector<std::string> rows;
    quipu::Status s = (*db)->ExecuteScript(text, [&](const quipu::QueryResult& r) {
      for (const auto& row : r.rows) {
        std::string line;
        for (size_t c = 0; c < row.size(); ++c) line += (c ? "\t" : "") + Render(row[c]);
        rows.push_back(line);
      }
    });
    INFO(name << ": " << quipu::FormatError(s, text));
    REQUIRE(s.ok());
    std::sort(rows.begin(), rows.end());
    const std::vector<std::string> expected =
        ExpectedRows(data / "expected-lubm1" / (name + ".tsv"));
    CHECK(rows.size() == expected.size());
    CHECK(rows == expected);
    ++checked;
  }
  CHECK(checked == 14);
}
