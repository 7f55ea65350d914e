// ownership_bench: loads the KEK media-ownership registry into a fresh
// database (shares in percent) and prints, in one process, the time of the
// first run (which reads the holdings from the store) and the median and
// minimum of repeated warm runs (the database keeps the holdings it has
// read until a write) of:
//
//   controllers   `call controllers(<x>, threshold: 0.5)` for each of the
//                 five companies with the most direct holders;
//   kek-wide      the same statement for every company that has a holder
//                 with a share (1,372 statements): every entity's
//                 integrated ownership of every company it reaches, with
//                 the controllers of each;
//   direct pairs  `ownership(a, b)` of every holding with a share, in one
//                 statement (2,857 pairs);
//   solver only   the kek-wide computation without the language or the
//                 store: HoldersOf for every held company over the holdings
//                 in memory.
//
//   build/bench/ownership_bench ../shared/data/kek [runs=10]
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "query/ownership.h"
#include "quipu/database.h"

namespace fs = std::filesystem;

namespace {

double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

quipu::QueryResult Run(quipu::Database* db, const std::string& statement) {
  auto result = db->Execute(statement);
  if (!result.ok()) {
    std::fprintf(stderr, "%s\n", quipu::FormatError(result.status(), statement).c_str());
    std::exit(1);
  }
  return *result;
}

// Runs `work` runs + 1 times and prints the time of the first run (which
// reads the holdings from the store) and the median and minimum of the
// rest (warm: the database keeps the holdings it read until a write).
void Time(const char* name, const std::string& what, int runs, const std::function<void()>& work) {
  std::vector<double> times;
  double first = 0;
  for (int r = 0; r <= runs; ++r) {
    const auto start = std::chrono::steady_clock::now();
    work();
    const double ms = Millis(std::chrono::steady_clock::now() - start);
    if (r == 0) first = ms;
    if (r > 0) times.push_back(ms);
  }
  std::sort(times.begin(), times.end());
  std::printf("%-14s %-28s %10.2f %10.2f %10.2f\n", name, what.c_str(), first,
              times[times.size() / 2], times.front());
}

// Makes the next statement read the holdings from the store again: any
// write drops what the database keeps.
void DropKeptHoldings(quipu::Database* db) {
  Run(db, "insert (@bench_marker)-[:marks]->(@bench_marker)");
  Run(db, "delete (@bench_marker)-[:marks]->(@bench_marker)");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ownership_bench KEK_DIR [RUNS]\n");
    return 2;
  }
  const std::string kek = argv[1];
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 10;
  const fs::path dir =
      fs::temp_directory_path() / ("quipu-ownership-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto opened = quipu::Database::Open(dir.string());
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().message().c_str());
    return 1;
  }
  quipu::Database* db = opened->get();
  const auto start = std::chrono::steady_clock::now();
  const quipu::QueryResult loaded = Run(db, "load csv '" + kek +
                                                "/kek_shares.csv' as edges owns from "
                                                "shareholder to owns share in percent");
  std::printf("load kek_shares.csv: %llu facts in %.0f ms\n",
              static_cast<unsigned long long>(loaded.facts_inserted),
              Millis(std::chrono::steady_clock::now() - start));

  // The holdings with a share, as the database holds them.
  const quipu::QueryResult holdings =
      Run(db, "match (a)-[o:owns]->(b) where o.share is not null return a, b, o.share");
  std::map<std::string, uint32_t> node_of;
  auto node = [&](const quipu::Value& v) {
    return node_of.emplace(v.ToString(), static_cast<uint32_t>(node_of.size())).first->second;
  };
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  std::map<uint32_t, std::pair<int, std::string>> held;  // node → (holders, entity)
  for (const auto& row : holdings.rows) {
    pairs.emplace_back(node(row[0]), node(row[1]));
    auto& [count, text] = held[pairs.back().second];
    ++count;
    text = row[1].ToString();
  }
  quipu::query::HoldingList list(static_cast<uint32_t>(node_of.size()));
  for (size_t i = 0; i < pairs.size(); ++i) {
    list.Add(pairs[i].first, pairs[i].second, holdings.rows[i][2].as_number());
  }
  std::vector<std::pair<int, std::string>> most(held.size());
  std::transform(held.begin(), held.end(), most.begin(), [](const auto& h) { return h.second; });
  std::sort(most.begin(), most.end(), std::greater<>());
  std::printf("%zu holdings with a share, %zu held companies, %zu entities\n\n", pairs.size(),
              held.size(), node_of.size());

  std::printf("%-14s %-28s %10s %10s %10s\n", "benchmark", "what", "first ms", "median ms",
              "min ms");
  for (size_t i = 0; i < 5 && i < most.size(); ++i) {
    DropKeptHoldings(db);
    const std::string statement = "call controllers(" + most[i].second + ", threshold: 0.5)";
    size_t rows = 0;
    Time("controllers", most[i].second + " (" + std::to_string(most[i].first) + " holders)", runs,
         [&] { rows = Run(db, statement).rows.size(); });
  }
  size_t controllers = 0;
  DropKeptHoldings(db);
  Time("kek-wide", std::to_string(held.size()) + " statements", runs, [&] {
    controllers = 0;
    for (const auto& [count, entity] : most) {
      controllers += Run(db, "call controllers(" + entity + ", threshold: 0.5)").rows.size();
    }
  });
  DropKeptHoldings(db);
  Time("direct pairs", std::to_string(pairs.size()) + " ownership() calls", runs, [&] {
    Run(db, "match (a)-[o:owns]->(b) where o.share is not null return sum(ownership(a, b))");
  });
  size_t entries = 0;
  Time("solver only", std::to_string(held.size()) + " HoldersOf", runs, [&] {
    quipu::query::OwnershipSolver solver(&list);
    std::vector<quipu::query::Holding> holders;
    entries = 0;
    for (const auto& [company, info] : held) {
      if (!solver.HoldersOf(company, 0, &holders)) std::exit(1);
      entries += holders.size();
    }
  });
  std::printf("\n%zu controllers at 0.5 over all companies; %zu nonzero integrated shares\n",
              controllers, entries);
  opened->reset();
  fs::remove_all(dir);
  return 0;
}
