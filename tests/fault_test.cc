// Faults of the disk and of the process met by a write: a bulk load killed
// before its ingestion (the folder it leaves), a full disk (ENOSPC injected
// through FaultFs) under inserts, small loads and bulk loads, and a failing
// disk (EIO on reads and on writes) under those and under compaction.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "quipu/database.h"
#include "tests/fault_fs.h"
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

int64_t Count(quipu::engine::Engine* engine, const std::string& statement) {
  auto r = engine->Execute(statement, {});
  REQUIRE(r.ok());
  return r->rows.at(0).at(0).as_int();
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

// Writes that all fail on a full or failing disk, then work once space
// returns or the fault is lifted: an insert, a load through the write batch
// and one through the bulk path.
struct FaultyDisk {
  explicit FaultyDisk(bool background_compaction = true)
      : dir("faulty-disk"),
        db_path(dir.path() + "/db"),
        small(WriteLoadFile(dir.path() + "/files", "small", 40)),
        big(WriteLoadFile(dir.path() + "/files", "big", 3000)),
        fault_fs(std::make_shared<quipu::testing::FaultFs>()),
        env(quipu::testing::NewFaultEnv(fault_fs)) {
    auto opened = quipu::engine::Engine::Open(db_path, quipu::DatabaseOptions(), env.get(),
                                              background_compaction);
    REQUIRE(opened.ok());
    engine = std::move(*opened);
    REQUIRE(engine->Execute("insert (@a {n: 1});", {}).ok());
  }

  std::vector<std::string> Writes() const {
    return {"insert (@b {n: 2});", "load '" + small + "';", "load '" + big + "';"};
  }

  // Once space returns, every write works (after a reopen when
  // `reopen`) and the database is whole, also after a reopen.
  void CheckWritesWork(bool reopen, int64_t facts_before = 1) {
    fault_fs->SetSpaceLeft(std::nullopt);
    fault_fs->SetEio(quipu::testing::IoFault::kRead, nullptr);
    fault_fs->SetEio(quipu::testing::IoFault::kWrite, nullptr);
    if (reopen) {
      engine.reset();
      auto opened = quipu::engine::Engine::Open(db_path, quipu::DatabaseOptions(), env.get());
      REQUIRE(opened.ok());
      engine = std::move(*opened);
    }
    for (const std::string& statement : Writes()) {
      INFO(statement);
      auto r = engine->Execute(statement, {});
      if (!r.ok()) FAIL(r.status().message());
    }
    // The same writes may have gone in during the fault: facts are a set.
    const int64_t facts = facts_before + 1 + 40 + 3000;
    CHECK(Count(engine.get(), "match (x)-[p]->(o) return count(*);") == facts);
    REQUIRE(engine->Compact().ok());
    auto report = engine->Check();
    REQUIRE(report.ok());
    CHECK(report->ok());
    engine.reset();
    auto reopened = quipu::Database::Open(db_path);
    REQUIRE(reopened.ok());
    auto count = (*reopened)->Execute("match (x)-[p]->(o) return count(*);");
    REQUIRE(count.ok());
    CHECK(count->rows.at(0).at(0).as_int() == facts);
  }

  // The database answers and checks clean while the fault lasts.
  void CheckReadable(int64_t facts) {
    CHECK(Count(engine.get(), "match (x)-[p]->(o) return count(*);") == facts);
    auto report = engine->Check();
    REQUIRE(report.ok());
    CHECK(report->ok());
  }

  quipu::testing::TempDir dir;
  const std::string db_path, small, big;
  std::shared_ptr<quipu::testing::FaultFs> fault_fs;
  std::unique_ptr<rocksdb::Env> env;
  std::unique_ptr<quipu::engine::Engine> engine;
};

TEST_CASE("a write that would fill the disk is refused before it starts, naming the database",
          "[faults]") {
  FaultyDisk disk;
  disk.fault_fs->SetSpaceLeft(0);
  for (const std::string& statement : disk.Writes()) {
    INFO(statement);
    auto r = disk.engine->Execute(statement, {});
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == quipu::Status::Code::kIoError);
    CHECK_THAT(r.status().message(),
               Catch::StartsWith("no space left on device for '" + disk.db_path +
                                 "': 0 bytes free; the write needs about ") &&
                   Catch::EndsWith(" and 64 MiB are kept free for the store's own flushes and "
                                   "compactions"));
  }
  CHECK(disk.fault_fs->refused_appends() == 0);  // the store never met the full disk
  CHECK(Count(disk.engine.get(), "match (x {n: 1}) return count(*);") == 1);
  disk.CheckWritesWork(/*reopen=*/false);
}

