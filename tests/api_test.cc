// The embedding API: prepared statements, column types, errors at prepare
// time and of parameters when it runs, and many reader threads alongside a
// writer, each statement reading one snapshot, sharing the kept statements
// and plans.
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
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
  CHECK(r.status().code() == quipu::Status::Code::kSemanticError);
  CHECK(r.status().message() == "parameter $name has no value");
  CHECK(r.status().line() == 1);
  CHECK(r.status().column() == 33);
}

// The errors a prepared statement's parameters give, the same on its first
// run (binding its plan) and on later ones (sharing the plan).
TEST_CASE("a prepared statement reports parameters missing or of the wrong type, every run") {
  TempDir dir("api");
  auto db = OpenDb(dir.path());
  Run(db.get(),
      "insert (@ana:Envoy {name: 'Ana', age: 62})-[:visited {since: date '2024-06-28'}]->"
      "(@lima:City {name: 'Lima'}), (@bo:Envoy {name: 'Bo', age: 30});");
  auto stmt = db->Prepare(
      "match (e:Envoy)-[:visited]->(c)\n"
      "as of $day with confidence >= $sure\n"
      "where e.age + $years > 70 and e.name in $names\n"
      "return e.name, c.name;");
  REQUIRE(stmt.ok());
  const Value day(quipu::Date{19905});  // 2024-07-01
  const Value names(quipu::ValueList{Value("Ana"), Value("Bo")});
  const Params good = {{"day", day}, {"sure", Value(0)}, {"years", Value(10)}, {"names", names}};
  auto with = [&](const std::string& name, std::optional<Value> value) {
    Params params = good;
    if (value) {
      params[name] = *value;
    } else {
      params.erase(name);
    }
    return params;
  };
  struct Case {
    Params params;
    std::string message;
    uint32_t line, column;
  };
  const std::vector<Case> cases = {
      {with("day", std::nullopt), "parameter $day has no value", 2, 7},
      {with("sure", std::nullopt), "parameter $sure has no value", 2, 31},
      {with("years", std::nullopt), "parameter $years has no value", 3, 15},
      {with("names", std::nullopt), "parameter $names has no value", 3, 41},
      {with("day", Value("2024-07-01")),
       "type mismatch: 'as of' needs a date or datetime, got string", 2, 7},
      {with("sure", Value("high")),
       "type mismatch: 'with confidence >=' needs a number, got string", 2, 31},
      {with("years", Value("ten")), "type mismatch: integer + string (arithmetic needs numbers)", 3,
       7},
      {with("names", Value("Ana")), "type mismatch: 'in' needs a list on its right, got string", 3,
       31},
  };
  for (int round = 0; round < 2; ++round) {
    for (const Case& c : cases) {
      INFO(c.message);
      auto r = (*stmt)->Execute(c.params);
      REQUIRE_FALSE(r.ok());
      CHECK(r.status().code() == quipu::Status::Code::kSemanticError);
      CHECK(r.status().message() == c.message);
      CHECK(r.status().line() == c.line);
      CHECK(r.status().column() == c.column);
    }
    auto r = (*stmt)->Execute(good);
    REQUIRE(r.ok());
    REQUIRE(r->rows.size() == 1);
    CHECK(r->rows[0][0] == Value("Ana"));
    CHECK(r->rows[0][1] == Value("Lima"));
  }
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

// The parsed statements and plans kept between runs (engine/statement_cache.h,
// query/match_plan.h) are shared by every thread. Readers run kept texts
// through Execute, ExecuteScript and their own prepared statements, a plan
// with parameters (instantiated per run) and one without (shared as it is),
// and more distinct texts than are kept, so entries go while in use; a
// writer makes every kept plan stale with each insert, and declares prefixes
// (which makes every kept text stale). Under ThreadSanitizer in CI.
TEST_CASE("kept statements and plans are shared by threads while writes replace them") {
  TempDir dir("api");
  auto db = OpenDb(dir.path());
  Run(db.get(), "insert (@a)-[:knows]->(@b), (@a)-[:knows]->(@c), (@b)-[:knows]->(@c);");
  const std::string by_param = "match (@($k))-[:knows]->(x) return count(x) as n";
  const std::string by_key = "match (@a)-[:knows]->(x) return count(x) as n;";
  // 300 texts, more than the 256 kept: the same statement with a comment.
  auto numbered = [&](int i) { return by_param + " -- " + std::to_string(i % 300) + "\n;"; };
  std::atomic<bool> stop{false};
  std::atomic<int> reads{0};
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      auto stmt = db->Prepare(by_param + ";");
      if (!stmt.ok()) {
        ++wrong;
        return;
      }
      for (int i = 0; !stop.load(); ++i) {
        const bool from_a = (i + t) % 2 == 0;
        const Params params = {{"k", Value(from_a ? "a" : "b")}};
        const auto run = [&]() -> quipu::Result<QueryResult> {
          switch (i % 5) {
            case 0:
              return db->Execute(by_param + ";", params);
            case 1:
              return (*stmt)->Execute(params);
            case 2:
              return db->Execute(numbered(i * 7 + t), params);
            case 3: {
              QueryResult got;
              quipu::Status s = db->ExecuteScript(
                  numbered(i * 11 + t), [&](const QueryResult& r) { got = r; }, params);
              if (!s.ok()) return s;
              return got;
            }
            default:
              return db->Execute(by_key);
          }
        };
        const int64_t expected = (i % 5 == 4 || from_a) ? 2 : 1;
        auto r = run();
        if (!r.ok() || r->rows.size() != 1 || !(r->rows[0][0] == Value(expected))) ++wrong;
        ++reads;
      }
    });
  }
  // Each insert makes a new store version: kept plans are made again.
  for (int i = 0; i < 40; ++i) {
    const std::string text = i % 10 == 9
                                 ? "prefix p" + std::to_string(i) + ": <http://example.org/>;"
                                 : "insert (@w" + std::to_string(i) + ")-[:knows]->(@a);";
    auto r = db->Execute(text);
    INFO(text);
    REQUIRE(r.ok());
  }
  while (reads.load() < 100 && wrong.load() == 0) std::this_thread::yield();
  stop = true;
  for (std::thread& t : readers) t.join();
  CHECK(wrong.load() == 0);
}

}  // namespace

TEST_CASE("Compact returns once the database is merged, with every fact kept") {
  TempDir dir("api-compact");
  auto db = OpenDb(dir.path());
  // Files above the bulk path's 256 KiB, one predicate each: their lists
  // stack levels.
  for (int k = 0; k < 4; ++k) {
    std::string text;
    for (int i = 0; text.size() < (300u << 10); ++i) {
      text += "<http://ex.org/s" + std::to_string(i) + "> <http://ex.org/p" + std::to_string(k) +
              "> \"v" + std::to_string(i) + "\" .\n";
    }
    const std::string path = dir.path() + "-" + std::to_string(k) + ".nt";
    std::ofstream(path) << text;
    REQUIRE(db->Execute("load '" + path + "'").ok());
    std::filesystem::remove(path);
  }
  auto before = db->Execute("match (s)-[p]->(o) return count(*)");
  REQUIRE(before.ok());
  REQUIRE(db->Compact().ok());
  auto after = db->Execute("match (s)-[p]->(o) return count(*)");
  REQUIRE(after.ok());
  CHECK(after->rows == before->rows);
  auto check = db->Check();
  REQUIRE(check.ok());
  CHECK(check->problems.empty());
}
