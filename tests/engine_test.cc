// Engine-level properties through the public API and the executor: atomic
// statements, durability across reopen, join strategies agreeing, and the
// checks made when a database directory is opened.
#include <rocksdb/db.h>

#include <fmt/format.h>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "engine/engine.h"
#include "engine/run_statement.h"
#include "grammar/parser.h"
#include "query/fact_table.h"
#include "query/holdings_cache.h"
#include "query/statement_env.h"
#include "quipu/database.h"
#include "storage/rocksdb_store.h"
#include "tests/test_util.h"

namespace {

using quipu::Database;
using quipu::QueryResult;
using quipu::testing::TempDir;

std::unique_ptr<Database> OpenDb(const std::string& path) {
  auto db = Database::Open(path);
  REQUIRE(db.ok());
  return std::move(*db);
}

QueryResult Run(Database* db, const std::string& statement) {
  auto r = db->Execute(statement);
  INFO(statement << "\n" << quipu::FormatError(r.status(), statement));
  REQUIRE(r.ok());
  return *r;
}

std::string Dump(const QueryResult& r) {
  std::string out;
  for (const auto& row : r.rows) {
    for (const auto& v : row) out += v.ToLiteral() + "\t";
    out += "\n";
  }
  return out;
}

// Every fact instance with its usual annotations, in a fixed order.
std::string DumpAll(Database* db) {
  return Dump(Run(db,
                  "match (s)-[r]->(o) return s, r, o, r.since, r.until, r.source, "
                  "r.confidence, r.share order by s, r, o, r.since, r.until, r.source, "
                  "r.confidence, r.share;"));
}

// A random influence-like graph written as insert statements.
std::vector<std::string> RandomInserts(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  const char* kPreds[] = {"owns", "met_with", "regulates", "funds"};
  const char* kSources[] = {"article", "registry", "leak"};
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    const int a = static_cast<int>(rng() % 40), b = static_cast<int>(rng() % 40);
    std::string s = "insert (@e" + std::to_string(a) + ":" + (a % 3 ? "Company" : "Person") +
                    " {name: \"Entity " + std::to_string(a) + "\", rank: " + std::to_string(a % 7) +
                    "})-[:" + kPreds[rng() % 4] + " {source: \"" + kSources[rng() % 3] +
                    "\", confidence: 0." + std::to_string(1 + rng() % 9);
    if (rng() % 2) s += ", since: date '20" + std::to_string(10 + rng() % 15) + "-01-01'";
    if (rng() % 3 == 0) s += ", share: 0." + std::to_string(rng() % 100);
    s += "}]->(@e" + std::to_string(b) + ");";
    out.push_back(s);
  }
  return out;
}

}  // namespace

TEST_CASE("a statement that fails halfway changes nothing", "[engine]") {
  TempDir dir;
  auto db = OpenDb(dir.path());
  for (const std::string& s : RandomInserts(7, 60)) Run(db.get(), s);
  const std::string before = DumpAll(db.get());
  const std::string nodes_before = Dump(Run(db.get(), "match (n) return n order by n;"));

  // Two valid patterns, then one without an entity key: rejected after the
  // first two were written into the statement's batch.
  auto r = db->Execute(
      "insert (@new1:Person {name: \"N1\"}), (@e1)-[:owns {share: 0.5}]->(@new1), "
      "(x:Person {name: \"no key\"});");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("needs an entity key") != std::string::npos);
  // A value that fails to evaluate after other facts were staged.
  r = db->Execute("insert (@new2 {name: \"N2\"})-[:funds {amount: 1 / 0}]->(@e2);");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "division by zero");
  // A delete that fails after staging removals.
  r = db->Execute("delete (@e1), (@e2)-[r:owns]->(@e3);");
  REQUIRE_FALSE(r.ok());

  CHECK(DumpAll(db.get()) == before);
  CHECK(Dump(Run(db.get(), "match (n) return n order by n;")) == nodes_before);
  // Terms staged by the failed statements were not kept either.
  CHECK(Run(db.get(), "match (@new1)-[p]->(o) return count(*);").rows[0][0].as_int() == 0);
}