TEST_CASE("a disk that fills during a write fails it naming the file; writes work once it has room",
          "[faults]") {
  FaultyDisk disk;
  // The free space looks ample, and then appends fail: RocksDB meets ENOSPC
  // and must not abort the process.
  disk.fault_fs->SetSpaceLeft(0, /*reported=*/false);
  const std::string failed =
      "commit failed: no space left on device (IO error: No space left on device: While "
      "appending to file: " +
      disk.db_path + "/";
  auto r = disk.engine->Execute(disk.Writes()[0], {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == quipu::Status::Code::kIoError);
  CHECK_THAT(r.status().message(),
             Catch::StartsWith(failed) && Catch::EndsWith(".log: No space left on device)"));
  // Every later write is refused while the disk is full: the store takes
  // no more writes after such an error, and opening it again (which each
  // write tries) fails too. The data stays readable, through a read-only
  // open.
  for (const std::string& statement : disk.Writes()) {
    INFO(statement);
    auto again = disk.engine->Execute(statement, {});
    REQUIRE_FALSE(again.ok());
    CHECK(again.status().code() == quipu::Status::Code::kIoError);
    CHECK_THAT(again.status().message(),
               Catch::StartsWith(failed) &&
                   Catch::Contains(".log: No space left on device); the database takes no more "
                                   "writes until it can be opened again (cannot open database '" +
                                   disk.db_path + "': no space left on device (") &&
                   Catch::EndsWith(": No space left on device))"));
  }
  CHECK(disk.fault_fs->refused_appends() > 0);
  disk.CheckReadable(1);
  // With room, the next write opens the store again and works: no reopen
  // by hand. (RocksDB's own recovery in place is not used: fault_test found
  // an ingestion after it aborting the process.)
  disk.CheckWritesWork(/*reopen=*/false);
}

TEST_CASE("a bulk load whose files meet a full disk fails naming the file; writes go on",
          "[faults]") {
  FaultyDisk disk;
  disk.fault_fs->SetSpaceLeft(0, /*reported=*/false);
  auto r = disk.engine->Execute(disk.Writes()[2], {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == quipu::Status::Code::kIoError);
  CHECK_THAT(r.status().message(),
             Catch::StartsWith("bulk load: cannot write " + disk.db_path + "/bulk-load.tmp") &&
                 Catch::Contains(".sst: no space left on device (IO error: No space left on "
                                 "device: While appending to file: ") &&
                 Catch::EndsWith(".sst: No space left on device)"));
  // Its own files failed, not the database's: the database takes writes.
  disk.CheckWritesWork(/*reopen=*/false);
}

namespace {

using quipu::testing::IoFault;

bool EndsWith(const std::string& text, const std::string& end) {
  return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// The files of the database's own directory (not a bulk load's folder)
// whose names end with `end`.
std::function<bool(const std::string&)> DatabaseFiles(const std::string& db_path,
                                                      const std::string& end) {
  return [prefix = db_path + "/", end](const std::string& path) {
    return path.rfind(prefix, 0) == 0 && path.find('/', prefix.size()) == std::string::npos &&
           EndsWith(path, end);
  };
}

// A statement's failure on a failing disk: an I/O error that names the
// operation, a file of the database and the cause.
void CheckNamesFault(const quipu::Status& status, const std::string& db_path,
                     const std::string& file_end) {
  CHECK(status.code() == quipu::Status::Code::kIoError);
  CHECK_THAT(status.message(), Catch::Contains("IO error: While ") &&
                                   Catch::Contains(": " + db_path + "/") &&
                                   Catch::Contains(file_end + ": Input/output error"));
}

// Three bulk loads, which stack three levels for a compaction to merge.
int64_t StackLevels(FaultyDisk* disk) {
  for (int i = 0; i < 3; ++i) {
    const std::string file =
        WriteLoadFile(disk->dir.path() + "/files", "stack" + std::to_string(i), 3000);
    REQUIRE(disk->engine->Execute("load '" + file + "';", {}).ok());
  }
  return 1 + 3 * 3000;
}

}  // namespace

TEST_CASE("EIO writing the log fails each write naming the file; writes work once it is lifted",
          "[faults][eio]") {
  FaultyDisk disk;
  disk.fault_fs->SetEio(IoFault::kWrite, DatabaseFiles(disk.db_path, ".log"));
  for (const std::string& statement : disk.Writes()) {
    INFO(statement);
    auto r = disk.engine->Execute(statement, {});
    REQUIRE_FALSE(r.ok());
    CheckNamesFault(r.status(), disk.db_path, ".log");
  }
  CHECK(disk.fault_fs->eio_failures() >= 3);
  disk.CheckReadable(1);
  disk.CheckWritesWork(/*reopen=*/false);
}

TEST_CASE("EIO writing the manifest: writes fail naming it; reads go on; writes work once lifted",
          "[faults][eio]") {
  FaultyDisk disk;
  const int64_t facts = StackLevels(&disk);
  disk.fault_fs->SetEio(IoFault::kWrite, [](const std::string& path) {
    return path.find("/MANIFEST-") != std::string::npos;
  });
  // A bulk load's ingestion records its files in the manifest.
  auto r = disk.engine->Execute(disk.Writes()[2], {});
  REQUIRE_FALSE(r.ok());
  CheckNamesFault(r.status(), disk.db_path, "");
  CHECK_THAT(r.status().message(), Catch::Contains("/MANIFEST-"));
  // Opening the store again writes a new manifest, so it fails, and the
  // data is read through a read-only open meanwhile.
  auto again = disk.engine->Execute(disk.Writes()[0], {});
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == quipu::Status::Code::kIoError);
  CHECK_THAT(again.status().message(),
             Catch::StartsWith(r.status().message() +
                               "; the database takes no more writes until it can be opened again "
                               "(cannot open database '" +
                               disk.db_path + "': IO error: While appending to file: " +
                               disk.db_path + "/MANIFEST-") &&
                 Catch::EndsWith(": Input/output error)"));
  disk.CheckReadable(facts);
  disk.CheckWritesWork(/*reopen=*/false, facts);
}

TEST_CASE("a database removed after a fault is not created anew by the next write",
          "[faults][eio]") {
  FaultyDisk disk;
  disk.fault_fs->SetEio(IoFault::kWrite, [](const std::string& path) {
    return path.find("/MANIFEST-") != std::string::npos;
  });
  auto r = disk.engine->Execute(disk.Writes()[2], {});  // the ingestion meets the fault
  REQUIRE_FALSE(r.ok());
  REQUIRE_FALSE(disk.engine->Execute(disk.Writes()[0], {}).ok());  // read-only stand-in
  disk.fault_fs->SetEio(IoFault::kWrite, nullptr);
  fs::remove_all(disk.db_path);
  // The next write opens the store again: with no database there it fails,
  // and so do reads, rather than an empty database taking their place.
  const std::string gone = r.status().message() +
                           "; the database takes no more writes until it can be opened again "
                           "(cannot open database '" +
                           disk.db_path + "': no database there)";
  auto write = disk.engine->Execute(disk.Writes()[0], {});
  REQUIRE_FALSE(write.ok());
  CHECK(write.status().code() == quipu::Status::Code::kIoError);
  CHECK(write.status().message() == gone);
  auto read = disk.engine->Execute("match (x) return count(x);", {});
  REQUIRE_FALSE(read.ok());
  CHECK(read.status().message() == gone);
  CHECK_FALSE(fs::exists(disk.db_path));
}

TEST_CASE("EIO writing a bulk load's own files fails the load naming the file; writes go on",
          "[faults][eio]") {
  FaultyDisk disk;
  disk.fault_fs->SetEio(IoFault::kWrite, [](const std::string& path) {
    return path.find("/bulk-load.tmp") != std::string::npos;
  });
  auto r = disk.engine->Execute(disk.Writes()[2], {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == quipu::Status::Code::kIoError);
  CHECK_THAT(r.status().message(),
             Catch::StartsWith("bulk load: cannot write " + disk.db_path + "/bulk-load.tmp") &&
                 Catch::Contains(".sst: IO error: While appending to file: " + disk.db_path +
                                 "/bulk-load.tmp") &&
                 Catch::EndsWith(".sst: Input/output error"));
  // Its own files failed, not the database's: the other writes work.
  REQUIRE(disk.engine->Execute("insert (@between {n: 9});", {}).ok());
  disk.CheckReadable(2);
  disk.CheckWritesWork(/*reopen=*/false, 2);
}

TEST_CASE("EIO writing a compaction's output fails it naming the file; writes work once lifted",
          "[faults][eio]") {
  FaultyDisk disk(/*background_compaction=*/false);
  const int64_t facts = StackLevels(&disk);
  disk.fault_fs->SetEio(IoFault::kWrite, DatabaseFiles(disk.db_path, ".sst"));
  quipu::Status compacted = disk.engine->Compact();
  REQUIRE_FALSE(compacted.ok());
  CHECK_THAT(compacted.message(),
             Catch::StartsWith(
                 "compaction failed: IO error: While appending to file: " + disk.db_path + "/") &&
                 Catch::EndsWith(".sst: Input/output error"));
  disk.CheckReadable(facts);
  // RocksDB takes no writes after it: each write opens the store again,
  // which works or fails naming a file, while the fault lasts.
  for (const std::string& statement : disk.Writes()) {
    INFO(statement);
    auto r = disk.engine->Execute(statement, {});
    if (!r.ok()) CheckNamesFault(r.status(), disk.db_path, ".sst");
  }
  // Once lifted: the writes (again: their facts are a set) and a compaction.
  disk.CheckWritesWork(/*reopen=*/false, facts);
}

TEST_CASE("EIO reading table files fails reads and compaction naming the file; all works after",
          "[faults][eio]") {
  FaultyDisk disk(/*background_compaction=*/false);
  const int64_t facts = StackLevels(&disk);
  disk.fault_fs->SetEio(IoFault::kRead, DatabaseFiles(disk.db_path, ".sst"));
  auto scan = disk.engine->Execute("match (x)-[p]->(o) return count(*);", {});
  REQUIRE_FALSE(scan.ok());
  CHECK_THAT(scan.status().message(), Catch::StartsWith("scan failed: IO error: While pread "));
  CheckNamesFault(scan.status(), disk.db_path, ".sst");
  quipu::Status compacted = disk.engine->Compact();
  REQUIRE_FALSE(compacted.ok());
  CHECK_THAT(compacted.message(), Catch::StartsWith("compaction failed: IO error: While pread "));
  CheckNamesFault(compacted, disk.db_path, ".sst");
  // Writes read the dictionary first: they fail naming the file, or work.
  for (const std::string& statement : disk.Writes()) {
    INFO(statement);
    auto r = disk.engine->Execute(statement, {});
    if (!r.ok()) CheckNamesFault(r.status(), disk.db_path, ".sst");
  }
  disk.CheckWritesWork(/*reopen=*/false, facts);
}
