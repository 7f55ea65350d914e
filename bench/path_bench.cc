// path_bench: generates a random influence graph of N facts (N-Triples,
// deterministic for a seed), loads it into a fresh database, and prints the
// median warm time of path queries: 6-hop reachability from one company,
// the shortest path between two people over any relationship, a weighted
// shortest path, and trails of up to 3 hops with their share products.
//
//   build/bench/path_bench [facts=10000000] [runs=5] [seed=7]
//
// The graph: companies c0…, people p0…; half the facts are `owns` between
// companies with a share (mostly an older company owning a younger one, so
// chains are long, with a few cycles), a fifth `director_of` from people to
// companies, the rest `met` between people with a `days` cost; degrees are
// skewed (a few hubs) as in real registries. Loaded as CSV edge files.
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

// Three CSV edge files: owns.csv (from,to,share), director_of.csv (from,to)
// and met.csv (from,to,days). Returns how many edges were written.
uint64_t Generate(const fs::path& dir, uint64_t facts, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  const uint64_t companies = std::max<uint64_t>(10, facts / 6);
  const uint64_t people = std::max<uint64_t>(10, facts / 12);
  // Skewed: the square of a uniform draw favours low numbers (the hubs).
  auto skewed = [&](uint64_t n) { return static_cast<uint64_t>(unit(rng) * unit(rng) * n); };
  std::ofstream owns(dir / "owns.csv"), directs(dir / "director_of.csv"), met(dir / "met.csv");
  owns << "from,to,share\n";
  directs << "from,to\n";
  met << "from,to,days\n";
  for (uint64_t i = 0; i < facts; ++i) {
    const uint64_t kind = rng() % 10;
    if (kind < 5) {  // a holding: mostly an older company owns a younger one
      const uint64_t owned = 1 + rng() % (companies - 1);
      const uint64_t owner = rng() % 50 == 0 ? skewed(companies) : skewed(owned);
      owns << "c" << owner << ",c" << owned << ",0." << 1 + rng() % 9 << "\n";
    } else if (kind < 7) {
      directs << "p" << rng() % people << ",c" << skewed(companies) << "\n";
    } else {
      met << "p" << skewed(people) << ",p" << rng() % people << "," << 1 + rng() % 30 << "\n";
    }
  }
  return facts;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t facts = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10000000;
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const uint32_t seed = argc > 3 ? static_cast<uint32_t>(std::atoi(argv[3])) : 7;
  const fs::path dir = fs::temp_directory_path() / ("quipu-path-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto t0 = std::chrono::steady_clock::now();
  Generate(dir, facts, seed);
  std::printf("generated %llu facts in %.0f ms\n", static_cast<unsigned long long>(facts),
              Millis(std::chrono::steady_clock::now() - t0));
  auto db = quipu::Database::Open((dir / "db").string());
  if (!db.ok()) return 1;
  t0 = std::chrono::steady_clock::now();
  uint64_t inserted = 0;
  for (const char* predicate : {"owns", "director_of", "met"}) {
    const std::string file = (dir / (std::string(predicate) + ".csv")).string();
    auto loaded =
        (*db)->Execute("load csv '" + file + "' as edges " + predicate + " from from to to;");
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", quipu::FormatError(loaded.status(), "").c_str());
      return 1;
    }
    inserted += loaded->facts_inserted;
    fs::remove(file);
  }
  const double load_ms = Millis(std::chrono::steady_clock::now() - t0);
  std::printf("loaded %llu distinct facts in %.0f ms (%.0f facts/s)\n",
              static_cast<unsigned long long>(inserted), load_ms, inserted / (load_ms / 1000.0));

  const std::pair<const char*, const char*> kQueries[] = {
      {"6-hop reach", "match (@c1)-[:owns*..6]->(y) return distinct y;"},
      {"6-hop reach 2", "match (@c1000)-[:owns*..6]->(y) return distinct y;"},
      {"shortest", "match p = shortest (@p1)-[*..8]-(@p2) return length(p);"},
      {"shortest met", "match p = shortest (@p3)-[:met*..10]-(@p4) return length(p);"},
      {"weighted met",
       "match p = shortest (@p3)-[r:met*..6]-(@p4) by sum(r.days) return sum(p.days);"},
      {"all shortest", "match p = all shortest (@p5)-[*..8]-(@p6) return count(*);"},
      {"trails 3 hops",
       "match p = (@c2)-[:owns*..3]->(y) return count(*), "
       "max(product(p.share));"},
  };
  std::printf("%-16s %10s %12s %12s\n", "query", "result", "median ms", "min ms");
  for (const auto& [name, text] : kQueries) {
    std::vector<double> times;
    std::string answer;
    for (int i = 0; i <= runs; ++i) {  // the first run warms the caches
      t0 = std::chrono::steady_clock::now();
      auto r = (*db)->Execute(text);
      const double ms = Millis(std::chrono::steady_clock::now() - t0);
      if (!r.ok()) {
        std::fprintf(stderr, "%s: %s\n", name, quipu::FormatError(r.status(), text).c_str());
        return 1;
      }
      answer = r->rows.size() == 1 ? r->rows[0][0].ToString() : std::to_string(r->rows.size());
      if (i > 0) times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    std::printf("%-16s %10s %12.2f %12.2f\n", name, answer.c_str(), times[times.size() / 2],
                times[0]);
  }
  fs::remove_all(dir);
  return 0;
}
