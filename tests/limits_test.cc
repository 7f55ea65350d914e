// Statement limits through the public API: memory sizes as written and
// printed, the default budget, limits given when opening, and statements
// far past the memory budget (a cross join of billions of rows) stopping
// cleanly instead of growing until the kernel's OOM killer ends the process.
// The exact message per operator is in tests/queries/limits.test.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>

#include "engine/run_statement.h"
#include "grammar/parser.h"
#include "query/memory_budget.h"
#include "query/statement_env.h"
#include "quipu/database.h"
#include "storage/rocksdb_store.h"
#include "tests/test_util.h"

namespace {

using quipu::Database;
using quipu::testing::TempDir;

constexpr uint64_t kMiB = 1024 * 1024;

// AddressSanitizer pads every allocation and keeps freed memory in
// quarantine: resident memory then says little about what the engine holds.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

// Starts measuring the process's peak resident memory afresh; false when
// the kernel does not allow it, or under AddressSanitizer.
bool ResetPeakResident() {
  if (kAddressSanitizer) return false;
  std::ofstream out("/proc/self/clear_refs");
  return static_cast<bool>(out << "5" << std::flush);
}

// The process's peak resident memory (VmHWM), in bytes; 0 if unknown.
uint64_t PeakResidentBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // kB
  }
  return 0;
}

std::unique_ptr<Database> Open(const std::string& path, const quipu::QueryLimits& limits) {
  quipu::DatabaseOptions options;
  options.limits = limits;
  auto db = Database::Open(path, options);
  REQUIRE(db.ok());
  return std::move(*db);
}

// `n` nodes @x0 … of label X, inserted in one statement.
void InsertNodes(Database* db, int n, const std::string& label) {
  std::string insert = "insert ";
  for (int i = 0; i < n; ++i) insert += fmt::format("{}(@{}{}:{})", i ? ", " : "", label, i, label);
  auto r = db->Execute(insert + ";");
  REQUIRE(r.ok());
}

}  // namespace

TEST_CASE("memory sizes parse with SI and binary units", "[limits]") {
  auto parse = [](const char* text) {
    quipu::Result<uint64_t> r = quipu::ParseMemorySize(text);
    INFO(text << ": " << r.status().message());
    REQUIRE(r.ok());
    return *r;
  };
  CHECK(parse("512MB") == 512'000'000);
  CHECK(parse("512 mb") == 512'000'000);
  CHECK(parse("512MiB") == 512 * kMiB);
  CHECK(parse("1.5GiB") == 3 * 512 * kMiB);
  CHECK(parse("2G") == 2048 * kMiB);
  CHECK(parse("4096") == 4096);
  CHECK(parse("100B") == 100);
  CHECK(parse("1kB") == 1000);
  CHECK(parse("1K") == 1024);
  CHECK(parse("0") == 0);
  CHECK(parse("None") == 0);
  CHECK(parse("0.2") == 1);  // not 0, which would mean no budget
  quipu::Result<uint64_t> huge = quipu::ParseMemorySize("20000000TB");
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.status().message() ==
        "the memory size '20000000TB' is more bytes than a 64-bit count holds");
  for (const char* bad : {"", "lots", "-1MB", "1.2.3GB", "5XB", "MB", ".", "1e9"}) {
    quipu::Result<uint64_t> r = quipu::ParseMemorySize(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message() ==
          std::string("a memory size is a number with an optional unit, such as 512MB, 1.5GiB or "
                      "0 (no budget), not '") +
              bad + "'");
  }
}

TEST_CASE("memory sizes print in binary units", "[limits]") {
  CHECK(quipu::FormatMemorySize(0) == "none");
  CHECK(quipu::FormatMemorySize(1) == "1 byte");
  CHECK(quipu::FormatMemorySize(800) == "800 bytes");
  CHECK(quipu::FormatMemorySize(2048) == "2 KiB");
  CHECK(quipu::FormatMemorySize(256 * kMiB) == "256 MiB");
  CHECK(quipu::FormatMemorySize(3 * 512 * kMiB) == "1.5 GiB");
  CHECK(quipu::FormatMemorySize(512'000'000) == "488.3 MiB");
}

TEST_CASE("the default budget is half the memory the process may use", "[limits]") {
  const quipu::QueryLimits defaults;
  CHECK(defaults.memory_bytes == quipu::DefaultMemoryBudget());
  CHECK(defaults.max_result_rows == 0);
  const uint64_t physical = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                            static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
  CHECK(quipu::DefaultMemoryBudget() > 0);
  CHECK(quipu::DefaultMemoryBudget() <= physical / 2);
}