TEST_CASE("close and reopen keeps every fact and annotation", "[engine]") {
  TempDir dir;
  std::string before;
  {
    auto db = OpenDb(dir.path());
    for (const std::string& s : RandomInserts(11, 200)) Run(db.get(), s);
    Run(db.get(), "delete (@e3);");
    before = DumpAll(db.get());
    REQUIRE(before.size() > 1000);
  }
  auto db = OpenDb(dir.path());
  CHECK(DumpAll(db.get()) == before);
}

TEST_CASE("hash join, bind join and cost-based plans agree", "[engine]") {
  TempDir dir;
  auto db = OpenDb(dir.path());
  for (const std::string& s : RandomInserts(3, 400)) Run(db.get(), s);
  db.reset();
  auto store = quipu::storage::OpenRocksDbStore(dir.path(), {});
  REQUIRE(store.ok());

  const char* kQueries[] = {
      "match (a)-[:owns]->(b), (b)-[:funds]->(c) return a, b, c order by a, b, c;",
      "match (b)-[:funds]->(c), (a)-[:owns]->(b) return a, b, c order by a, b, c;",
      "match (a:Person)-[m:met_with]->(b:Company)-[o:owns]->(c) where o.share > 0.3 "
      "return a.name, b.name, c, m.source order by a.name, b.name, c, m.source;",
      "match (a)-[p]->(b), (b)-[q]->(a) return a, p, b, q order by a, p, b, q;",
      "match (a:Company), (a)-[:regulates]->(b) return a, count(*) order by a;",
      "match (a)-[:owns]->(b) match (c)-[:owns]->(b) where a <> c return b, count(*) as n "
      "order by n desc, b;",
      "match (a {rank: 3})-[r]->(b {rank: 3}) return a, r, b order by a, r, b;",
      // Both scans ordered by x: a merge join by cost.
      "match (a)-[:owns]->(x), (b)-[o:funds]->(x) return a, b, x, o.source order by a, b, x, "
      "o.source;",
  };
  for (const char* text : kQueries) {
    INFO(text);
    auto stmt = quipu::grammar::ParseStatement(text);
    REQUIRE(stmt.ok());
    std::vector<std::string> results;
    for (auto joins : {quipu::query::JoinChoice::kByCost, quipu::query::JoinChoice::kHashOnly,
                       quipu::query::JoinChoice::kBindOnly}) {
      quipu::query::StatementEnv env;
      env.joins = joins;
      auto r = quipu::engine::RunStatement(*stmt, store->get(), env, {});
      REQUIRE(r.ok());
      results.push_back(Dump(*r));
    }
    CHECK(results[0] == results[1]);
    CHECK(results[0] == results[2]);
  }
}

