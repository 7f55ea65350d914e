// load_bench: load throughput of a generated N-Triples file and a generated
// CSV edges file, next to the time serdi takes just to parse the same
// N-Triples file, with the peak memory of each load and the bytes on disk
// per fact. Prints numbers; docs/benchmarks.md has the figures.
//
//   load_bench [FACTS ...]        (default 1000000)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "quipu/database.h"

namespace fs = std::filesystem;

namespace {

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Entities with 10 facts each: 6 to other entities, 4 literals.
void WriteNTriples(const std::string& path, uint64_t facts) {
  std::ofstream out(path);
  for (uint64_t i = 0; i < facts; ++i) {
    const uint64_t s = i / 10, k = i % 10;
    out << "<http://bench.quipu/e" << s << "> <http://bench.quipu/p" << k << "> ";
    if (k < 6) {
      out << "<http://bench.quipu/e" << (s * 7919 + k * 104729) % (facts / 10 + 1) << "> .\n";
    } else if (k < 8) {
      out << '"' << (s * 31 + k) << "\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n";
    } else {
      out << "\"name " << s << " " << k << "\" .\n";
    }
  }
}

void WriteCsv(const std::string& path, uint64_t rows) {
  std::ofstream out(path);
  out << "from,to,share,since\n";
  for (uint64_t i = 0; i < rows; ++i) {
    out << "c" << i / 3 << ",c" << (i * 7919) % (rows / 3 + 1) << "," << (i % 100) / 100.0 << ",20"
        << 10 + i % 15 << "-0" << 1 + i % 9 << "-1" << i % 10 << "\n";
  }
}

uint64_t DirBytes(const std::string& dir) {
  uint64_t bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) bytes += e.file_size();
  }
  return bytes;
}

// Runs `work` in a child process; returns its peak RSS in MiB.
template <typename Work>
double InChild(Work work) {
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid == 0) {
    const int code = work();
    std::fflush(stdout);
    std::_Exit(code);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::printf("  (the child failed)\n");
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

void Load(const std::string& db, const std::string& statement, const char* what, uint64_t facts) {
  fs::remove_all(db);
  const double rss = InChild([&] {
    auto opened = quipu::Database::Open(db);
    if (!opened.ok()) return 1;
    const auto start = std::chrono::steady_clock::now();
    auto r = (*opened)->Execute(statement);
    const double s = Seconds(start);
    if (!r.ok()) {
      std::printf("  %s: %s\n", what, r.status().message().c_str());
      return 1;
    }
    std::printf("  %-9s %10llu facts in %6.2f s: %9.0f facts/s", what,
                static_cast<unsigned long long>(r->facts_inserted), s,
                static_cast<double>(r->facts_inserted) / s);
    return 0;
  });
  std::printf(", peak RSS %6.0f MiB, %5.1f bytes/fact on disk\n", rss,
              static_cast<double>(DirBytes(db)) / static_cast<double>(facts));
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path dir = fs::temp_directory_path() / ("quipu-load-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const bool have_serdi = std::system("command -v serdi >/dev/null 2>&1") == 0;
  for (int a = 1; a < argc || a == 1; ++a) {
    const uint64_t facts = argc > 1 ? std::strtoull(argv[a], nullptr, 10) : 1000000;
    const std::string nt = (dir / "bench.nt").string(), csv = (dir / "bench.csv").string();
    WriteNTriples(nt, facts);
    WriteCsv(csv, facts);
    std::printf("%llu facts (N-Triples %.0f MiB)\n", static_cast<unsigned long long>(facts),
                static_cast<double>(fs::file_size(nt)) / (1 << 20));
    if (have_serdi) {
      const auto start = std::chrono::steady_clock::now();
      const std::string cmd = "serdi -i ntriples -o ntriples '" + nt + "' > /dev/null";
      if (std::system(cmd.c_str()) == 0) {
        const double s = Seconds(start);
        std::printf("  serdi     parse only        in %6.2f s: %9.0f facts/s\n", s,
                    static_cast<double>(facts) / s);
      }
    } else {
      std::printf("  serdi not installed (bench/compare/install.sh installs it) to compare\n");
    }
    Load((dir / "db").string(), "load '" + nt + "'", "N-Triples", facts);
    Load((dir / "db").string(), "load csv '" + csv + "' as edges owns from from to to", "CSV edges",
         facts);
  }
  fs::remove_all(dir);
  return 0;
}