TEST_CASE("limits given when opening apply to every statement", "[limits]") {
  TempDir dir;
  quipu::QueryLimits limits;
  limits.memory_bytes = 4096;
  limits.max_result_rows = 10;
  auto db = Open(dir.path(), limits);
  CHECK(db->limits().memory_bytes == 4096);
  CHECK(db->limits().max_result_rows == 10);
  InsertNodes(db.get(), 200, "x");
  auto r = db->Execute("match (a:x) return a order by a;");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("statement memory budget of 4 KiB exceeded by a sort (", 0) ==
        0);
  r = db->Execute("match (a:x) return count(*);");
  REQUIRE(r.ok());
  CHECK(r->rows[0][0].as_int() == 200);
  r = db->Execute("match (a:x) return a limit 11;");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("the statement returned more than 10 rows", 0) == 0);
  // SetLimits replaces them for later statements.
  limits.memory_bytes = 0;
  limits.max_result_rows = 0;
  db->SetLimits(limits);
  r = db->Execute("match (a:x) return a order by a;");
  REQUIRE(r.ok());
  CHECK(r->rows.size() == 200);
}

TEST_CASE("a cross join of billions of rows stops at the budget, not at the OOM killer",
          "[limits]") {
  TempDir dir;
  quipu::QueryLimits limits;
  limits.memory_bytes = 64 * kMiB;
  limits.path_states = 0;
  auto db = Open(dir.path(), limits);
  InsertNodes(db.get(), 2000, "x");
  // 8e9 result rows (hundreds of GiB as values); and 4e6 distinct pairs.
  const char* statements[] = {
      "match (a:x), (b:x), (c:x) return a, b, c;",
      "match (a:x), (b:x) return distinct a, b;",
      "match (a:x), (b:x) return a, b order by b desc, a;",
      "match (a:x), (b:x) return a, b, count(*);",
  };
  const char* holders[] = {"the result (", "a distinct (", "a sort (", "a hash aggregation ("};
  for (size_t i = 0; i < std::size(statements); ++i) {
    INFO(statements[i]);
    const bool measured = ResetPeakResident();
    const uint64_t before = PeakResidentBytes();
    const auto started = std::chrono::steady_clock::now();
    auto r = db->Execute(statements[i]);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    REQUIRE_FALSE(r.ok());
    const std::string& message = r.status().message();
    INFO(message);
    CHECK(message.rfind(std::string("statement memory budget of 64 MiB exceeded by ") + holders[i],
                        0) == 0);
    CHECK(seconds < 60);
    // The estimates are close to what the process really held: its peak
    // grew by at most twice the budget (vectors double).
    const uint64_t grown = PeakResidentBytes() - before;
    if (measured && before > 0) {
      UNSCOPED_INFO("peak resident memory grew by " << grown / kMiB << " MiB");
      CHECK(grown < 2 * limits.memory_bytes);
    } else {
      WARN(
          "cannot reset the peak resident memory (or AddressSanitizer pads it): its growth is "
          "not checked");
    }
  }
  // The database is as it was and answers.
  auto r = db->Execute("match (a:x) return count(*);");
  REQUIRE(r.ok());
  CHECK(r->rows[0][0].as_int() == 2000);
}

TEST_CASE("an optional match with many extensions of one row counts them", "[limits]") {
  TempDir dir;
  quipu::QueryLimits limits;
  limits.memory_bytes = 32 * 1024;
  auto db = Open(dir.path(), limits);
  std::string insert = "insert (@hub:Hub)";
  for (int i = 0; i < 5000; ++i) insert += fmt::format(", (@hub)-[:e]->(@t{})", i);
  REQUIRE(db->Execute(insert + ";").ok());
  auto r = db->Execute("match (a:Hub) optional match (a)-[:e]->(b) return count(b);");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind(
            "statement memory budget of 32 KiB exceeded by an optional match (rows of one input "
            "chunk, ",
            0) == 0);
  limits.memory_bytes = 1 * kMiB;
  db->SetLimits(limits);
  r = db->Execute("match (a:Hub) optional match (a)-[:e]->(b) return count(b);");
  REQUIRE(r.ok());
  CHECK(r->rows[0][0].as_int() == 5000);
}

namespace {

// Runs `text` through the executor itself (no holdings cache, a chosen join
// strategy) with a memory budget.
quipu::Result<quipu::QueryResult> RunWithBudget(quipu::storage::Store* store,
                                                const std::string& text, uint64_t budget,
                                                quipu::query::JoinChoice joins) {
  auto statement = quipu::grammar::ParseStatement(text);
  REQUIRE(statement.ok());
  quipu::query::StatementEnv env;
  env.joins = joins;
  env.limits.memory_bytes = budget;
  quipu::query::MemoryBudget memory(budget);
  env.memory = &memory;
  return quipu::engine::RunStatement(*statement, store, env, {});
}

}  // namespace

