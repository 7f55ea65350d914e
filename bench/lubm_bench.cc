// lubm_bench: loads LUBM data into a fresh database and prints, for each
// query in tests/lubm, the median wall time of repeated warm runs in the
// same process (the load is timed too).
//
//   build/bench/lubm_bench ../shared/data/lubm/lubm1.nt.gz tests/lubm [runs]
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "quipu/database.h"

namespace fs = std::filesystem;

namespace {

double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: lubm_bench DATA.nt[.gz] QUERY_DIR [RUNS]\n");
    return 2;
  }
  const std::string data = argv[1];
  const fs::path queries = argv[2];
  const int runs = argc > 3 ? std::max(1, std::atoi(argv[3])) : 20;
  const fs::path dir = fs::temp_directory_path() / ("quipu-lubm-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  auto db = quipu::Database::Open(dir.string());
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().message().c_str());
    return 1;
  }
  const auto load_start = std::chrono::steady_clock::now();
  auto loaded = (*db)->Execute("load '" + data + "';");
  const double load_ms = Millis(std::chrono::steady_clock::now() - load_start);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", quipu::FormatError(loaded.status(), "").c_str());
    return 1;
  }
  std::printf("load %s: %llu facts in %.0f ms (%.0f facts/s)\n", data.c_str(),
              static_cast<unsigned long long>(loaded->facts_inserted), load_ms,
              loaded->facts_inserted / (load_ms / 1000.0));
  std::printf("%-6s %8s %12s %12s %12s\n", "query", "rows", "median ms", "min ms", "max ms");

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(queries)) {
    if (e.path().extension() == ".qql") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    const std::string text = ReadFile(file);
    std::vector<double> times;
    size_t rows = 0;
    for (int r = 0; r < runs + 1; ++r) {  // the first run warms caches and is not counted
      rows = 0;
      const auto start = std::chrono::steady_clock::now();
      quipu::Status s = (*db)->ExecuteScript(
          text, [&](const quipu::QueryResult& result) { rows += result.rows.size(); });
      const double ms = Millis(std::chrono::steady_clock::now() - start);
      if (!s.ok()) {
        std::fprintf(stderr, "%s: %s\n", file.c_str(), quipu::FormatError(s, text).c_str());
        return 1;
      }
      if (r > 0) times.push_back(ms);
    }
    std::sort(times.begin(), times.end());
    std::printf("%-6s %8zu %12.2f %12.2f %12.2f\n", file.stem().c_str(), rows,
                times[times.size() / 2], times.front(), times.back());
  }
  db->reset();
  fs::remove_all(dir);
  return 0;
}
