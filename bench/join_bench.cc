// join_bench: generates a random graph of N facts (N-Triples, deterministic
// for a seed), loads it into a fresh database, and prints the median warm
// time of query-heavy micro benchmarks: a 2-hop count, a 4-pattern star and
// an aggregate over every fact.
//
//   build/bench/join_bench [facts=1000000] [runs=5] [seed=42]

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "bench/bench_util.h"

namespace fs = std::filesystem;

namespace {

// Entities e0..e(n-1); 4 relationship predicates between them, skewed so a
// few entities are hubs (square of a uniform draw), and one integer property.
void Generate(const fs::path& file, uint64_t facts, uint32_t seed) {
  std::mt19937_64 rng(seed);
  const uint64_t entities = std::max<uint64_t>(10, facts / 8);
  std::uniform_real_distribution<double> unit(0, 1);
  auto pick = [&] { return static_cast<uint64_t>(unit(rng) * unit(rng) * entities); };
  std::ofstream out(file);
  const char* kPreds[] = {"owns", "funds", "met_with", "regulates"};
  for (uint64_t i = 0; i < facts; ++i) {
    if (i % 8 == 0) {
      out << "<http://q/e" << i / 8 << "> <http://q/rank> \"" << (i / 8) % 100
          << "\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n";
      continue;
    }
    out << "<http://q/e" << pick() << "> <http://q/" << kPreds[rng() % 4] << "> <http://q/e"
        << pick() << "> .\n";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const quipu::bench::Args args = quipu::bench::ParseArgs(argc, argv, 5);
  quipu::bench::GeneratedDatabase graph("quipu-join-bench", args, Generate);
  if (graph.db() == nullptr) return 1;
  const std::pair<const char*, const char*> kQueries[] = {
      {"2-hop count",
       "match (a)-[:<http://q/owns>]->(b)-[:<http://q/funds>]->(c) return count(*);"},
      {"4-star",
       "match (a)-[:<http://q/owns>]->(b), (a)-[:<http://q/funds>]->(c), "
       "(a)-[:<http://q/met_with>]->(d), (a)-[:<http://q/rank>]->(r) "
       "where r = 7 return count(*);"},
      {"aggregate", "match (a)-[p]->(b) return p, count(*) order by p;"},
      {"top-k",
       "match (a)-[:<http://q/owns>]->(b) return b, count(*) as n "
       "order by n desc limit 10;"},
  };
  std::printf("%-12s %12s %12s %12s\n", "query", "result", "median ms", "min ms");
  for (const auto& [name, text] : kQueries) {
    const std::optional<quipu::bench::Timing> t =
        quipu::bench::TimeStatement(graph.db(), text, args.runs);
    if (!t) return 1;
    const auto& rows = t->result.rows;
    const std::string first = rows.empty() ? "" : rows[0].back().ToString();
    std::printf("%-12s %12s %12.1f %12.1f\n", name, first.c_str(), t->median(), t->ms.front());
  }
  return 0;
}
