// join_bench: generates a random graph of N facts (N-Triples, deterministic
// for a seed), loads it into a fresh database, and prints the median warm
// time of query-heavy micro benchmarks: a 2-hop count, a 4-pattern star and
// an aggregate over every fact.
//
//   build/bench/join_bench [facts=1000000] [runs=5] [seed=42]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "quipu/database.h"

namespace fs = std::filesystem;

namespace {

double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

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
  const uint64_t facts = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const uint32_t seed = argc > 3 ? static_cast<uint32_t>(std::atoi(argv[3])) : 42;
  const fs::path dir = fs::temp_directory_path() / ("quipu-join-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path data = dir / "graph.nt";
  auto t0 = std::chrono::steady_clock::now();
  Generate(data, facts, seed);
  std::printf("generated %llu facts in %.0f ms\n", static_cast<unsigned long long>(facts),
              Millis(std::chrono::steady_clock::now() - t0));
  auto db = quipu::Database::Open((dir / "db").string());
  if (!db.ok()) return 1;
  t0 = std::chrono::steady_clock::now();
  auto loaded = (*db)->Execute("load '" + data.string() + "';");
  const double load_ms = Millis(std::chrono::steady_clock::now() - t0);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", quipu::FormatError(loaded.status(), "").c_str());
    return 1;
  }
  std::printf("loaded %llu distinct facts in %.0f ms (%.0f facts/s)\n",
              static_cast<unsigned long long>(loaded->facts_inserted), load_ms,
              loaded->facts_inserted / (load_ms / 1000.0));

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
    std::vector<double> times;
    std::string first;
    for (int r = 0; r < runs + 1; ++r) {
      t0 = std::chrono::steady_clock::now();
      auto result = (*db)->Execute(text);
      const double ms = Millis(std::chrono::steady_clock::now() - t0);
      if (!result.ok()) {
        std::fprintf(stderr, "%s: %s\n", name, result.status().message().c_str());
        return 1;
      }
      if (r == 0) first = result->rows.empty() ? "" : result->rows[0].back().ToString();
      if (r > 0) times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    std::printf("%-12s %12s %12.1f %12.1f\n", name, first.c_str(), times[times.size() / 2],
                times.front());
  }
  db->reset();
  fs::remove_all(dir);
  return 0;
}
