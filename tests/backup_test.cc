// Database::Backup (`:backup DIR`, `backup to 'DIR'`, quipu_backup,
// db.backup): a copy taken while a writer runs opens as a database holding a
// prefix of the writer's statements, each whole, everything acknowledged
// before the backup began, and checks clean; and the errors of a backup that
// cannot be made. Database::Restore (`quipu --restore`): a restored copy is a
// database of its own, the backup is left as it was, and each refusal says
// why and leaves the directory as it was.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "quipu/database.h"
#include "tests/raw_db.h"
#include "tests/test_util.h"

namespace {

int64_t Count(quipu::Database* db, const std::string& statement) {
  auto r = db->Execute(statement);
  REQUIRE(r.ok());
  return r->rows.at(0).at(0).as_int();
}

}  // namespace

TEST_CASE("backups taken while a writer runs hold a prefix of its statements, each whole",
          "[backup]") {
  quipu::testing::TempDir dir("backup");
  auto db = quipu::Database::Open(dir.path() + "/db");
  REQUIRE(db.ok());
  constexpr int kStatements = 400;
  std::atomic<int> acknowledged{0};
  std::atomic<bool> failed{false};
  // Statement k: an item with a label, a name and a number, and a fact to the
  // item before it: 4 facts.
  std::thread writer([&] {
    for (int k = 1; k <= kStatements; ++k) {
      const std::string n = std::to_string(k);
      auto r = (*db)->Execute("insert (@b" + n + ":Item {name: \"item " + n + "\", n: " + n +
                              "})-[:after {at: " + n + "}]->(@b" + std::to_string(k - 1) + ");");
      if (!r.ok()) {
        failed = true;
        return;
      }
      acknowledged = k;
    }
  });
  struct Copy {
    std::string path;
    int acknowledged_before;
  };
  std::vector<Copy> copies;
  for (int i = 0; i < 4; ++i) {
    while (acknowledged.load() < 40 * (i + 1) && !failed) std::this_thread::yield();
    Copy copy{dir.path() + "/copy" + std::to_string(i), acknowledged.load()};
    // Half through the API, half through the statement: the same copy.
    if (i % 2 == 0) {
      REQUIRE((*db)->Backup(copy.path).ok());
    } else {
      auto r = (*db)->Execute("backup to '" + copy.path + "';");
      REQUIRE(r.ok());
      CHECK(r->summary == "backed up to " + copy.path);
    }
    copies.push_back(copy);
  }
  writer.join();
  REQUIRE_FALSE(failed);
  db->reset();
  for (const Copy& copy : copies) {
    INFO(copy.path << ", " << copy.acknowledged_before << " statements acknowledged before");
    auto backup = quipu::Database::Open(copy.path);
    REQUIRE(backup.ok());
    const int64_t items = Count(backup->get(), "match (x:Item) return count(x);");
    CHECK(items >= copy.acknowledged_before);
    CHECK(items < kStatements);  // taken while the writer ran
    // A prefix: the items are 1..items, each with its fact to the one before.
    CHECK(Count(backup->get(), "match (x:Item) where x.n <= " + std::to_string(items) +
                                   " return count(x);") == items);
    CHECK(Count(backup->get(), "match (x:Item)-[:after]->(y) return count(*);") == items);
    auto report = (*backup)->Check();
    REQUIRE(report.ok());
    CHECK(report->ok());
    CHECK(static_cast<int64_t>(report->facts) == 4 * items);
    // The copy is a database of its own: it takes writes.
    CHECK((*backup)->Execute("insert (@after_restore {n: 0});").ok());
  }
}