TEST_CASE("a top-k by an annotation read from the fact table keeps what a scan keeps", "[engine]") {
  TempDir dir;
  auto db = OpenDb(dir.path());
  // Repeated triples (several instances of one fact), instances with and
  // without since or share, and the bare facts of the statements below.
  for (const std::string& s : RandomInserts(11, 500)) Run(db.get(), s);
  Run(db.get(), "insert (@e1)-[:owns]->(@e2), (@e3)-[:owns]->(@e39), (@e5)-[:funds]->(@e6);");
  db.reset();
  auto store = quipu::storage::OpenRocksDbStore(dir.path(), {});
  REQUIRE(store.ok());
  // The keys: dates with nulls, doubles, doubles mostly null, strings (which
  // their ids do not order: the rows are scanned then).
  const char* kKeys[] = {"r.since", "r.confidence", "r.share", "r.source"};
  int read_from_table = 0, scanned = 0;
  for (const char* predicate : {"owns", "funds", "met_with"}) {
    for (const char* key : kKeys) {
      for (const char* order : {" desc", ""}) {
        for (const char* second : {"", ", r.confidence desc", ", a desc"}) {
          for (int k : {1, 3, 10, 1000}) {
            const std::string query = fmt::format(
                "match (a)-[r:{}]->(b) return a, b, {} as k, r.confidence as c order by {}{}{} "
                "skip 1 "
                "limit "
                "{};",
                predicate, key, key, order, second, k);
            INFO(query);
            std::vector<std::string> results;
            for (const bool tables : {true, false}) {
              for (const bool filtered : {false, true}) {
                std::string text = query;
                if (filtered) text.replace(text.find(" return"), 0, " where a = a");
                auto stmt = quipu::grammar::ParseStatement(text);
                REQUIRE(stmt.ok());
                quipu::query::FactTableCache cache;
                quipu::query::StatementEnv env;
                env.fact_tables = tables ? &cache : nullptr;
                env.snapshot_version = 1;
                auto r = quipu::engine::RunStatement(*stmt, store->get(), env, {});
                REQUIRE(r.ok());
                results.push_back(Dump(*r));
                if (!tables || filtered) continue;
                // The plan, as profile shows it, names the operator and
                // whether it read the table.
                auto profiled = quipu::grammar::ParseStatement("profile " + text);
                REQUIRE(profiled.ok());
                auto plan = quipu::engine::RunStatement(*profiled, store->get(), env, {});
                REQUIRE(plan.ok());
                const std::string lines = Dump(*plan);
                CHECK(lines.find("FactTopK") != std::string::npos);
                if (lines.find("(keys their ids do not order: scanned)") != std::string::npos) {
                  ++scanned;
                } else {
                  ++read_from_table;
                }
              }
            }
            CHECK(results[0] == results[1]);
            CHECK(results[0] == results[2]);
            CHECK(results[0] == results[3]);
          }
        }
      }
    }
  }
  // Strings are scanned; dates and doubles read from the table.
  CHECK(scanned >= 3 * 2 * 3 * 4);
  CHECK(read_from_table >= 3 * 3 * 2 * 3 * 4);
}