TEST_CASE("every join strategy and a statement's own ownership graph keep to the budget",
          "[limits]") {
  TempDir dir;
  {
    auto db = Open(dir.path(), quipu::QueryLimits{});
    // A chain of 300 companies, each owning 60% of the next, and a web of
    // `link` facts for the joins.
    std::string insert = "insert (@c0:Company)";
    for (int i = 1; i < 300; ++i) {
      insert += fmt::format(", (@c{})-[:owns {{share: 0.6}}]->(@c{})", i - 1, i);
      insert += fmt::format(", (@c{})-[:link]->(@c{}), (@c{})-[:link]->(@c{})", i, (i * 7) % 300, i,
                            (i * 13) % 300);
    }
    REQUIRE(db->Execute(insert + ";").ok());
  }
  auto store = quipu::storage::OpenRocksDbStore(dir.path(), {});
  REQUIRE(store.ok());
  const std::string join =
      "match (a)-[:link]->(b), (b)-[:link]->(c), (c)-[:link]->(d) return a, d order by d, a;";
  for (auto joins : {quipu::query::JoinChoice::kByCost, quipu::query::JoinChoice::kHashOnly,
                     quipu::query::JoinChoice::kBindOnly}) {
    INFO("join choice " << static_cast<int>(joins));
    auto r = RunWithBudget(store->get(), join, 8 * 1024, joins);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().rfind("statement memory budget of 8 KiB exceeded by ", 0) == 0);
    r = RunWithBudget(store->get(), join, 64 * kMiB, joins);
    REQUIRE(r.ok());
    // Two links from each of c1 … c299, one from the five whose two coincide
    // (c50, c100, …), none from c0: 2,357 walks of three.
    CHECK(r->rows.size() == 2357);
  }
  // Without the database's cached holdings, controllers reads a graph of
  // its own, which counts against the budget.
  const std::string controllers = "call controllers(@c299, threshold: 0.0001);";
  auto r = RunWithBudget(store->get(), controllers, 4 * 1024, quipu::query::JoinChoice::kByCost);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind(
            "statement memory budget of 4 KiB exceeded by the ownership graph (", 0) == 0);
  r = RunWithBudget(store->get(), controllers, 64 * kMiB, quipu::query::JoinChoice::kByCost);
  REQUIRE(r.ok());
  CHECK(!r->rows.empty());
}

// Past path_states the error says what the pattern lacks of what keeps a
// walk small, and nothing it already has (issue 24: it asked for a maximum
// length when one was given).
TEST_CASE("the path_states error names only what the pattern lacks", "[limits]") {
  TempDir dir;
  quipu::QueryLimits limits;
  limits.path_states = 3;
  auto db = Open(dir.path(), limits);
  REQUIRE(db->Execute("insert (@a)-[:k]->(@b)-[:k]->(@c)-[:k]->(@d)-[:k]->(@e);").ok());
  const std::string head =
      "the limit 'path_states': :limit path_states N in the shell, QueryLimits::path_states in the "
      "API); ";
  const std::pair<const char*, const char*> cases[] = {
      {"match (x)-[:k*]->(y) return y;",
       "give the relationship a maximum length or fix one of its ends (as (@x)-[…]->, or where x "
       "= @x), or raise the limit"},
      {"match (x)-[*..4]->(y) return y;",
       "name its predicate or fix one of its ends (as (@x)-[…]->, or where x = @x), or raise the "
       "limit"},
      {"match (x)-[*]->(y) where x = @a return y;",
       "give the relationship a maximum length or name its predicate, or raise the limit"},
      {"match (x)-[:k*..4]->(y) where y = @e return x;",
       "lower its maximum length, or raise the limit"},
  };
  for (const auto& [statement, advice] : cases) {
    INFO(statement);
    auto r = db->Execute(statement);
    REQUIRE_FALSE(r.ok());
    const std::string& message = r.status().message();
    INFO(message);
    CHECK(message.find(head + advice) != std::string::npos);
  }
}

// `where a = @x` on an end of a variable-length pattern walks from @x alone,
// as (@x)-[…]-> does: with a state limit that a walk from every start
// exceeds, both forms answer.
TEST_CASE("equality on a path's end starts the walk there", "[limits]") {
  TempDir dir;
  quipu::QueryLimits limits;
  limits.path_states = 50;
  auto db = Open(dir.path(), limits);
  std::string insert = "insert ";
  for (int i = 0; i < 100; ++i)
    insert += fmt::format("{}(@n{})-[:owns]->(@n{})", i ? ", " : "", i, i + 1);
  REQUIRE(db->Execute(insert + ";").ok());
  auto all = db->Execute("match (a)-[:owns*1..3]->(b) return count(*);");
  REQUIRE_FALSE(all.ok());  // every start: past the limit
  for (const char* statement : {"match (a)-[:owns*1..3]->(b) where a = @n5 return b order by b;",
                                "match (@n5)-[:owns*1..3]->(b) return b order by b;"}) {
    INFO(statement);
    auto r = db->Execute(statement);
    REQUIRE(r.ok());
    REQUIRE(r->rows.size() == 3);
    CHECK(r->rows[0][0].ToLiteral() == "@n6");
    CHECK(r->rows[2][0].ToLiteral() == "@n8");
  }
  auto back = db->Execute("match (a)-[:owns*1..3]->(b) where b = @n50 return a order by a;");
  REQUIRE(back.ok());
  REQUIRE(back->rows.size() == 3);
  CHECK(back->rows[0][0].ToLiteral() == "@n47");
  auto none = db->Execute("match (a)-[:owns*1..3]->(b) where a = @nobody return b;");
  REQUIRE(none.ok());
  CHECK(none->rows.empty());
}
