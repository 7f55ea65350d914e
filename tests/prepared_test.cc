// Parsed statements and plans kept between runs (engine/statement_cache.h,
// query/match_plan.h): a text is parsed once and planned once per store
// version, a write makes the next run plan again, and one plan serves every
// value of its parameters, giving what the values written in the text give.
#include <catch2/catch.hpp>
#include <regex>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/statement_cache.h"
#include "quipu/database.h"
#include "tests/test_util.h"

namespace {

using quipu::Params;
using quipu::QueryResult;
using quipu::Value;
using quipu::engine::Engine;
using quipu::engine::StatementCache;
using quipu::testing::TempDir;

std::unique_ptr<Engine> OpenEngine(const TempDir& dir) {
  auto opened = Engine::Open(dir.path(), {});
  REQUIRE(opened.ok());
  return std::move(*opened);
}

QueryResult Run(Engine* engine, const std::string& text, const Params& params = {}) {
  auto r = engine->Execute(text, params);
  INFO(text << "\n" << quipu::FormatError(r.status(), text));
  REQUIRE(r.ok());
  return *r;
}

// Rows as one line each, for messages that show what differs.
std::vector<std::string> Lines(const QueryResult& r) {
  std::vector<std::string> out;
  for (const auto& row : r.rows) {
    std::string line;
    for (const Value& v : row) line += (line.empty() ? "" : " | ") + v.ToLiteral();
    out.push_back(line);
  }
  return out;
}

std::vector<std::string> RunLines(Engine* engine, const quipu::engine::Prepared& prepared,
                                  const Params& params) {
  auto r = engine->Run(prepared, params);
  INFO(quipu::FormatError(r.status(), ""));
  REQUIRE(r.ok());
  return Lines(*r);
}

// Plan lines without their row estimates and the count of object ids a
// scan reads: a kept plan estimates a parameter by the predicate's
// average, a value in the text by its own facts; and Inline writes the
// float 44.0 as 44, an integer, which is read through the ids that can
// equal it while the float parameter is not (docs/architecture.md,
// "Numbers in patterns"). The operators must agree.
std::vector<std::string> WithoutEstimates(std::vector<std::string> lines) {
  static const std::regex kEstimate("\\(estimated [0-9]+ rows\\)");
  static const std::regex kObjects(" \\([0-9]+ objects\\)");
  for (std::string& line : lines) {
    line = std::regex_replace(std::regex_replace(line, kEstimate, "(estimated)"), kObjects, "");
  }
  return lines;
}

// The text with each $name written as its value's literal.
std::string Inline(const std::string& text, const Params& params) {
  std::string out = text;
  for (const auto& [name, value] : params) {
    out = std::regex_replace(out, std::regex("\\$" + name + "\\b"), value.ToLiteral());
  }
  return out;
}

constexpr char kGraph[] =
    "insert (@a:Person {name: 'Ana', age: 41})-[:knows {since: date '2020-01-01', w: 2}]->"
    "(@b:Person {name: 'Bo', age: 7}), (@b)-[:knows {w: 3}]->(@c:Person {name: 'Cy', age: 44.0}),"
    " (@c)-[:knows {w: 2}]->(@a),"
    " (@a)-[:owns {share: 0.5, since: date '2019-01-01', until: date '2021-12-31',"
    " confidence: 0.9}]->(@x:Company {name: 'X'}),"
    " (@b)-[:owns {share: 0.5, confidence: 0.4}]->(@x);";

TEST_CASE("a text run again is parsed once, and planned once while the store is unchanged",
          "[prepared]") {
  TempDir dir;
  auto engine = OpenEngine(dir);
  Run(engine.get(), kGraph);
  const std::string query = "match (p:Person)-[:knows]->(q) return p, q order by p;";
  const StatementCache::Counters before = engine->statements().counters();
  const QueryResult first = Run(engine.get(), query);
  StatementCache::Counters now = engine->statements().counters();
  CHECK(now.misses == before.misses + 1);
  CHECK(now.plans_made == before.plans_made + 1);
  const QueryResult second = Run(engine.get(), query);
  CHECK(Lines(second) == Lines(first));
  const StatementCache::Counters again = engine->statements().counters();
  CHECK(again.hits == now.hits + 1);
  CHECK(again.plans_made == now.plans_made);
  CHECK(again.plans_reused == now.plans_reused + 1);

  // A write: the text is still parsed, but planned again on the new data.
  Run(engine.get(), "insert (@c)-[:knows]->(@b);");
  now = engine->statements().counters();
  CHECK(Lines(Run(engine.get(), query)).size() == first.rows.size() + 1);
  CHECK(engine->statements().counters().plans_made == now.plans_made + 1);
  CHECK(engine->statements().counters().hits == now.hits + 1);

  // explain prints the same plan when it comes from the cache.
  const std::string explain = "explain " + query;
  CHECK(Lines(Run(engine.get(), explain)) == Lines(Run(engine.get(), explain)));

  // The shell runs each statement as a script of one: kept too.
  now = engine->statements().counters();
  for (int i = 0; i < 2; ++i) {
    size_t rows = 0;
    REQUIRE(
        engine->ExecuteScript(query, [&](const QueryResult& r) { rows = r.rows.size(); }, {}).ok());
    CHECK(rows == first.rows.size() + 1);
  }
  CHECK(engine->statements().counters().hits == now.hits + 1);
  CHECK(engine->statements().counters().statements == now.statements + 1);
  // A script of two statements is not kept.
  now = engine->statements().counters();
  const std::string two = query + " " + query;
  REQUIRE(engine->ExecuteScript(two, nullptr, {}).ok());
  REQUIRE(engine->ExecuteScript(two, nullptr, {}).ok());
  CHECK(engine->statements().counters().statements == now.statements);
}

TEST_CASE("the prefixes and parse limits in force are part of a kept text", "[prepared]") {
  TempDir dir;
  auto engine = OpenEngine(dir);
  Run(engine.get(),
      "insert (<ex:a>)-[:p]->(<http://example.org/b>), (<http://example.org/a>)-[:p]->(<ex:c>);");
  const std::string query = "match (<ex:a>)-[:p]->(x) return x;";
  CHECK(Lines(Run(engine.get(), query)) == std::vector<std::string>{"<http://example.org/b>"});
  Run(engine.get(), "prefix ex: <http://example.org/>;");
  CHECK(Lines(Run(engine.get(), query)) == std::vector<std::string>{"<ex:c>"});

  // A text kept under the old limits is refused under tighter ones.
  quipu::QueryLimits limits = engine->limits();
  limits.statement_bytes = 10;
  engine->SetLimits(limits);
  auto r = engine->Execute(query, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("bytes") != std::string::npos);
}

TEST_CASE("a prepared statement plans again after writes: inserts, deletes, new constants",
          "[prepared]") {
  TempDir dir;
  auto engine = OpenEngine(dir);
  // Prepared before any of their constants exist.
  auto by_param = engine->Prepare("match (@($who))-[:knows]->(x) return x order by x;");
  auto by_key = engine->Prepare("match (@zed)-[:knows]->(x) return x order by x;");
  auto by_label = engine->Prepare("match (n:Newcomer) return n order by n;");
  auto by_name = engine->Prepare("match (n {name: 'Zed'}) return n;");
  REQUIRE((by_param.ok() && by_key.ok() && by_label.ok() && by_name.ok()));
  const Params zed = {{"who", Value(quipu::Entity{"zed"})}};
  using Rows = std::vector<std::string>;
  CHECK(RunLines(engine.get(), **by_param, zed).empty());
  CHECK(RunLines(engine.get(), **by_key, {}).empty());
  CHECK(RunLines(engine.get(), **by_label, {}).empty());
  CHECK(RunLines(engine.get(), **by_name, {}).empty());

  Run(engine.get(), "insert (@zed {name: 'Zed'})-[:knows]->(@b), (@n:Newcomer);");
  CHECK(RunLines(engine.get(), **by_param, zed) == Rows{"@b"});
  CHECK(RunLines(engine.get(), **by_key, {}) == Rows{"@b"});
  CHECK(RunLines(engine.get(), **by_label, {}) == Rows{"@n"});
  CHECK(RunLines(engine.get(), **by_name, {}) == Rows{"@zed"});

  Run(engine.get(), "insert (@zed)-[:knows]->(@c), (@m:Newcomer);");
  CHECK(RunLines(engine.get(), **by_param, zed) == Rows{"@b", "@c"});
  CHECK(RunLines(engine.get(), **by_key, {}) == Rows{"@b", "@c"});
  CHECK(RunLines(engine.get(), **by_label, {}) == Rows{"@m", "@n"});

  Run(engine.get(), "delete (@zed)-[:knows]->(@b), (@n:Newcomer);");
  CHECK(RunLines(engine.get(), **by_param, zed) == Rows{"@c"});
  CHECK(RunLines(engine.get(), **by_key, {}) == Rows{"@c"});
  CHECK(RunLines(engine.get(), **by_label, {}) == Rows{"@m"});
  Run(engine.get(), "delete (@zed {name: 'Zed'});");
  CHECK(RunLines(engine.get(), **by_name, {}).empty());
}

TEST_CASE("one prepared statement takes parameters of every type", "[prepared]") {
  TempDir dir;
  auto engine = OpenEngine(dir);
  Run(engine.get(),
      "insert (@i {v: 44}), (@d {v: 44.0}), (@s {v: '44'}), (@t {v: true}),"
      " (@day {v: date '2024-01-02'}), (@e {v: @i});");
  using Rows = std::vector<std::string>;
  auto in_map = engine->Prepare("match (n {v: $v}) return n order by n;");
  auto in_where = engine->Prepare("match (n) where n.v = $v return n order by n;");
  REQUIRE((in_map.ok() && in_where.ok()));
  const std::vector<std::pair<Value, Rows>> cases = {
      {Value(int64_t{44}), Rows{"@d", "@i"}},
      {Value(44.0), Rows{"@d", "@i"}},
      {Value("44"), Rows{"@s"}},
      {Value(true), Rows{"@t"}},
      {Value(quipu::Date{19724}), Rows{"@day"}},
      {Value(quipu::Entity{"i"}), Rows{"@e"}},
      {Value(int64_t{45}), Rows{}},
      {Value("nothing"), Rows{}},
      {Value(int64_t{44}), Rows{"@d", "@i"}},
  };
  const StatementCache::Counters before = engine->statements().counters();
  for (const auto& [value, rows] : cases) {
    INFO(value.ToLiteral());
    CHECK(RunLines(engine.get(), **in_map, {{"v", value}}) == rows);
    CHECK(RunLines(engine.get(), **in_where, {{"v", value}}) == rows);
  }
  // The property map's plan has two shapes, a number (compared by value) or
  // not (looked up); the condition's one.
  const StatementCache::Counters after = engine->statements().counters();
  CHECK(after.plans_made - before.plans_made == 3);
  CHECK(after.plans_reused - before.plans_reused == 2 * cases.size() - 3);

  auto r = engine->Run(**in_map, {{"v", Value()}});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "a property in a pattern cannot be null");
  CHECK(r.status().column() == 14);
  r = engine->Run(**in_map, {});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "parameter $v has no value");
  CHECK(r.status().column() == 14);
}