TEST_CASE("distinct counts and reachable ends agree with a model on a larger graph", "[engine]") {
  // Enough rows for count(distinct node) to deduplicate its pairs several
  // times, and for reachability to switch to reading the relationship whole.
  TempDir dir;
  auto db = OpenDb(dir.path());
  std::mt19937 rng(17);
  constexpr int kNodes = 60;
  std::set<std::pair<int, int>> edges;
  for (int batch = 0; batch < 15; ++batch) {
    std::string insert = "insert ";
    for (int i = 0; i < 100; ++i) {
      const int a = static_cast<int>(rng() % kNodes), b = static_cast<int>(rng() % (kNodes + 20));
      if (b >= kNodes) continue;  // some nodes have no way in
      insert += fmt::format("{}(@n{})-[:r]->(@n{})", insert.back() == ' ' ? "" : ", ", a, b);
      edges.emplace(a, b);
    }
    Run(db.get(), insert + ";");
  }
  std::map<int, std::set<int>> out, in;
  for (auto [a, b] : edges) out[a].insert(b), in[b].insert(a);
  std::map<std::string, size_t> by_key;  // ordered as entities sort: by key
  for (const auto& [a, mids] : out) {
    std::set<int> ends;
    for (int m : mids) {
      if (out.count(m)) ends.insert(out[m].begin(), out[m].end());
    }
    if (!ends.empty()) by_key[fmt::format("n{}", a)] = ends.size();
  }
  std::string expected;
  for (const auto& [key, n] : by_key) expected += fmt::format("@{}\t{}\t\n", key, n);
  CHECK(Dump(Run(db.get(),
                 "match (a)-[:r]->(m)-[:r]->(b) return a, count(distinct b) as n order by a;")) ==
        expected);
  // A second pattern with both ends bound: past 64 probes a bind join looks
  // for the object among the subject's hops read whole (paths/adjacency.h);
  // going both ways a pair joined both ways is two hops, a self-loop one.
  int64_t both = 0, either = 0, loops = 0;
  for (auto [a, b] : edges) {
    const bool back = edges.count({b, a}) > 0;
    both += back;
    either += a == b ? 1 : 1 + back;
    loops += edges.count({b, b}) > 0;
  }
  // Counting without listing (degrees from the adjacency) gives what
  // counting the rows gives (a condition that holds for every row keeps
  // the plain aggregate), grouped by either end.
  for (const char* end : {"a", "b"}) {
    const std::string order = fmt::format(" return {0}, count(*) as n order by n desc, {0};", end);
    CHECK(Dump(Run(db.get(), "match (a)-[:r]->(b)" + order)) ==
          Dump(Run(db.get(), "match (a)-[:r]->(b) where a <> b or a = b" + order)));
  }
  auto count = [&](const std::string& q) { return Run(db.get(), q).rows[0][0].as_int(); };
  // Cycles: the pattern closing on the third node is intersected with the
  // one that reaches it (Intersect in the plan), with the rows the binary
  // joins give: one per fact, a pair joined both ways twice going both ways.
  auto m = [&](int x, int y) -> int64_t {  // facts joining x and y, both ways
    if (x == y) return edges.count({x, x});
    return static_cast<int64_t>(edges.count({x, y}) + edges.count({y, x}));
  };
  int64_t directed = 0, undirected = 0, from_n1 = 0;
  for (int a = 0; a < kNodes; ++a) {
    for (int b = 0; b < kNodes; ++b) {
      for (int c = 0; c < kNodes; ++c) {
        const bool ab = edges.count({a, b}) > 0, bc = edges.count({b, c}) > 0;
        const bool ca = edges.count({c, a}) > 0;
        directed += ab && bc && ca;
        undirected += m(a, b) * m(b, c) * m(c, a);
        from_n1 += a == 1 && ab && bc && edges.count({a, c}) > 0;
      }
    }
  }
  const std::string triangle = "match (a)-[:r]->(b), (b)-[:r]->(c), (c)-[:r]->(a) return count(*);";
  CHECK(Dump(Run(db.get(), "explain " + triangle)).find("Intersect on [") != std::string::npos);
  for (int round = 0; round < 2; ++round) {
    CHECK(count(triangle) == directed);
    CHECK(count("match (a)-[:r]-(b), (b)-[:r]-(c), (c)-[:r]-(a) return count(*);") == undirected);
    CHECK(count("match (@n1)-[:r]->(b), (b)-[:r]->(c), (@n1)-[:r]->(c) return count(*);") ==
          from_n1);
  }
  // Probes count across the statements of one version: each of these probes
  // `r` fewer than 64 times (n1's hops), so the seeks of several statements
  // together pass the threshold and one of them reads `r` whole in the middle
  // of its probes (versioned_cache.h); every round gives the model's count.
  // A fresh version (the insert above was the last write) starts them at 0.
  int64_t paths_from_n1 = 0, either_from_n1 = 0;
  for (int m : out[1]) paths_from_n1 += static_cast<int64_t>(out[m].size());
  for (int m : out[1]) {
    either_from_n1 +=
        static_cast<int64_t>(out[m].size() + in[m].size()) - (out[m].count(m) ? 1 : 0);
  }
  REQUIRE(out[1].size() < 64);
  for (int round = 0; round < 2 * 64 / static_cast<int>(out[1].size()) + 2; ++round) {
    CHECK(count("match (@n1)-[:r]->(m)-[:r]->(b) return count(*);") == paths_from_n1);
    CHECK(count("match (@n1)-[:r]->(m)-[:r]-(b) return count(*);") == either_from_n1);
  }
  for (int round = 0; round < 2; ++round) {  // the second finds the adjacency kept
    CHECK(count("match (a)-[:r]->(b), (b)-[:r]->(a) return count(*);") == both);
    CHECK(count("match (a)-[:r]->(b), (b)-[:r]-(a) return count(*);") == either);
    CHECK(count("match (a)-[:r]->(b), (b)-[:r]->(b) return count(*);") == loops);
  }
  auto reach = [&](int start, const std::map<int, std::set<int>>& forward,
                   const std::map<int, std::set<int>>& backward) {
    std::set<int> seen;
    std::vector<int> frontier{start};
    while (!frontier.empty()) {
      std::vector<int> next;
      for (int node : frontier) {
        for (const auto* side : {&forward, &backward}) {
          auto it = side->find(node);
          if (it == side->end()) continue;
          for (int to : it->second) {
            if (seen.insert(to).second) next.push_back(to);
          }
        }
      }
      frontier = std::move(next);
    }
    return static_cast<int64_t>(seen.size());
  };
  const std::map<int, std::set<int>> none;
  for (int start : {0, 1, 7}) {
    INFO("start n" << start);
    auto count = [&](const std::string& pattern) {
      return Run(db.get(), "match " + pattern + " return count(distinct x);").rows[0][0].as_int();
    };
    CHECK(count(fmt::format("(@n{})-[:r*]->(x)", start)) == reach(start, out, none));
    CHECK(count(fmt::format("(x)-[:r*]->(@n{})", start)) == reach(start, in, none));
    CHECK(count(fmt::format("(@n{})-[:r*]-(x)", start)) == reach(start, out, in));
    CHECK(count(fmt::format("(@n{})-[:r*1..2]->(x)", start)) == [&] {
      std::set<int> ends(out[start].begin(), out[start].end());
      for (int m : out[start]) ends.insert(out[m].begin(), out[m].end());
      return static_cast<int64_t>(ends.size());
    }());
  }
}