TEST_CASE("a backup that cannot be made says why", "[backup]") {
  quipu::testing::TempDir dir("backup-errors");
  const std::string path = dir.path() + "/db";
  {
    auto db = quipu::Database::Open(path);
    REQUIRE(db.ok());
    REQUIRE((*db)->Execute("insert (@a {n: 1});").ok());
    quipu::Status exists = (*db)->Backup(path);
    CHECK(exists.code() == quipu::Status::Code::kInvalidArgument);
    CHECK(exists.message() ==
          "cannot back up to '" + path + "': it exists (name a directory to create)");
    quipu::Status empty = (*db)->Backup("");
    CHECK(empty.message() == "cannot back up: the directory name is empty");
  }
  quipu::DatabaseOptions read_only;
  read_only.read_only = true;
  auto db = quipu::Database::Open(path, read_only);
  REQUIRE(db.ok());
  quipu::Status refused = (*db)->Backup(dir.path() + "/copy");
  CHECK(refused.message() == "cannot back up to '" + dir.path() +
                                 "/copy': the database is open read-only (back up from the "
                                 "process that writes it)");
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/copy"));
}

TEST_CASE("backup to: the statement's errors are those of the call", "[backup]") {
  quipu::testing::TempDir dir("backup-statement");
  const std::string path = dir.path() + "/db";
  {
    auto db = quipu::Database::Open(path);
    REQUIRE(db.ok());
    auto exists = (*db)->Execute("backup to '" + path + "';");
    REQUIRE_FALSE(exists.ok());
    CHECK(exists.status().code() == quipu::Status::Code::kInvalidArgument);
    CHECK(exists.status().message() ==
          "cannot back up to '" + path + "': it exists (name a directory to create)");
    auto empty = (*db)->Execute("backup to '';");
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.status().code() == quipu::Status::Code::kSyntaxError);
    CHECK(empty.status().message() == "cannot back up: the directory name is empty");
    CHECK(empty.status().column() == 11);
  }
  quipu::DatabaseOptions read_only;
  read_only.read_only = true;
  auto db = quipu::Database::Open(path, read_only);
  REQUIRE(db.ok());
  auto refused = (*db)->Execute("backup to '" + dir.path() + "/copy';");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message() == "cannot back up to '" + dir.path() +
                                          "/copy': the database is open read-only (back up "
                                          "from the process that writes it)");
  CHECK_FALSE(std::filesystem::exists(dir.path() + "/copy"));
}

namespace {

// A database with three statements' facts, and its backup in `copy`.
void MakeBackup(const std::string& path, const std::string& copy) {
  auto db = quipu::Database::Open(path);
  REQUIRE(db.ok());
  for (int k = 1; k <= 3; ++k) {
    const std::string n = std::to_string(k);
    REQUIRE(
        (*db)->Execute("insert (@r" + n + ":Item {name: \"item " + n + "\", n: " + n + "});").ok());
  }
  REQUIRE((*db)->Backup(copy).ok());
}

}  // namespace

TEST_CASE("a restored backup is a database of its own; the backup stays as it was",
          "[backup][restore]") {
  quipu::testing::TempDir dir("restore");
  const std::string copy = dir.path() + "/copy";
  MakeBackup(dir.path() + "/db", copy);
  const std::string restored = dir.path() + "/restored";
  auto report = quipu::Database::Restore(copy, restored);
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->facts == 9);  // a label, a name and n per statement
  {
    auto db = quipu::Database::Open(restored);
    REQUIRE(db.ok());
    CHECK(Count(db->get(), "match (x:Item) return count(x);") == 3);
    REQUIRE((*db)->Execute("insert (@r4:Item {n: 4});").ok());
  }
  // Copies, not links: the write above is in the restored database only.
  {
    auto backup = quipu::Database::Open(copy);
    REQUIRE(backup.ok());
    CHECK(Count(backup->get(), "match (x:Item) return count(x);") == 3);
  }
  // An empty directory that exists is a place to restore to.
  std::filesystem::create_directory(dir.path() + "/empty");
  REQUIRE(quipu::Database::Restore(copy, dir.path() + "/empty").ok());
  auto db = quipu::Database::Open(dir.path() + "/empty");
  REQUIRE(db.ok());
  CHECK(Count(db->get(), "match (x:Item) return count(x);") == 3);
}

