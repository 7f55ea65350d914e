// The embedding API: prepared statements, column types, errors at prepare
// time, and many reader threads alongside a writer, each statement reading
// one snapshot.
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "quipu/database.h"
#include "tests/test_util.h"

namespace {

using quipu::Database;
using quipu::Params;
using quipu::QueryResult;
using quipu::Value;
using quipu::testing::TempDir;

std::unique_ptr<Database> OpenDb(const std::string& path) {
  auto db = Database::Open(path);
  REQUIRE(db.ok());
  return std::move(*db);
}

QueryResult Run(Database* db, const std::string& statement, const Params& params = {}) {
  auto r = db->Execute(statement, params);
  INFO(statement << "\n" << quipu::FormatError(r.status(), statement));
  REQUIRE(r.ok());
  return *r;
}

TEST_CASE("a prepared statement runs many times with new parameters") {
  TempDir dir("api");
  auto db = OpenDb(dir.path());
  auto insert = db->Prepare("insert (@('person', $name):Person {name: $name, age: $age});");
  REQUIRE(insert.ok());
  for (int i = 0; i < 5; ++i) {
    auto r = (*insert)->Execute({{"name", Value("p" + std::to_string(i))}, {"age", Value(20 + i)}});
    REQUIRE(r.ok());
  }
  auto older = db->Prepare("match (p:Person) where p.age >= $min return p.name order by p.name;");
  REQUIRE(older.ok());
  auto r = (*older)->Execute({{"min", Value(23)}});
  REQUIRE(r.ok());
  REQUIRE(r->rows.size() == 2);
  CHECK(r->rows[0][0] == Value("p3"));
  r = (*older)->Execute({{"min", Value(21)}});
  REQUIRE(r.ok());
  CHECK(r->rows.size() == 4);
}

TEST_CASE("a syntax error is reported at prepare time with its position") {
  TempDir dir("api");
  auto db = OpenDb(dir.path());
  auto r = db->Prepare("match (a:Person return a;");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == quipu::Status::Code::kSyntaxError);
  CHECK(r.status().message() == "expected ')' to close the node pattern");
  CHECK(r.status().line() == 1);
  CHECK(r.status().column() == 17);
}

TEST_CASE("a prepared statement reports a missing parameter when it runs") {
  TempDir dir("api");
  auto db = OpenDb(dir.path());
  auto stmt = db->Prepare("match (p:Person) where p.name = $name return p;");
  REQUIRE(stmt.ok());
  auto r = (*stmt)->Execute();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("$name") != std::string::npos);
}

TEST_CASE("results carry a type per column") {
  TempDir dir("api");
  auto db = OpenDb(dir.path());
  Run(db.get(),
      "insert (@a:T {n: 1, x: 1.5, s: \"a\", d: date '2024-01-02'}), "
      "(@b:T {n: 2, x: 2, s: 3});");
  QueryResult r = Run(db.get(), "match (t:T) return t, t.n, t.x, t.s, t.d, t.missing order by t;");
  using T = Value::Type;
  CHECK(r.column_types ==
        std::vector<T>{T::kEntity, T::kInt, T::kDouble, T::kNull, T::kDate, T::kNull});
  QueryResult empty = Run(db.get(), "match (t:Nothing) return t;");
  CHECK(empty.column_types == std::vector<T>{T::kNull});
}

// Writers move amounts between two counters in one statement each; readers
// on other threads must always see the total unchanged.
TEST_CASE("reader threads see each write statement completely or not at all") {
  TempDir dir("api");
  auto db = OpenDb(dir.path());
  Run(db.get(), "insert (@a:Counter {n: 100}), (@b:Counter {n: 0});");
  auto move = db->Prepare("set @a.n = $a, @b.n = $b;");
  REQUIRE(move.ok());

  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      auto sum = db->Prepare("match (c:Counter) return sum(c.n), count(c);");
      if (!sum.ok()) {
        ++failures;
        return;
      }
      while (!stop.load()) {
        auto r = (*sum)->Execute();
        if (!r.ok() || r->rows.size() != 1 || !(r->rows[0][0] == Value(100)) ||
            !(r->rows[0][1] == Value(2))) {
          ++failures;
        }
        ++reads;
      }
    });
  }
  for (int i = 1; i <= 200; ++i) {
    auto r = (*move)->Execute({{"a", Value(100 - i % 101)}, {"b", Value(i % 101)}});
    REQUIRE(r.ok());
  }
  // Let the readers overlap the writes at least a little on a busy machine.
  while (reads.load() < 50) std::this_thread::yield();
  stop = true;
  for (auto& t : readers) t.join();
  CHECK(failures.load() == 0);
  QueryResult last = Run(db.get(), "match (c:Counter) return c.n order by c;");
  CHECK(last.rows[0][0] == Value(100 - 200 % 101));
}

}  // namespace