TEST_CASE("join shapes of bench/join_bench agree with a model", "[engine]") {
  // The shapes bench/join_bench times, over four relationships with skewed
  // degrees (a few hubs, as there) and a rank per node: enough rows that
  // the cycles take the multiway join (Intersect, past 64 input rows).
  TempDir dir;
  auto db = OpenDb(dir.path());
  std::mt19937 rng(23);
  std::uniform_real_distribution<double> unit(0, 1);
  constexpr int kNodes = 50, kRanks = 5, kPredicates = 4;
  const char* kNames[kPredicates] = {"owns", "funds", "met_with", "regulates"};
  std::set<std::pair<int, int>> edges[kPredicates];
  std::string insert = "insert ";
  for (int n = 0; n < kNodes; ++n) {
    insert += fmt::format("{}(@n{} {{rank: {}}})", n == 0 ? "" : ", ", n, n % kRanks);
  }
  Run(db.get(), insert + ";");
  for (int batch = 0; batch < 12; ++batch) {
    insert = "insert ";
    for (int i = 0; i < 100; ++i) {
      auto pick = [&] { return static_cast<int>(unit(rng) * unit(rng) * kNodes); };
      const int p = static_cast<int>(rng() % kPredicates), a = pick(), b = pick();
      if (!edges[p].emplace(a, b).second) continue;
      insert +=
          fmt::format("{}(@n{})-[:{}]->(@n{})", insert.back() == ' ' ? "" : ", ", a, kNames[p], b);
    }
    if (insert.back() != ' ') Run(db.get(), insert + ";");
  }
  auto has = [&](int p, int a, int b) { return edges[p].count({a, b}) > 0; };
  std::vector<int64_t> out_degree[kPredicates];
  for (int p = 0; p < kPredicates; ++p) {
    out_degree[p].assign(kNodes, 0);
    for (auto [a, b] : edges[p]) ++out_degree[p][a];
  }
  int64_t triangle = 0, cycle = 0, star = 0, chain = 0;
  for (auto [a, b] : edges[0]) {
    for (int c = 0; c < kNodes; ++c) {
      if (!has(1, b, c)) continue;
      triangle += has(3, c, a);
      for (int d = 0; d < kNodes; ++d) cycle += has(2, c, d) && has(3, d, a);
    }
  }
  for (int a = 0; a < kNodes; ++a) {
    if (a % kRanks == 2) {
      star += out_degree[0][a] * out_degree[1][a] * out_degree[2][a] * out_degree[3][a];
    }
  }
  // Paths a-owns->b-funds->c-met_with->d-regulates->e ending at rank 2:
  // the number of ways to reach each node, hop by hop.
  std::vector<int64_t> ways(kNodes, 1);
  for (int p = 0; p < kPredicates; ++p) {
    std::vector<int64_t> next(kNodes, 0);
    for (auto [a, b] : edges[p]) next[b] += ways[a];
    ways = std::move(next);
  }
  for (int e = 0; e < kNodes; ++e) chain += e % kRanks == 2 ? ways[e] : 0;
  REQUIRE(triangle > 0);
  REQUIRE(cycle > 0);
  REQUIRE(star > 0);
  REQUIRE(chain > 0);

  const std::string kTriangle =
      "match (a)-[:owns]->(b), (b)-[:funds]->(c), (c)-[:regulates]->(a) return count(*);";
  const std::string kCycle =
      "match (a)-[:owns]->(b), (b)-[:funds]->(c), (c)-[:met_with]->(d), (d)-[:regulates]->(a) "
      "return count(*);";
  const std::string kStar =
      "match (a)-[:owns]->(b), (a)-[:funds]->(c), (a)-[:met_with]->(d), (a)-[:regulates]->(e), "
      "(a)-[:rank]->(r) where r = 2 return count(*);";
  const std::string kChain =
      "match (a)-[:owns]->(b)-[:funds]->(c)-[:met_with]->(d)-[:regulates]->(e {rank: 2}) "
      "return count(*);";
  for (const std::string* cyclic : {&kTriangle, &kCycle}) {
    INFO(*cyclic);
    CHECK(Dump(Run(db.get(), "explain " + *cyclic)).find("Intersect on [") != std::string::npos);
  }
  // The rank constant is read through pos, the ids of 2 and 2.0 only, not
  // every rank fact (docs/architecture.md, "Numbers in patterns").
  for (const std::string* selective : {&kStar, &kChain}) {
    INFO(*selective);
    CHECK(Dump(Run(db.get(), "explain " + *selective)).find("via pos (2 objects)") !=
          std::string::npos);
  }
  auto count = [&](const std::string& q) { return Run(db.get(), q).rows[0][0].as_int(); };
  for (int round = 0; round < 2; ++round) {  // the second finds the adjacency kept
    CHECK(count(kTriangle) == triangle);
    CHECK(count(kCycle) == cycle);
    CHECK(count(kStar) == star);
    CHECK(count(kChain) == chain);
  }
}

