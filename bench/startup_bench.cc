// startup_bench: how long the shell takes to be ready for the first
// statement on an existing database. Loads a generated graph of N facts once,
// then measures, each as the median of R runs:
//   - in process: repl::OpenDatabase and a repl::Shell, what quipu does
//     before it shows the prompt;
//   - the binary: `quipu DB` with standard input at its end (start the
//     process, open the database, find nothing to run, close, exit);
//   - the first Tab: gathering the completion words (labels, predicates,
//     entity keys), which the shell does then and not at start-up.
//
//   build/bench/startup_bench [facts=1000000] [runs=21] [quipu=build/quipu]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "quipu/database.h"
#include "repl/shell.h"

namespace fs = std::filesystem;

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// People and companies with a label, a name and links among them.
void WriteGraph(const fs::path& file, uint64_t facts) {
  std::ofstream out(file);
  const uint64_t entities = std::max<uint64_t>(1, facts / 4);
  for (uint64_t i = 0; i < entities; ++i) {
    const std::string s = "<http://startup.quipu/e" + std::to_string(i) + ">";
    out << s << " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://startup.quipu/"
        << (i % 3 == 0 ? "Company" : "Person") << "> .\n"
        << s << " <http://startup.quipu/name> \"entity " << i << "\" .\n"
        << s << " <http://startup.quipu/owns> <http://startup.quipu/e" << (i * 7919) % entities
        << "> .\n"
        << s << " <http://startup.quipu/met_with> <http://startup.quipu/e"
        << (i * 104729 + 1) % entities << "> .\n";
  }
}

// Runs `argv` with standard input and output on /dev/null; false when it
// could not start or did not exit with 0.
bool RunQuiet(const std::vector<std::string>& args) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  return rc == 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

// Median, minimum and maximum in ms of `runs` calls of `step`, which returns
// the time it measured itself (or a negative number when it failed).
bool Report(const char* name, int runs, const std::function<double()>& step) {
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    const double ms = step();
    if (ms < 0) {
      std::fprintf(stderr, "%s failed\n", name);
      return false;
    }
    times.push_back(ms);
  }
  std::sort(times.begin(), times.end());
  std::printf("%-34s %10.2f %10.2f %10.2f\n", name, times[times.size() / 2], times.front(),
              times.back());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t facts = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 21;
  const std::string quipu =
      argc > 3 ? argv[3]
               : (fs::canonical("/proc/self/exe").parent_path().parent_path() / "quipu").string();
  const fs::path dir =
      fs::temp_directory_path() / ("quipu-startup-bench-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db_path = (dir / "db").string();
  {
    WriteGraph(dir / "graph.nt", facts);
    auto db = quipu::Database::Open(db_path);
    if (!db.ok()) return 1;
    auto loaded = (*db)->Execute("load '" + (dir / "graph.nt").string() + "';");
    if (!loaded.ok()) {
      std::fprintf(stderr, "%s\n", quipu::FormatError(loaded.status(), "").c_str());
      return 1;
    }
    std::printf("database of %llu facts, %.1f MiB on disk\n",
                static_cast<unsigned long long>(loaded->facts_inserted), [&] {
                  uint64_t bytes = 0;
                  for (const auto& e : fs::recursive_directory_iterator(db_path)) {
                    if (e.is_regular_file()) bytes += e.file_size();
                  }
                  return bytes / 1048576.0;
                }());
  }
  fs::remove(dir / "graph.nt");

  std::printf("%-34s %10s %10s %10s\n", "step (ms)", "median", "min", "max");
  std::ostringstream sink;
  bool ok = Report("open + shell state (in process)", runs, [&] {
    const auto t0 = Clock::now();
    auto db =
        quipu::repl::OpenDatabase(db_path, /*read_only=*/false, quipu::Durability::kSynced, sink);
    if (!db.ok()) return -1.0;
    quipu::repl::Shell shell(db->get(), sink, sink);
    return Millis(Clock::now() - t0);
  });
  ok = ok && Report("quipu DB < /dev/null (process)", runs, [&] {
         const auto t0 = Clock::now();
         if (!RunQuiet({quipu, db_path})) return -1.0;
         return Millis(Clock::now() - t0);
       });
  size_t words = 0;
  ok = ok && Report("first Tab: completion words", runs, [&] {
         auto db = quipu::repl::OpenDatabase(db_path, /*read_only=*/false,
                                             quipu::Durability::kSynced, sink);
         if (!db.ok()) return -1.0;
         quipu::repl::Shell shell(db->get(), sink, sink);
         const auto t0 = Clock::now();
         const quipu::repl::CompletionWords all = shell.CompletionWords();
         words = all.keywords.size() + all.labels.size() + all.predicates.size() +
                 all.entities.size() + all.meta_commands.size();
         return Millis(Clock::now() - t0);
       });
  if (ok) std::printf("(%zu completion words)\n", words);
  fs::remove_all(dir);
  return ok ? 0 : 1;
}
