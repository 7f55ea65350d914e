// Runs every `quipu>` example in docs/language.md and README.md against the seed dataset and
// compares the printed output with the page, so the reference stays true.
// Examples in the "insert", "delete" and "set and merge" sections change the data: they run in
// order on a copy of the seed database. The "Ownership" section adds holdings of its own: it runs
// on another copy. All others run on the plain seed.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "quipu/database.h"
#include "repl/shell.h"
#include "tests/test_util.h"

namespace fs = std::filesystem;

namespace {

struct Example {
  std::string section;
  std::string statement;
  std::string expected;
  size_t line = 0;
};

std::vector<Example> ExtractExamples(const std::string& doc) {
  std::vector<Example> out;
  std::istringstream in(doc);
  std::string line, section;
  bool in_block = false;
  size_t number = 0;
  Example* current = nullptr;
  while (std::getline(in, line)) {
    ++number;
    if (line.rfind("## ", 0) == 0) section = line.substr(3);
    if (line.rfind("```", 0) == 0) {
      in_block = !in_block;
      current = nullptr;
      continue;
    }
    if (!in_block) continue;
    if (line.rfind("quipu> ", 0) == 0) {
      out.push_back(Example{section, line.substr(7), "", number});
      current = &out.back();
    } else if (current != nullptr && line.rfind("   ...> ", 0) == 0 && current->expected.empty()) {
      current->statement += "\n" + line.substr(8);
    } else if (current != nullptr) {
      current->expected += line + "\n";
    }
  }
  return out;
}

void CheckExamples(const std::string& page, size_t at_least) {
  const fs::path root(QUIPU_SOURCE_DIR);
  const std::string doc = quipu::testing::ReadFileOrEmpty(root / page);
  const std::vector<Example> examples = ExtractExamples(doc);
  REQUIRE(examples.size() >= at_least);

  quipu::testing::TempDir seed_dir("docs-seed"), work_dir("docs-work"), own_dir("docs-own");
  {
    auto db = quipu::Database::Open(seed_dir.path());
    REQUIRE(db.ok());
    const std::string seed =
        quipu::testing::ReadFileOrEmpty(root / "datasets" / "peru_china" / "seed.qql");
    REQUIRE((*db)->ExecuteScript(seed, nullptr).ok());
  }
  fs::copy(seed_dir.path(), work_dir.path(), fs::copy_options::recursive);
  fs::copy(seed_dir.path(), own_dir.path(), fs::copy_options::recursive);
  auto seed_db = quipu::Database::Open(seed_dir.path());
  auto work_db = quipu::Database::Open(work_dir.path());
  auto own_db = quipu::Database::Open(own_dir.path());
  REQUIRE(seed_db.ok());
  REQUIRE(work_db.ok());
  REQUIRE(own_db.ok());

  for (const Example& ex : examples) {
    const bool writes =
        ex.section == "insert" || ex.section == "delete" || ex.section == "set and merge";
    quipu::Database* db = ex.section == "Ownership" ? own_db->get()
                          : writes                  ? work_db->get()
                                                    : seed_db->get();
    std::ostringstream out, err;
    quipu::repl::Shell shell(db, out, err);
    shell.RunScript(ex.statement, "");
    INFO(page << ":" << ex.line << "\n" << ex.statement);
    CHECK(out.str() + err.str() == ex.expected);
  }
}

}  // namespace

TEST_CASE("every example in docs/language.md prints what the page says", "[docs]") {
  CheckExamples("docs/language.md", 50);
}

TEST_CASE("every shell example in the README prints what the README says", "[docs]") {
  CheckExamples("README.md", 4);
}