TEST_CASE("pattern order does not change the answer", "[engine]") {
  TempDir dir;
  auto db = OpenDb(dir.path());
  for (const std::string& s : RandomInserts(5, 300)) Run(db.get(), s);
  const std::string a = Dump(Run(db.get(),
                                 "match (x:Person), (x)-[:owns]->(y), (y)-[:funds]->(z) "
                                 "return x, y, z order by x, y, z;"));
  const std::string b = Dump(Run(db.get(),
                                 "match (y)-[:funds]->(z), (x)-[:owns]->(y), (x:Person) "
                                 "return x, y, z order by x, y, z;"));
  CHECK(a == b);
  CHECK(!a.empty());
}

TEST_CASE("opening checks the directory", "[engine]") {
  TempDir dir;
  SECTION("a regular file") {
    { std::ofstream(dir.path()) << "not a database"; }
    auto db = Database::Open(dir.path());
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message() ==
          "cannot open database '" + dir.path() + "': it is a file, not a directory");
  }
  SECTION("a directory with other files") {
    std::filesystem::create_directories(dir.path());
    { std::ofstream(dir.path() + "/notes.txt") << "hello"; }
    auto db = Database::Open(dir.path());
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message() == "cannot open database '" + dir.path() +
                                       "': the directory is not empty and holds no Quipu "
                                       "database");
  }
  SECTION("a foreign RocksDB database") {
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, dir.path(), &raw).ok());
    delete raw;
    auto db = Database::Open(dir.path());
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message() == "cannot open database '" + dir.path() +
                                       "': not a Quipu database (column family 'spo_lists' "
                                       "is missing)");
  }
  SECTION("a newer format version") {
    { auto db = OpenDb(dir.path()); }
    {
      // Rewrite the version key as a later Quipu would.
      rocksdb::DBOptions options;
      std::vector<rocksdb::ColumnFamilyDescriptor> families;
      for (const char* name : quipu::storage::kFamilyNames) {
        families.emplace_back(name, rocksdb::ColumnFamilyOptions());
      }
      std::vector<rocksdb::ColumnFamilyHandle*> handles;
      rocksdb::DB* raw = nullptr;
      REQUIRE(rocksdb::DB::Open(options, dir.path(), families, &handles, &raw).ok());
      REQUIRE(raw->Put(rocksdb::WriteOptions(), handles[quipu::storage::kMeta],
                       quipu::storage::kFormatKey,
                       std::to_string(quipu::storage::kFormatVersion + 1))
                  .ok());
      for (auto* h : handles) raw->DestroyColumnFamilyHandle(h);
      delete raw;
    }
    auto db = Database::Open(dir.path());
    REQUIRE_FALSE(db.ok());
    const int v = quipu::storage::kFormatVersion;
    CHECK(db.status().message() ==
          "cannot open database '" + dir.path() + "': written by a newer Quipu (format " +
              std::to_string(v + 1) + "); this build reads format " + std::to_string(v));
  }
  SECTION("read-only on a missing directory") {
    quipu::DatabaseOptions options;
    options.read_only = true;
    auto db = Database::Open(dir.path(), options);
    REQUIRE_FALSE(db.ok());
    CHECK(db.status().message() == "cannot open database '" + dir.path() + "': no database there");
  }
  SECTION("read-only refuses writes") {
    { auto db = OpenDb(dir.path()); }
    quipu::DatabaseOptions options;
    options.read_only = true;
    auto db = Database::Open(dir.path(), options);
    REQUIRE(db.ok());
    auto r = (*db)->Execute("insert (@a {name: \"x\"});");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() == "the database is open read-only; writes are refused");
    CHECK((*db)->Execute("match (n) return count(*);").ok());
  }
  SECTION("a second writer on the same directory") {
    auto first = OpenDb(dir.path());
    auto second = Database::Open(dir.path());
    REQUIRE_FALSE(second.ok());
    CHECK(second.status().message().find("in use by another process") != std::string::npos);
  }
}

