// The kill test (docs/testing.md, "Crash safety"): a child process writes a
// numbered stream of statements (inserts, deletes, small loads through the
// write batch and loads of 256 KiB and more through the bulk path) and is
// killed with SIGKILL at a random moment; then the database is reopened, as
// a plain Database::Open with no repair, and must hold exactly the
// statements 1..n for an n no smaller than the last one the child saw
// succeed (and at most one more: the statement running when it died), each
// whole, with its indexes, dictionary, statistics and name index agreeing
// (Database::Check). The next child goes on from n + 1 on the same database;
// every --cycles-per-db cycles a new database starts, so creation is killed
// too and the check stays quick.
//
//   crash_test [--cycles N] [--seed S] [--max-delay-ms MS] [--cycles-per-db K]
//
// The seed (printed; random unless given) fixes the statements and the kill
// delays; where in the work a kill lands still depends on the machine's speed.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "quipu/database.h"
#include "tests/crash_workload.h"
#include "tests/test_util.h"

namespace {

namespace fs = std::filesystem;

using quipu::testing::CrashPrefix;

// The child: statements first, first + 1, … until killed; after each
// success it writes its number to `ack_fd`.
int RunChild(const std::string& db_path, const std::string& dir, uint64_t workload, uint64_t first,
             int ack_fd) {
  auto db = quipu::Database::Open(db_path);
  if (!db.ok()) {
    std::cerr << "child: " << db.status().message() << "\n";
    return 2;
  }
  if (::write(ack_fd, "open\n", 5) != 5) return 3;
  for (uint64_t k = first;; ++k) {
    const std::string statement = quipu::testing::CrashStatement(workload, k, dir);
    auto result = (*db)->Execute(statement);
    if (!result.ok()) {
      std::cerr << "child: statement " << k << " failed: " << result.status().message() << "\n  "
                << statement << "\n";
      return 2;
    }
    const std::string ack = std::to_string(k) + "\n";
    if (::write(ack_fd, ack.data(), ack.size()) != static_cast<ssize_t>(ack.size())) return 3;
  }
}

struct Args {
  int cycles = 100;
  uint64_t seed = 0;
  bool seeded = false;
  int max_delay_ms = 300;
  int cycles_per_db = 10;
};

// Starts the child on `db_path` from statement `first`; kills it `delay_ms`
// after the start, or `after_open` after it opened the database; returns
// the last statement it acknowledged (first - 1: none).
uint64_t RunCycle(const std::string& self, const std::string& db_path, const std::string& dir,
                  uint64_t workload, uint64_t first, int delay_ms, bool after_open,
                  bool* child_failed) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(fds[0]);
    const int ack = ::dup(fds[1]);  // without O_CLOEXEC, so it survives exec
    const std::string ack_fd = std::to_string(ack), workload_s = std::to_string(workload),
                      first_s = std::to_string(first);
    ::execl(self.c_str(), self.c_str(), "--child", db_path.c_str(), dir.c_str(), workload_s.c_str(),
            first_s.c_str(), ack_fd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  uint64_t acked = first - 1;
  bool opened = false;
  std::string pending;
  // Reads what the child acknowledged within `timeout_ms`; false at the end
  // of the pipe (the child is gone).
  auto drain = [&](int timeout_ms) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return true;  // nothing yet
    char buf[4096];
    const ssize_t got = ::read(fds[0], buf, sizeof buf);
    if (got <= 0) return false;
    pending.append(buf, static_cast<size_t>(got));
    size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      if (pending.compare(0, nl, "open") == 0) {
        opened = true;
      } else {
        acked = std::stoull(pending.substr(0, nl));
      }
      pending.erase(0, nl + 1);
    }
    return true;
  };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
  if (after_open) {
    // The delay counts from the moment the database is open (at most 10 s).
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool alive = true;
    while (alive && !opened && std::chrono::steady_clock::now() < give_up) alive = drain(50);
    deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay_ms);
  }
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (!drain(static_cast<int>(left.count()))) {
      // The end of the pipe before the kill: the child stopped by itself.
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      *child_failed = true;
      ::close(fds[0]);
      return acked;
    }
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  for (pollfd p{fds[0], POLLIN, 0}; ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);) {
    if (!drain(0)) break;
  }
  ::close(fds[0]);
  *child_failed = !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  return acked;
}

