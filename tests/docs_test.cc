// Runs every `quipu>` example in docs/language.md and README.md against the seed dataset and
// compares the printed output with the page, so the reference stays true.
// Examples in the "insert", "delete" and "set and merge" sections change the data: they run in
// order on a copy of the seed database. The "Ownership" section adds holdings of its own: it runs
// on another copy. All others run on the plain seed.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "quipu/database.h"
#include "repl/shell.h"
#include "tests/import_util.h"
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

// docs/walkthrough.md over the shared KEK and zala data, loaded as the page
// loads them: its KEK section on one database, its FollowTheMoney section
// on the other.
TEST_CASE("every example in docs/walkthrough.md prints what the page says", "[docs]") {
  const std::string kek = quipu::testing::SharedData("kek");
  const std::string zala = quipu::testing::SharedData("ftm/zala");
  if (kek.empty() || zala.empty()) return;
  quipu::testing::TempDir kek_dir("walk-kek"), zala_dir("walk-zala");
  auto kek_db = quipu::Database::Open(kek_dir.path());
  auto zala_db = quipu::Database::Open(zala_dir.path());
  REQUIRE(kek_db.ok());
  REQUIRE(zala_db.ok());
  for (const std::string& load :
       {"load csv '" + kek + "/kek_company.csv' as nodes Company key id",
        "load csv '" + kek +
            "/kek_shares.csv' as edges owns from shareholder to owns share in "
            "percent",
        "load csv '" + kek +
            "/kek_media.csv' as rows r insert (@('media', r.id):Media {name: "
            "r.name, type: r.type}), (@(r.owner))-[:operates]->(@('media', "
            "r.id))"}) {
    INFO(load);
    REQUIRE((*kek_db)->Execute(load).ok());
  }
  REQUIRE((*zala_db)->Execute("load jsonl '" + zala + "/entities.ftm.json' format ftm").ok());
  const std::string doc =
      quipu::testing::ReadFileOrEmpty(fs::path(QUIPU_SOURCE_DIR) / "docs" / "walkthrough.md");
  const std::vector<Example> examples = ExtractExamples(doc);
  REQUIRE(examples.size() >= 4);
  for (const Example& ex : examples) {
    quipu::Database* db = ex.section.rfind("KEK", 0) == 0 ? kek_db->get() : zala_db->get();
    std::ostringstream out, err;
    quipu::repl::Shell shell(db, out, err);
    shell.RunScript(ex.statement, "");
    INFO("docs/walkthrough.md:" << ex.line << "\n" << ex.statement);
    CHECK(out.str() + err.str() == ex.expected);
  }
}

TEST_CASE("every file path the docs name exists", "[docs]") {
  // A path of the tree (a top-level folder of ours, then a file or folder)
  // in README.md, docs/*.md and the folders' README.md files must exist, so
  // the docs follow the code when files move. Paths of other projects are
  // named with their project's own folders (src/…, include/leveldb/…), which
  // the pattern leaves alone.
  const std::regex path(
      R"((?:^|[^/\w.-])((?:core|grammar|storage|query|import|engine|api|repl|python|tests|bench|tools|docs|datasets|examples|fuzz|cmake|include/quipu)/[A-Za-z0-9_./*-]*[A-Za-z0-9_*]))");
  std::vector<fs::path> pages = {fs::path(QUIPU_SOURCE_DIR) / "README.md"};
  for (const auto& entry : fs::directory_iterator(fs::path(QUIPU_SOURCE_DIR) / "docs")) {
    if (entry.path().extension() == ".md") pages.push_back(entry.path());
  }
  for (const char* folder : {"import", "bench", "datasets", "tests", "fuzz", "python"}) {
    const fs::path readme = fs::path(QUIPU_SOURCE_DIR) / folder / "README.md";
    if (fs::exists(readme)) pages.push_back(readme);
  }
  for (const fs::path& page : pages) {
    const std::string text = quipu::testing::ReadFileOrEmpty(page);
    REQUIRE(!text.empty());
    for (auto it = std::sregex_iterator(text.begin(), text.end(), path);
         it != std::sregex_iterator(); ++it) {
      std::string named = (*it)[1].str();
      // FOLDER/NAME placeholders (fuzz/regressions/TARGET) name their folder.
      if (const size_t slash = named.rfind('/');
          std::all_of(named.begin() + static_cast<long>(slash) + 1, named.end(),
                      [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; })) {
        named = named.substr(0, slash);
      }
      // A glob (tests/queries/*.test) or a family (query/paths/*) names its folder.
      if (const size_t star = named.find('*'); star != std::string::npos) {
        named = named.substr(0, named.rfind('/', star));
      }
      // "query/binder" names query/binder.h and .cc.
      const fs::path base = fs::path(QUIPU_SOURCE_DIR) / named;
      INFO(page.filename().string() << " names " << (*it)[1].str());
      CHECK((fs::exists(base) || fs::exists(base.string() + ".h") ||
             fs::exists(base.string() + ".cc")));
    }
  }
}