TEST_CASE("a kept plan reads an integer parameter in a property map through pos", "[prepared]") {
  TempDir dir;
  auto engine = OpenEngine(dir);
  Run(engine.get(), kGraph);
  auto explained = engine->Prepare("explain match (p {age: $a}) return p.name;");
  REQUIRE(explained.ok());
  auto scan = [&](const Value& a) { return RunLines(engine.get(), **explained, {{"a", a}})[2]; };
  // The integer's ids: 44 and 44.0 (no decimal 44 is stored). A float may
  // equal decimals no lookup lists, so it scans the predicate.
  CHECK(scan(Value(int64_t{44})).find("via pos (2 objects)") != std::string::npos);
  CHECK(scan(Value(44.0)).find("objects") == std::string::npos);
  CHECK(scan(Value(int64_t{41})).find("via pos (2 objects)") != std::string::npos);
}

TEST_CASE("a plan kept for parameters gives what their values written in the text give",
          "[prepared]") {
  TempDir dir;
  auto engine = OpenEngine(dir);
  Run(engine.get(), kGraph);
  const Value a("a"), b("b"), absent("zz");
  const Value jan2020(quipu::Date{18262}), jan2023(quipu::Date{19358});
  struct Case {
    std::string text;
    std::vector<Params> runs;
  };
  const std::vector<Case> cases = {
      {"match (@($k))-[:knows]->(y) return y.name order by y.name",
       {{{"k", a}}, {{"k", b}}, {{"k", absent}}, {{"k", a}}}},
      {"match (@($k))-[r:knows]->(y) return r.w, y order by y", {{{"k", a}}, {{"k", b}}}},
      {"match path = (@($k))-[:knows]->(y)-[:knows]->(z) return path order by z",
       {{{"k", a}}, {{"k", b}}, {{"k", absent}}}},
      {"match (p:Person {name: $n}) return p.age", {{{"n", Value("Ana")}}, {{"n", Value("No")}}}},
      {"match (p {age: $a}) return p.name order by p.name",
       {{{"a", Value(int64_t{41})}},
        {{"a", Value(44.0)}},
        {{"a", Value(int64_t{44})}},
        {{"a", Value("41")}},
        {{"a", Value(7.0)}}}},
      {"match (p)-[:knows {w: $w}]->(q) return p, q order by p",
       {{{"w", Value(int64_t{2})}}, {{"w", Value(int64_t{3})}}, {{"w", Value(2.0)}}}},
      {"match (p)-[:knows*1..3 {w: $w}]->(q) return distinct q order by q",
       {{{"w", Value(int64_t{2})}}, {{"w", Value(int64_t{3})}}}},
      {"match (p)-[:owns]->(c) as of $d return p order by p", {{{"d", jan2020}}, {{"d", jan2023}}}},
      {"match (p)-[:owns]->(c) during $d1 .. $d2 return p order by p",
       {{{"d1", jan2020}, {"d2", jan2023}}, {{"d1", jan2023}, {"d2", jan2023}}}},
      {"match (p)-[:owns]->(c) with confidence >= $c return p order by p",
       {{{"c", Value(0.5)}}, {{"c", Value(0.1)}}}},
      {"match (p:Person) where p.age > $a + 1 return p.name, $a * 2 as twice order by p.name",
       {{{"a", Value(int64_t{6})}}, {{"a", Value(int64_t{40})}}}},
      {"match (p:Person) where p.name in $names return p order by p",
       {{{"names", Value(quipu::ValueList{Value("Ana"), Value("Cy")})}},
        {{"names", Value(quipu::ValueList{})}}}},
      {"match (p:Person) optional match (p)-[:knows]->(q {name: $n}) return p, q order by p",
       {{{"n", Value("Bo")}}, {{"n", Value("No")}}}},
      {"match (p:Person) where exists { (p)-[:knows]->(@($k)) } return p order by p",
       {{{"k", a}}, {{"k", absent}}}},
      {"match (p {name: $n}) return p union match (@($k))-[:knows]->(p) return p",
       {{{"n", Value("Ana")}, {"k", b}}, {{"n", Value("Bo")}, {"k", absent}}}},
      {"match (p:Person) return p.name, count(*) as n, collect($x) as xs order by p.name",
       {{{"x", Value(int64_t{1})}}, {{"x", Value("y")}}}},
  };
  for (const Case& c : cases) {
    auto prepared = engine->Prepare(c.text + ";");
    auto explained = engine->Prepare("explain " + c.text + ";");
    REQUIRE((prepared.ok() && explained.ok()));
    for (const Params& params : c.runs) {
      const std::string literal = Inline(c.text, params) + ";";
      INFO(c.text << "\nas " << literal);
      CHECK(RunLines(engine.get(), **prepared, params) == Lines(Run(engine.get(), literal)));
      CHECK(WithoutEstimates(RunLines(engine.get(), **explained, params)) ==
            WithoutEstimates(Lines(Run(engine.get(), "explain " + literal))));
    }
  }
}

}  // namespace