TEST_CASE("a restore that cannot be made says why and leaves the directory as it was",
          "[backup][restore]") {
  namespace fs = std::filesystem;
  quipu::testing::TempDir dir("restore-errors");
  const std::string path = dir.path() + "/db";
  const std::string copy = dir.path() + "/copy";
  MakeBackup(path, copy);
  const std::string target = dir.path() + "/target";
  auto message = [](const quipu::Result<quipu::CheckReport>& r) {
    REQUIRE_FALSE(r.ok());
    return r.status().message();
  };
  CHECK(message(quipu::Database::Restore("", target)) ==
        "cannot restore: the backup's name is empty");
  CHECK(message(quipu::Database::Restore(copy, "")) ==
        "cannot restore: the database directory's name is empty");
  CHECK(message(quipu::Database::Restore(dir.path() + "/none", target)) ==
        "cannot restore from '" + dir.path() + "/none': no such directory");
  const std::string file = dir.path() + "/file";
  std::ofstream(file) << "not a database\n";
  CHECK(message(quipu::Database::Restore(file, target)) ==
        "cannot restore from '" + file + "': it is a file, not a directory");
  fs::create_directory(dir.path() + "/plain");
  CHECK(message(quipu::Database::Restore(dir.path() + "/plain", target)) ==
        "cannot restore from '" + dir.path() + "/plain': it holds no database (no CURRENT file)");
  CHECK_FALSE(fs::exists(target));

  // An existing database is never overwritten, nor any other files.
  const std::string into = "cannot restore '" + copy + "' into '";
  CHECK(message(quipu::Database::Restore(copy, path)) ==
        into + path +
            "': the directory is not empty (restore into a new or empty directory; an existing "
            "database is never overwritten)");
  CHECK(message(quipu::Database::Restore(copy, file)) ==
        into + file + "': it is a file, not a directory");
  CHECK(message(quipu::Database::Restore(copy, file + "/sub")) ==
        into + file + "/sub': cannot create it: Not a directory");
  {
    auto db = quipu::Database::Open(path);
    REQUIRE(db.ok());
    CHECK(Count(db->get(), "match (x:Item) return count(x);") == 3);
  }

  // A backup in use by a process may change under the copy.
  {
    auto open = quipu::Database::Open(copy);
    REQUIRE(open.ok());
    // This process holds the lock; the check asks for another process's, so
    // ask from a child.
    const std::string expected = "cannot restore from '" + copy +
                                 "': it is open in another process (pid " +
                                 std::to_string(::getpid());
    const pid_t child = ::fork();
    if (child == 0) {
      auto r = quipu::Database::Restore(copy, target);
      const bool right = !r.ok() && r.status().message().rfind(expected, 0) == 0 &&
                         r.status().message().find("); close it first") != std::string::npos &&
                         !fs::exists(target);
      ::_exit(right ? 0 : 1);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }

  // A backup whose files do not make a database: the copy does not open,
  // and is removed again.
  const std::string broken = dir.path() + "/broken";
  fs::create_directory(broken);
  std::ofstream(broken + "/CURRENT") << "MANIFEST-000099\n";
  const std::string broken_into = "cannot restore '" + broken + "' into '" + target + "': ";
  const std::string opened = message(quipu::Database::Restore(broken, target));
  CHECK(opened.rfind(
            broken_into + "the copy does not open: cannot open database '" + target + "': ", 0) ==
        0);
  CHECK_FALSE(fs::exists(target));

  // A damaged backup: the copy opens but does not check clean.
  quipu::testing::RawDb(copy).DeleteAll("names");  // the checker reports it
  std::string first_problem;
  uint64_t problems = 0;
  {
    quipu::DatabaseOptions read_only;
    read_only.read_only = true;
    auto damaged = quipu::Database::Open(copy, read_only);
    REQUIRE(damaged.ok());
    auto report = (*damaged)->Check();
    REQUIRE(report.ok());
    REQUIRE_FALSE(report->ok());
    first_problem = report->problems.at(0);
    problems = report->problem_count;
  }
  fs::create_directory(target);  // an empty directory stays, emptied again
  CHECK(message(quipu::Database::Restore(copy, target)) ==
        into + target + "': the backup does not check clean: " + std::to_string(problems) +
            " problem" + (problems == 1 ? "" : "s") + ", the first: " + first_problem);
  CHECK(fs::exists(target));
  CHECK(fs::is_empty(target));
}
