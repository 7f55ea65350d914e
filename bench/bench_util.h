// What the generated-graph benchmarks share: their arguments, a database
// loaded from a generated N-Triples file in a temporary folder, and warm
// timings of a statement.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "quipu/database.h"

namespace quipu::bench {

inline double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// prog [facts] [runs] [seed]
struct Args {
  uint64_t facts = 1000000;
  int runs = 5;
  uint32_t seed = 42;
};

inline Args ParseArgs(int argc, char** argv, int default_runs) {
  Args args;
  args.runs = default_runs;
  if (argc > 1) args.facts = std::strtoull(argv[1], nullptr, 10);
  if (argc > 2) args.runs = std::max(1, std::atoi(argv[2]));
  if (argc > 3) args.seed = static_cast<uint32_t>(std::atoi(argv[3]));
  return args;
}

// A database in a fresh temporary folder (removed with it), loaded from
// the file generate(path, facts, seed) writes. Prints how long generating
// and loading took; db() is null when either failed (the error printed).
class GeneratedDatabase {
 public:
  template <typename Generate>
  GeneratedDatabase(const char* name, const Args& args, Generate generate)
      : dir_(std::filesystem::temp_directory_path() /
             (std::string(name) + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::filesystem::path data = dir_ / "graph.nt";
    auto start = std::chrono::steady_clock::now();
    generate(data, args.facts, args.seed);
    std::printf("generated %llu facts in %.0f ms\n", static_cast<unsigned long long>(args.facts),
                Millis(std::chrono::steady_clock::now() - start));
    auto opened = Database::Open((dir_ / "db").string());
    if (!opened.ok()) {
      std::fprintf(stderr, "%s\n", opened.status().message().c_str());
      return;
    }
    start = std::chrono::steady_clock::now();
    auto loaded = (*opened)->Execute("load '" + data.string() + "';");
    const double load_ms = Millis(std::chrono::steady_clock::now() - start);
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", FormatError(loaded.status(), "").c_str());
      return;
    }
    std::printf("loaded %llu distinct facts in %.0f ms (%.0f facts/s)\n",
                static_cast<unsigned long long>(loaded->facts_inserted), load_ms,
                static_cast<double>(loaded->facts_inserted) / (load_ms / 1000.0));
    db_ = std::move(*opened);
  }
  ~GeneratedDatabase() {
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Database* db() const { return db_.get(); }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

// A statement run once to warm the caches, then `runs` times.
struct Timing {
  QueryResult result;      // of the last run
  std::vector<double> ms;  // of the timed runs, sorted
  double median() const { return ms[ms.size() / 2]; }
};

// nullopt (the error printed) when the statement fails.
inline std::optional<Timing> TimeStatement(Database* db, const std::string& text, int runs) {
  Timing timing;
  for (int r = 0; r < runs + 1; ++r) {
    const auto start = std::chrono::steady_clock::now();
    Result<QueryResult> result = db->Execute(text);
    const double ms = Millis(std::chrono::steady_clock::now() - start);
    if (!result.ok()) {
      std::fprintf(stderr, "%s: %s\n", text.c_str(), result.status().message().c_str());
      return std::nullopt;
    }
    if (r > 0) timing.ms.push_back(ms);
    timing.result = std::move(*result);
  }
  std::sort(timing.ms.begin(), timing.ms.end());
  return timing;
}

}  // namespace quipu::bench
