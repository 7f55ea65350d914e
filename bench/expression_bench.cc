// expression_bench: the cost of evaluating expressions per row. A generated
// database of N facts (N-Triples, deterministic for a seed): N/2 entities,
// each with a string name and an integer age. Each query matches every name
// or every age and filters or sums it through operators and functions, so
// its time is mostly the evaluation of the where or return expression. Each
// runs once to warm the caches, then `runs` times; the median and the
// slowest run are printed.
//
//   build/bench/expression_bench [facts=200000] [runs=7] [seed=42]

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <utility>

#include "bench/bench_util.h"

namespace fs = std::filesystem;

namespace {

void Generate(const fs::path& file, uint64_t facts, uint32_t seed) {
  static const char* kWords[] = {"alpha", "Bravo", "charlie", "Delta", "echo", "Foxtrot"};
  std::mt19937_64 rng(seed);
  std::ofstream out(file);
  for (uint64_t e = 0; 2 * e < facts; ++e) {
    const std::string s = "<http://b/e" + std::to_string(e) + "> ";
    out << s << "<http://b/name> \"  " << kWords[rng() % 6] << ' ' << rng() % 100000 << ' '
        << kWords[rng() % 6] << " \" .\n";
    if (2 * e + 1 < facts) {
      out << s << "<http://b/age> \"" << rng() % 100
          << "\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  quipu::bench::Args args = quipu::bench::ParseArgs(argc, argv, 7);
  if (argc <= 1) args.facts = 200000;
  quipu::bench::GeneratedDatabase graph("quipu-expression-bench", args, Generate);
  quipu::Database* db = graph.db();
  if (db == nullptr) return 1;
  const std::pair<const char*, const char*> kQueries[] = {
      {"arithmetic",
       "match (p)-[:<http://b/age>]->(a) where (a * 3 + 7) % 11 < 5 and a - 10 >= 0 "
       "return count(*)"},
      {"comparisons",
       "match (p)-[:<http://b/age>]->(a) where a <> 3 and a >= 1 and a <= 98 and "
       "(a < 20 or a > 40) return count(*)"},
      {"math functions",
       "match (p)-[:<http://b/age>]->(a) where abs(a - 50) + sqrt(a) > round(a / 3.0) and "
       "sign(a - 1) >= 0 return count(*)"},
      {"string functions",
       "match (p)-[:<http://b/name>]->(n) where upper(substring(trim(n), 0, 3)) = 'ALP' or "
       "size(replace(n, 'a', 'xy')) > 24 return count(*)"},
      {"string operators",
       "match (p)-[:<http://b/name>]->(n) where n contains 'echo' or n ends with 'alpha ' or "
       "lower(n) starts with '  bravo' return count(*)"},
      {"sum over a case",
       "match (p)-[:<http://b/age>]->(a) return sum(case when a % 2 = 0 then a * 2 else "
       "coalesce(a, 0) - 1 end)"},
  };
  std::printf("%-18s %8s %10s %10s  %s\n", "query", "result", "median ms", "max ms", "text");
  for (const auto& [name, text] : kQueries) {
    const std::optional<quipu::bench::Timing> t = quipu::bench::TimeStatement(db, text, args.runs);
    if (!t) return 1;
    const std::string result =
        t->result.rows.size() == 1 ? t->result.rows[0][0].ToString() : std::string("?");
    std::printf("%-18s %8s %10.2f %10.2f  %s\n", name, result.c_str(), t->median(), t->ms.back(),
                text);
  }
  return 0;
}