TEST_CASE("explain shows the same cost-chosen plan for any pattern order", "[engine][optimizer]") {
  TempDir dir;
  auto db = OpenDb(dir.path());
  for (const std::string& s : RandomInserts(9, 300)) Run(db.get(), s);
  // One selective pattern (a single entity by name) and two broad ones: the
  // plan must start from the selective one whatever order they are written in.
  const std::string orders[] = {
      "explain match (x {name: \"Entity 5\"}), (a)-[:owns]->(x), (a)-[:funds]->(b) return a, b;",
      "explain match (a)-[:funds]->(b), (a)-[:owns]->(x), (x {name: \"Entity 5\"}) return a, b;",
      "explain match (a)-[:owns]->(x), (x {name: \"Entity 5\"}), (a)-[:funds]->(b) return a, b;",
  };
  std::vector<std::string> plans;
  for (const std::string& q : orders) plans.push_back(Dump(Run(db.get(), q)));
  CHECK(plans[0] == plans[1]);
  CHECK(plans[0] == plans[2]);
  // The innermost (first) operator is the scan of the selective pattern.
  const QueryResult plan = Run(db.get(), orders[1]);
  REQUIRE(!plan.rows.empty());
  CHECK(plan.rows.back()[0].as_string().find("Scan (x {name: \"Entity 5\"}) via pos") !=
        std::string::npos);
}

TEST_CASE("profile reports actual rows per operator", "[engine][optimizer]") {
  TempDir dir;
  auto db = OpenDb(dir.path());
  for (const std::string& s : RandomInserts(13, 200)) Run(db.get(), s);
  const QueryResult counted = Run(db.get(), "match (a)-[:owns]->(b) return count(*);");
  const QueryResult plan = Run(db.get(), "profile match (a)-[:owns]->(b) return a, b;");
  // Output, Project, Scan: each of them saw every match.
  REQUIRE(plan.rows.size() == 3);
  const std::string rows = std::to_string(counted.rows[0][0].as_int());
  for (const std::vector<quipu::Value>& line : plan.rows) {
    const std::string text = line[0].as_string();
    INFO(text);
    CHECK((text.find("actual " + rows + " rows") != std::string::npos ||
           text.find("(" + rows + " rows") != std::string::npos));
  }
}

