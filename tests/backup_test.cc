// Database::Backup (`:backup DIR`, quipu_backup, db.backup): a copy taken
// while a writer runs opens as a database holding a prefix of the writer's
// statements, each whole, everything acknowledged before the backup began,
// and checks clean; and the errors of a backup that cannot be made.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "quipu/database.h"
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
    REQUIRE((*db)->Backup(copy.path).ok());
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
