// join_bench: generates a random graph of N facts (N-Triples, deterministic
// for a seed), loads it into a fresh database, and prints the median and
// fastest warm time of query-heavy micro benchmarks: a 2-hop count, a
// 4-pattern star, an aggregate over every fact, a top-k, and the join shapes
// of issue 18 (a triangle, a 4-cycle, a 5-pattern star, a 4-hop chain to a
// selective end). Under each row it prints the plan `explain` gives, so a
// time can be read against the joins that made it.
//
//   build/bench/join_bench [facts=1000000] [runs=5] [seed=42]

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <utility>
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

// The operator tree of `explain` on one line, names only, children in
// brackets: "Aggregate(Intersect(MergeJoin(Scan, Scan)))". `lines` are
// explain's rows, two spaces of indent a level.
std::string CompactPlan(const std::vector<std::string>& lines) {
  std::string out;
  std::vector<size_t> open;  // depths of the operators whose bracket is open
  for (const std::string& line : lines) {
    const size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) continue;
    const size_t depth = indent / 2;
    const std::string name = line.substr(indent, line.find_first_of(" (", indent) - indent);
    bool sibling = false;
    while (!open.empty() && open.back() >= depth) {
      sibling = open.back() == depth;
      open.pop_back();
      if (!sibling) out += ')';
    }
    if (sibling) {
      out += ", ";
    } else if (!out.empty()) {
      out += '(';
    }
    out += name;
    open.push_back(depth);
  }
  for (size_t i = 1; i < open.size(); ++i) out += ')';
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const quipu::bench::Args args = quipu::bench::ParseArgs(argc, argv, 5);
  quipu::bench::GeneratedDatabase graph("quipu-join-bench", args, Generate);
  if (graph.db() == nullptr) return 1;
  // The rows of issue 18 return count(*), which tests/engine_test.cc checks
  // against a model for the same shapes ("join shapes ... agree with a model").
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
      {"triangle",
       "match (a)-[:<http://q/owns>]->(b), (b)-[:<http://q/funds>]->(c), "
       "(c)-[:<http://q/regulates>]->(a) return count(*);"},
      {"4-cycle",
       "match (a)-[:<http://q/owns>]->(b), (b)-[:<http://q/funds>]->(c), "
       "(c)-[:<http://q/met_with>]->(d), (d)-[:<http://q/regulates>]->(a) return count(*);"},
      // Four relationships and the rank of the centre: 5 patterns.
      {"5-star",
       "match (a)-[:<http://q/owns>]->(b), (a)-[:<http://q/funds>]->(c), "
       "(a)-[:<http://q/met_with>]->(d), (a)-[:<http://q/regulates>]->(e), "
       "(a)-[:<http://q/rank>]->(r) where r = 7 return count(*);"},
      // 4 hops ending at the 1% of entities of rank 7, a constant in the
      // pattern: the plan should start there, not at the first hop.
      {"chain-4",
       "match (a)-[:<http://q/owns>]->(b)-[:<http://q/funds>]->(c)-[:<http://q/met_with>]->(d)"
       "-[:<http://q/regulates>]->(e {<http://q/rank>: 7}) return count(*);"},
  };
  std::printf("%-12s %12s %12s %12s  %s\n", "query", "result", "median ms", "min ms", "plan");
  for (const auto& [name, text] : kQueries) {
    quipu::Result<quipu::QueryResult> explained =
        graph.db()->Execute(std::string("explain ") + text);
    if (!explained.ok()) {
      std::fprintf(stderr, "explain %s: %s\n", text, explained.status().message().c_str());
      return 1;
    }
    std::vector<std::string> plan;
    for (const auto& row : explained->rows) plan.push_back(row[0].ToString());
    const std::optional<quipu::bench::Timing> t =
        quipu::bench::TimeStatement(graph.db(), text, args.runs);
    if (!t) return 1;
    const auto& rows = t->result.rows;
    const std::string first = rows.empty() ? "" : rows[0].back().ToString();
    std::printf("%-12s %12s %12.1f %12.1f  %s\n", name, first.c_str(), t->median(), t->ms.front(),
                CompactPlan(plan).c_str());
    for (const std::string& line : plan) std::printf("    %s\n", line.c_str());
  }
  return 0;
}
