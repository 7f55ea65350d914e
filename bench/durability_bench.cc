// What durable commits cost: small insert statements a second with
// Durability::kSynced (each commit syncs the write-ahead log) and with
// kRelaxed (written, not synced), from one thread and from several sharing
// the database (writes run one at a time, so threads do not share a sync).
//
//   durability_bench [statements] [threads] [dir]
//
// `dir` (default: the system's temporary folder) should be on the disk
// whose syncs are to be measured: a tmpfs makes a sync free.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "quipu/database.h"

namespace {

namespace fs = std::filesystem;

// Runs `statements` inserts of one fact each, split over `threads`, on a new
// database; returns inserts a second (0 after printing an error).
double InsertsPerSecond(const fs::path& path, quipu::Durability durability, int statements,
                        int threads) {
  fs::remove_all(path);
  quipu::DatabaseOptions options;
  options.durability = durability;
  auto db = quipu::Database::Open(path.string(), options);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.status().message().c_str());
    return 0;
  }
  std::atomic<bool> failed{false};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = t; i < statements; i += threads) {
        auto r =
            (*db)->Execute("insert (@e" + std::to_string(i) + " {n: " + std::to_string(i) + "});");
        if (!r.ok()) {
          std::fprintf(stderr, "%s\n", r.status().message().c_str());
          failed = true;
          return;
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  db->reset();
  fs::remove_all(path);
  return failed ? 0 : statements / seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const int statements = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  const fs::path dir = argc > 3 ? fs::path(argv[3]) : fs::temp_directory_path();
  if (statements < 1 || threads < 1) {
    std::fprintf(stderr, "usage: durability_bench [statements] [threads] [dir]\n");
    return 2;
  }
  const fs::path path = dir / ("durability-bench-" + std::to_string(::getpid()));
  std::printf("%d insert statements of one fact each, in %s\n", statements, dir.c_str());
  for (int t : {1, threads}) {
    const double synced = InsertsPerSecond(path, quipu::Durability::kSynced, statements, t);
    const double relaxed = InsertsPerSecond(path, quipu::Durability::kRelaxed, statements, t);
    if (synced == 0 || relaxed == 0) return 1;
    std::printf("%d thread%s: synced %.0f inserts/s, relaxed %.0f inserts/s (%.1fx)\n", t,
                t == 1 ? "" : "s", synced, relaxed, relaxed / synced);
  }
  return 0;
}
