// Hostile files for `load` (issue 9): what is not a regular file, a
// symbolic link loop, a gzip bomb, a million columns, a line of a gigabyte,
// and loads confined to allowed directories. Each gets its own message, and
// the database is byte for byte what it was.
#include <sys/stat.h>
#include <unistd.h>

#include "import/csv_reader.h"
#include "import/file_source.h"
#include "tests/import_util.h"

namespace {

using quipu::import::CsvReader;
using quipu::import::FileSource;
using quipu::testing::LoadFixture;

const char kFact[] = "<http://ex.org/a> <http://ex.org/p> \"a\" .\n";

// A file of `size` bytes starting with `head`, the rest a hole that reads as
// zero bytes: a gigabyte without writing one.
std::string SparseFile(LoadFixture& f, const std::string& name, const std::string& head,
                       off_t size) {
  const std::string path = f.File(name, head);
  REQUIRE(::truncate(path.c_str(), size) == 0);
  return path;
}

}  // namespace

TEST_CASE("load refuses what is not a regular file, without waiting on it", "[import][hostile]") {
  LoadFixture f;
  f.Ok("insert (@x {a: 1})");
  const std::string before = f.RawDump();
  const std::string fifo = f.Path("pipe.nt");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // No writer ever opens the pipe: a blocking open would hang here.
  CHECK(f.Error("load '" + fifo + "'") ==
        "error: cannot load '" + fifo + "': it is a named pipe (FIFO), not a regular file");
  CHECK(f.Error("load '/dev/null' format ntriples") ==
        "error: cannot load '/dev/null': it is a device, not a regular file");
  const std::string loop = f.Path("loop.nt");
  REQUIRE(::symlink(f.Path("loop2.nt").c_str(), loop.c_str()) == 0);
  REQUIRE(::symlink(loop.c_str(), f.Path("loop2.nt").c_str()) == 0);
  CHECK(f.Error("load '" + loop + "'") ==
        "error: cannot load '" + loop +
            "': its symbolic links loop (too many levels of symbolic links)");
  CHECK(f.RawDump() == before);
}

TEST_CASE("a gzip bomb stops at its bound", "[import][hostile]") {
  LoadFixture f;
  f.Ok("insert (@x {a: 1})");
  const std::string before = f.RawDump();
  // Valid N-Triples (comments) expanding about 1000 times: past the floor of
  // 64 MiB while the file is far smaller than 1/100 of it.
  const std::string bomb = f.Path("bomb.nt.gz");
  gzFile out = gzopen(bomb.c_str(), "wb9");
  REQUIRE(out != nullptr);
  const std::string line = "# " + std::string(1022, 'x') + "\n";
  bool written_all = true;
  for (uint64_t written = 0; written <= FileSource::kGzipFloorBytes; written += line.size()) {
    written_all = written_all && gzwrite(out, line.data(), static_cast<unsigned>(line.size())) ==
                                     static_cast<int>(line.size());
  }
  gzclose(out);
  REQUIRE(written_all);
  const uint64_t size = std::filesystem::file_size(bomb);
  REQUIRE(size * FileSource::kMaxGzipRatio < FileSource::kGzipFloorBytes);
  CHECK(f.Error("load '" + bomb + "'") ==
        "error: cannot load '" + bomb +
            "': its gzip data expands to more than 100 times the file's " + std::to_string(size) +
            " bytes (over 64 MiB), which is refused as a likely gzip bomb; decompress the file "
            "first to load it");
  CHECK(f.RawDump() == before);
  // A file that expands as much but stays under the floor loads.
  const std::string small = f.Path("small.nt.gz");
  quipu::testing::WriteGzip(small, std::string(1 << 20, '\n') + kFact);
  CHECK(f.Ok("load '" + small + "'").facts_inserted == 1);
}

TEST_CASE("a CSV file of a million columns is refused at the first field too many",
          "[import][hostile]") {
  LoadFixture f;
  f.Ok("insert (@x {a: 1})");
  const std::string before = f.RawDump();
  std::string header, allowed;
  for (int i = 0; i < 1'000'000; ++i) {
    header += (i ? "," : "") + ("c" + std::to_string(i));
    if (i + 1 == static_cast<int>(CsvReader::kMaxFields)) allowed = header;
  }
  const std::string wide = f.File("wide.csv", header + "\n" + header + "\n");
  CHECK(f.Error("load csv '" + wide + "' as nodes Thing key c0") ==
        "error: " + wide + ":1:" + std::to_string(allowed.size() + 1) +
            ": a record has more than 16384 fields, the limit (a CSV file for Quipu has at most "
            "that many columns)");
  CHECK(f.RawDump() == before);
  // Up to the limit is fine.
  auto widest = FileSource::Open(f.File("widest.csv", allowed + "\n"));
  REQUIRE(widest.ok());
  CsvReader reader(widest->get());
  std::vector<std::string> fields;
  auto read = reader.Next(&fields);
  REQUIRE(read.ok());
  CHECK(fields.size() == CsvReader::kMaxFields);
}

