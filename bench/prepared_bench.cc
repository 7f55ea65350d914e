// prepared_bench: what one small statement costs, run again and again. Loads
// a generated graph of N facts (people and companies, each with a name, an
// owner and a meeting), then times each statement below K times in a row,
// through Database::Execute (the same text each time) and through one
// PreparedStatement, and prints the microseconds per statement: the median
// of R such batches, with the fastest and slowest.
//
//   build/bench/prepared_bench [facts=1000000] [batches=7] [repeat=10000] [only]
//
// `only`, a word of a statement's name ("@key", "$k", "hops"), runs that
// one alone (for a profiler).
// The statements: a point lookup by @key, the same lookup with the key a
// $parameter, and two hops from a $parameter. The parameterised ones take a
// different key each time, so nothing but the plan can be reused.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "bench_util.h"
#include "quipu/database.h"

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

constexpr char kBase[] = "http://prepared.quipu/";

// N/4 entities, each a Person or a Company with a name, one owns and one
// met_with fact.
void WriteGraph(const fs::path& file, uint64_t facts, uint32_t /*seed*/) {
  std::ofstream out(file);
  const uint64_t entities = std::max<uint64_t>(1, facts / 4);
  for (uint64_t i = 0; i < entities; ++i) {
    const std::string s = "<" + std::string(kBase) + "e" + std::to_string(i) + ">";
    out << s << " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <" << kBase
        << (i % 3 == 0 ? "Company" : "Person") << "> .\n"
        << s << " <" << kBase << "name> \"entity " << i << "\" .\n"
        << s << " <" << kBase << "owns> <" << kBase << "e" << (i * 7919) % entities << "> .\n"
        << s << " <" << kBase << "met_with> <" << kBase << "e" << (i * 104729 + 1) % entities
        << "> .\n";
  }
}

struct Case {
  const char* name;
  std::string text;
  bool keyed;  // takes $k, a different entity key each run
};

// Microseconds per statement of `repeat` runs of `run(i)`; negative on failure.
double Batch(int repeat, const std::function<bool(int)>& run) {
  const auto start = Clock::now();
  for (int i = 0; i < repeat; ++i) {
    if (!run(i)) return -1;
  }
  return quipu::bench::Millis(Clock::now() - start) * 1000.0 / repeat;
}

bool Report(const std::string& name, int batches, int repeat, const std::function<bool(int)>& run) {
  std::vector<double> us;
  if (Batch(std::min(repeat, 100), run) < 0) return false;  // warm up
  for (int b = 0; b < batches; ++b) {
    const double each = Batch(repeat, run);
    if (each < 0) return false;
    us.push_back(each);
  }
  std::sort(us.begin(), us.end());
  std::printf("%-38s %9.1f %9.1f %9.1f\n", name.c_str(), us[us.size() / 2], us.front(), us.back());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  quipu::bench::Args args = quipu::bench::ParseArgs(argc, argv, 7);
  const int repeat = argc > 3 ? std::max(1, std::atoi(argv[3])) : 10000;
  args.seed = 0;
  quipu::bench::GeneratedDatabase generated("quipu-prepared-bench", args, WriteGraph);
  quipu::Database* db = generated.db();
  if (db == nullptr) return 1;
  const uint64_t entities = std::max<uint64_t>(1, args.facts / 4);
  const std::string name = std::string("<") + kBase + "name>";
  const std::string owns = std::string("<") + kBase + "owns>";
  const std::vector<Case> cases = {
      {"point lookup by @key",
       "match (<" + std::string(kBase) + "e" + std::to_string(entities / 2) + ">)-[:" + name +
           "]->(n) return n;",
       false},
      {"point lookup by $k", "match (@($k))-[:" + name + "]->(n) return n;", true},
      {"two hops from $k", "match (@($k))-[:" + owns + "]->(c)-[:" + owns + "]->(d) return d;",
       true},
  };
  auto params_of = [&](int i) {
    const uint64_t e = (static_cast<uint64_t>(i) * 2654435761u) % entities;
    return quipu::Params{{"k", quipu::Value(std::string(kBase) + "e" + std::to_string(e))}};
  };
  std::printf("%d batches of %d runs each\n", args.runs, repeat);
  std::printf("%-38s %9s %9s %9s\n", "statement (us per run)", "median", "min", "max");
  const std::string only = argc > 4 ? argv[4] : "";
  for (const Case& c : cases) {
    if (std::string(c.name).find(only) == std::string::npos) continue;
    auto check = [&](quipu::Result<quipu::QueryResult> r) {
      if (r.ok() && r->rows.size() == 1) return true;
      std::fprintf(stderr, "%s: %s\n", c.text.c_str(),
                   r.ok() ? "expected one row" : r.status().message().c_str());
      return false;
    };
    const quipu::Params fixed;
    bool ok = Report(std::string(c.name) + ", Execute", args.runs, repeat, [&](int i) {
      return check(db->Execute(c.text, c.keyed ? params_of(i) : fixed));
    });
    auto prepared = db->Prepare(c.text);
    if (!prepared.ok()) {
      std::fprintf(stderr, "%s\n", prepared.status().message().c_str());
      return 1;
    }
    ok = ok && Report(std::string(c.name) + ", prepared", args.runs, repeat, [&](int i) {
           return check((*prepared)->Execute(c.keyed ? params_of(i) : fixed));
         });
    if (!ok) return 1;
  }
  return 0;
}
