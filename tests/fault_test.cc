// Faults of the disk and of the process met by a write: a bulk load killed
// before its ingestion (the folder it leaves).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>

#include "quipu/database.h"
#include "tests/test_util.h"

namespace {

namespace fs = std::filesystem;

// An N-Triples file of `lines` facts of predicate p<tag>: 3,000 lines take
// the bulk path (256 KiB and more), 40 the write batch.
std::string WriteLoadFile(const std::string& dir, const std::string& tag, int lines) {
  fs::create_directories(dir);
  const std::string path = dir + "/" + tag + ".nt";
  std::ofstream out(path, std::ios::trunc);
  for (int i = 0; i < lines; ++i) {
    out << "<http://ex.org/" << tag << "/e" << i << "> <http://ex.org/p" << tag << "> \"value " << i
        << ", padded so that three thousand lines pass the bulk path's threshold\" .\n";
  }
  return path;
}

int Subdirectories(const std::string& dir) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) n += entry.is_directory() ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("a bulk load killed before its ingestion leaves a folder the next open removes",
          "[faults]") {
  quipu::testing::TempDir dir("leftover");
  const std::string db_path = dir.path() + "/db", image = dir.path() + "/image";
  const std::string file = WriteLoadFile(dir.path() + "/files", "big", 3000);
  bool copied = false;
  {
    auto db = quipu::Database::Open(db_path);
    REQUIRE(db.ok());
    // What a kill -9 leaves at the start of the ingestion: the files as they
    // are (the kernel keeps what was written), the load's folder full.
    (*db)->SetLoadProgressHandler([&](const quipu::LoadProgress& progress) {
      if (progress.phase != quipu::LoadPhase::kIngest || copied) return;
      fs::copy(db_path, image, fs::copy_options::recursive);
      copied = true;
    });
    REQUIRE((*db)->Execute("load '" + file + "';").ok());
  }
  REQUIRE(copied);
  REQUIRE(Subdirectories(image) == 1);
  auto db = quipu::Database::Open(image);
  REQUIRE(db.ok());
  CHECK(Subdirectories(image) == 0);
  auto count = (*db)->Execute("match (s)-[p]->(o) return count(*);");
  REQUIRE(count.ok());
  CHECK(count->rows.at(0).at(0).as_int() == 0);  // the load never happened
  auto report = (*db)->Check();
  REQUIRE(report.ok());
  CHECK(report->ok());
}