TEST_CASE("a running statement can be cancelled from another thread", "[engine]") {
  TempDir dir;
  auto db = OpenDb(dir.path());
  std::string insert = "insert ";
  for (int i = 0; i < 400; ++i) {
    insert += (i ? ", " : "") + std::string("(@n") + std::to_string(i) +
              " {v: " + std::to_string(i) + "})";
  }
  Run(db.get(), insert + ";");
  // 400^3 = 64 million rows: far longer than the cancel takes to arrive.
  quipu::Result<QueryResult> result = quipu::Status::Internal("not run");
  std::atomic<bool> started{false};
  std::thread worker([&] {
    started = true;
    result = db->Execute("match (a {v: 1}), (x), (y), (z) return count(*);");
  });
  while (!started) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  db->Cancel();
  worker.join();
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message() == "the statement was cancelled");
  // The database works on, and a statement started after the cancel runs.
  CHECK(Run(db.get(), "match (a {v: 1}) return count(*);").rows[0][0].as_int() == 1);
}

TEST_CASE("a statement stops at its time limit and the database goes on", "[engine][limits]") {
  TempDir dir;
  auto db = OpenDb(dir.path());
  // A complete graph of 9 nodes: its trails are far too many to list.
  std::string insert = "insert ";
  for (int a = 0; a < 9; ++a) {
    for (int b = 0; b < 9; ++b) {
      if (a != b)
        insert += fmt::format("{}(@n{})-[:k]->(@n{})", insert.size() > 7 ? ", " : "", a, b);
    }
  }
  Run(db.get(), insert);
  quipu::QueryLimits limits;
  limits.time_seconds = 0.2;
  limits.path_states = 0;
  db->SetLimits(limits);
  CHECK(db->limits().time_seconds == 0.2);
  const auto started = std::chrono::steady_clock::now();
  auto result = db->Execute("match (x)-[:k*]->(y) return count(*);");
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message() ==
        "the statement ran past its time limit of 0.2 s (the limit 'time': :limit time SECONDS "
        "in the shell, QueryLimits::time_seconds in the API)");
  // Stopped promptly, not after the walk.
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(Run(db.get(), "match (x)-[:k]->(y) return count(*);").rows[0][0].as_int() == 72);
}

TEST_CASE("reading statements keep the holdings a database has read; writes drop them",
          "[engine]") {
  // The holdings cache (query/holdings_cache.h) moves to a new generation
  // around every write; a statement that only reads must leave it as it was
  // (once, `search` counted as a write and dropped it every time).
  TempDir dir;
  auto opened = quipu::engine::Engine::Open(dir.path(), {});
  REQUIRE(opened.ok());
  quipu::engine::Engine& engine = **opened;
  auto run = [&](const char* text) {
    auto r = engine.Execute(text, {});
    INFO(text << "\n" << quipu::FormatError(r.status(), text));
    REQUIRE(r.ok());
  };
  run("insert (@a)-[:owns {share: 0.6}]->(@b {name: 'Bravo Holdings'}), (@c)-[:owns]->(@a);");
  run("call controllers(@b);");  // reads the holdings, which the cache keeps
  const uint64_t kept = engine.holdings().Observe();
  for (const char* read :
       {"search 'bravo';", "match (x)-[:owns]->(y) return x, y;", "call controllers(@b);",
        "show predicates;", "explain why (@a)-[:owns]->(@b);", "return ownership(@a, @b);",
        "prefix ex: <http://example.org/>;", "explain match (x) return x;"}) {
    INFO(read);
    run(read);
    CHECK(engine.holdings().Observe() == kept);
  }
  run("insert (@d)-[:owns {share: 0.1}]->(@b);");
  CHECK(engine.holdings().Observe() != kept);
}