TEST_CASE("a line of a gigabyte is refused at 64 MiB, in every format", "[import][hostile]") {
  LoadFixture f;
  f.Ok("insert (@x {a: 1})");
  const std::string before = f.RawDump();
  const off_t gigabyte = off_t{1} << 30;
  const std::string csv = SparseFile(f, "line.csv", "id,name\nx,", gigabyte);
  CHECK(f.Error("load csv '" + csv + "' as nodes Thing key id") ==
        "error: cannot load '" + csv + "': line 2 is longer than 64 MiB, the limit for one line");
  const std::string json =
      SparseFile(f, "line.json", "{\"id\": \"x\", \"properties\": \"", gigabyte);
  CHECK(f.Error("load jsonl '" + json + "' format ftm") ==
        "error: cannot load '" + json + "': line 1 is longer than 64 MiB, the limit for one line");
  // N-Triples stops at the zero bytes already; a real long line (a comment,
  // which the parser runs through quickest) reaches the bound.
  const std::string nt = f.File(
      "line.nt", std::string(kFact) + "# " + std::string(FileSource::kMaxLineBytes, 'y') + "\n");
  CHECK(f.Error("load '" + nt + "'") ==
        "error: cannot load '" + nt + "': line 2 is longer than 64 MiB, the limit for one line");
  CHECK(f.RawDump() == before);
}

TEST_CASE("load_directories confines load to the directories given", "[import][hostile]") {
  quipu::testing::TempDir db_dir("confined-db"), allowed("confined-in"), outside("confined-out");
  std::filesystem::create_directories(allowed.path() + "/sub");
  std::filesystem::create_directories(outside.path());
  quipu::testing::WriteFile(allowed.path() + "/sub/in.nt", kFact);
  quipu::testing::WriteFile(outside.path() + "/out.nt", kFact);
  REQUIRE(::symlink((outside.path() + "/out.nt").c_str(), (allowed.path() + "/link.nt").c_str()) ==
          0);
  // A sibling whose name starts with the allowed one is not inside it.
  std::filesystem::create_directories(allowed.path() + "-evil");
  quipu::testing::WriteFile(allowed.path() + "-evil/x.nt", kFact);
  quipu::DatabaseOptions options;
  options.load_directories = {allowed.path() + "/sub/.."};  // resolved at open
  auto db = quipu::Database::Open(db_dir.path(), options);
  REQUIRE(db.ok());
  auto refused = [&](const std::string& path) {
    auto r = (*db)->Execute("load '" + path + "'");
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  const std::string why =
      "': it is outside the directories loads may read (" + allowed.path() + ")";
  CHECK(refused(outside.path() + "/out.nt") == "cannot load '" + outside.path() + "/out.nt" + why);
  CHECK(refused(allowed.path() + "/sub/../../" +
                std::filesystem::path(outside.path()).filename().string() + "/out.nt")
            .ends_with(why));
  CHECK(refused(allowed.path() + "/link.nt") ==
        "cannot load '" + allowed.path() + "/link.nt" + why);
  CHECK(refused(allowed.path() + "-evil/x.nt") ==
        "cannot load '" + allowed.path() + "-evil/x.nt" + why);
  // Outside, even a missing file is refused as outside: nothing is told of it.
  CHECK(refused("/nonexistent/x.nt") == "cannot load '/nonexistent/x.nt" + why);
  CHECK(refused(allowed.path() + "/missing.nt") ==
        "cannot load '" + allowed.path() + "/missing.nt': no such file");
  auto count = (*db)->Execute("match (a)-[p]->(b) return count(*)");
  REQUIRE(count.ok());
  CHECK(count->rows[0][0].as_int() == 0);
  auto loaded = (*db)->Execute("load '" + allowed.path() + "/sub/in.nt'");
  REQUIRE(loaded.ok());
  CHECK(loaded->facts_inserted == 1);
  // An empty name is refused when the database opens.
  options.load_directories = {""};
  db.value().reset();
  auto bad = quipu::Database::Open(db_dir.path(), options);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "cannot use the load directory '': it is empty");
  const std::string loop = allowed.path() + "/loop";
  REQUIRE(::symlink(loop.c_str(), loop.c_str()) == 0);
  options.load_directories = {loop + "/x"};
  bad = quipu::Database::Open(db_dir.path(), options);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() ==
        "cannot use the load directory '" + loop + "/x': Too many levels of symbolic links");
}