int RunParent(const std::string& self, const Args& args) {
  std::mt19937_64 rng(args.seed);
  quipu::testing::TempDir root("crash");
  fs::create_directories(root.path());
  const std::string dir = root.path() + "/files";
  fs::create_directories(dir);
  std::cout << "crash_test: seed " << args.seed << ", " << args.cycles << " cycles, kills within "
            << args.max_delay_ms << " ms of the open (one in five: of the start), a new database "
            << "every " << args.cycles_per_db << " cycles\n";
  const auto start = std::chrono::steady_clock::now();
  std::string db_path;
  uint64_t workload = 0, committed = 0, statements = 0, in_flight_kept = 0, empty_cycles = 0;
  int64_t total = 0;
  for (int cycle = 1; cycle <= args.cycles; ++cycle) {
    if ((cycle - 1) % args.cycles_per_db == 0) {
      db_path = root.path() + "/db" + std::to_string(cycle);
      workload = rng();
      committed = 0;
      total = 0;
    }
    // One kill in five counts from the start, so it may land in the open
    // (creation, recovery); the others from the open, among the statements.
    const int delay = std::uniform_int_distribution<int>(0, args.max_delay_ms)(rng);
    const bool after_open = std::uniform_int_distribution<int>(0, 4)(rng) != 0;
    bool child_failed = false;
    const uint64_t acked =
        RunCycle(self, db_path, dir, workload, committed + 1, delay, after_open, &child_failed);
    const std::string where = "cycle " + std::to_string(cycle) + " (seed " +
                              std::to_string(args.seed) + ", killed " + std::to_string(delay) +
                              " ms after its " + (after_open ? "open" : "start") + "): ";
    if (child_failed) {
      std::cout << where << "the child failed (see its message above)\n";
      return 1;
    }
    if (!fs::exists(db_path)) {  // killed before it created anything
      ++empty_cycles;
      continue;
    }
    auto db = quipu::Database::Open(db_path);
    if (!db.ok()) {
      std::cout << where << "the database does not open: " << db.status().message() << "\n";
      return 1;
    }
    try {
      const CrashPrefix found = quipu::testing::VerifyCrashPrefix(
          db->get(), workload, CrashPrefix{committed, total}, acked, where);
      if (found.n == acked + 1) ++in_flight_kept;
      statements += found.n - committed;
      committed = found.n;
      total = found.facts;
    } catch (const std::exception& e) {
      std::cout << where << e.what() << "\n";
      return 1;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "crash_test: " << args.cycles << " cycles green in " << seconds
            << " s: " << statements << " statements committed, " << in_flight_kept
            << " kills after a commit the child had not reported, " << empty_cycles
            << " before the database existed\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 7 && std::strcmp(argv[1], "--child") == 0) {
    return RunChild(argv[2], argv[3], std::stoull(argv[4]), std::stoull(argv[5]),
                    std::atoi(argv[6]));
  }
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--cycles") {
      args.cycles = std::atoi(argv[i + 1]);
    } else if (flag == "--seed") {
      args.seed = std::stoull(argv[i + 1]);
      args.seeded = true;
    } else if (flag == "--max-delay-ms") {
      args.max_delay_ms = std::atoi(argv[i + 1]);
    } else if (flag == "--cycles-per-db") {
      args.cycles_per_db = std::atoi(argv[i + 1]);
    } else {
      std::cerr << "usage: crash_test [--cycles N] [--seed S] [--max-delay-ms MS] "
                   "[--cycles-per-db K]\n";
      return 2;
    }
  }
  if (!args.seeded) args.seed = std::random_device{}();
  if (args.cycles < 1 || args.max_delay_ms < 0 || args.cycles_per_db < 1) {
    std::cerr << "crash_test: bad arguments\n";
    return 2;
  }
  return RunParent(fs::canonical("/proc/self/exe").string(), args);
}
