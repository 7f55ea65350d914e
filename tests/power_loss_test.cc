// The power-loss test (docs/testing.md, "Power loss"): the statement stream
// of the kill test (crash_workload.h) runs in this process on a database
// whose files go through FaultFs (fault_fs.h), which knows what the disk
// has synced. At random moments (a cut: before one of the file operations,
// on any of RocksDB's threads) it copies what a power cut would leave into
// an image; each image is then opened as a plain database and must hold
// the statements 1..n, each whole, for an n no smaller than the number of
// statements that had reported success at the cut (and at most one more:
// the one running), with facts and Database::Check as in the kill test.
//
//   power_loss_test [--cuts N] [--seed S] [--relaxed]
//
// With --relaxed the database is opened with Durability::kRelaxed, whose
// commits are not synced: the test then passes only if some image lost a
// statement that had reported success, which shows the check can fail.
// The seed (printed; random unless given) fixes the statements and where
// the cuts fall among the file operations; which operation RocksDB's
// background threads make when can still differ from run to run.
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "quipu/database.h"
#include "tests/crash_workload.h"
#include "tests/fault_fs.h"
#include "tests/test_util.h"

namespace {

namespace fs = std::filesystem;

using quipu::testing::CrashPrefix;

struct Args {
  int cuts = 200;
  uint64_t seed = 0;
  bool seeded = false;
  bool relaxed = false;
};

// An image of the database after a cut, and how many statements had
// reported success then.
struct Image {
  std::string path;
  uint64_t acked = 0;
};

// Takes an image at one file operation in about `mean_gap`, at random.
class Cutter {
 public:
  Cutter(quipu::testing::FaultFs* fs, std::string db_path, std::string image_dir, uint64_t seed,
         int mean_gap)
      : fs_(fs),
        db_path_(std::move(db_path)),
        image_dir_(std::move(image_dir)),
        rng_(seed),
        gap_(1, 2 * mean_gap - 1) {
    next_ = gap_(rng_);
  }

  // The cut hook (FaultFs::SetCutHook): runs with the file system's mutex held.
  void OnOperation() {
    if (++operations_ < next_) return;
    next_ = operations_ + gap_(rng_);
    if (!fs::exists(db_path_)) return;
    Image image{image_dir_ + "/" + std::to_string(taken_++), acked_.load()};
    fs_->CopyDurable(db_path_, image.path);
    std::lock_guard<std::mutex> lock(mutex_);
    pending_.push_back(std::move(image));
  }

  void Acknowledge(uint64_t k) { acked_.store(k); }
  std::vector<Image> TakePending() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(pending_, {});
  }
  uint64_t operations() const { return operations_; }

 private:
  quipu::testing::FaultFs* fs_;
  const std::string db_path_, image_dir_;
  std::mt19937_64 rng_;  // guarded by the file system's mutex
  std::uniform_int_distribution<uint64_t> gap_;
  uint64_t operations_ = 0, next_ = 0, taken_ = 0;  // guarded by the file system's mutex
  std::atomic<uint64_t> acked_{0};
  std::mutex mutex_;
  std::vector<Image> pending_;
};

// A new database every so many statements keeps each image's check short
// (it reads every statement of its database) and cuts some creations too.
constexpr int kStatementsPerDatabase = 40;

struct Tally {
  int images = 0;
  int in_flight_kept = 0;  // images holding the statement running at the cut
  int lost = 0;            // images without a statement that had reported success
};

// Opens and checks each image, then removes it. A lost acknowledged
// statement is counted in `tally` when `relaxed`, a failure otherwise.
bool CheckImages(const std::vector<Image>& images, uint64_t workload, bool relaxed,
                 const std::string& seed_note, Tally* tally) {
  for (const Image& image : images) {
    const std::string where = "image " + image.path + " (" + seed_note + ", " +
                              std::to_string(image.acked) + " statements acknowledged): ";
    {
      auto db = quipu::Database::Open(image.path);
      if (!db.ok()) {
        std::cout << where << "the database does not open: " << db.status().message()
                  << "\nthe image holds:\n";
        for (const auto& entry : fs::recursive_directory_iterator(image.path)) {
          std::cout << "  " << entry.path().lexically_relative(image.path).string();
          if (entry.is_regular_file()) std::cout << " (" << entry.file_size() << " bytes)";
          std::cout << "\n";
        }
        return false;
      }
      try {
        const CrashPrefix found = quipu::testing::VerifyCrashPrefix(
            db->get(), workload, CrashPrefix{}, image.acked, where);
        if (found.n == image.acked + 1) ++tally->in_flight_kept;
      } catch (const std::exception& e) {
        const bool lost =
            std::string(e.what()).find("was acknowledged but is not there") != std::string::npos;
        if (!(relaxed && lost)) {
          std::cout << where << e.what() << "\n";
          return false;
        }
        ++tally->lost;
      }
    }
    ++tally->images;
    std::error_code ec;
    fs::remove_all(image.path, ec);
  }
  return true;
}

// One database: statements until `statements` ran or the cuts are
// `cuts_wanted`, each image checked as soon as the statement after it ends.
bool RunDatabase(const std::string& db_path, const std::string& files, const std::string& images,
                 uint64_t seed, const Args& args, int statements, Tally* tally,
                 uint64_t* statements_run, uint64_t* operations) {
  const std::string seed_note = "seed " + std::to_string(args.seed);
  std::mt19937_64 rng(seed);
  const uint64_t workload = rng();
  auto fault_fs = std::make_shared<quipu::testing::FaultFs>();
  std::unique_ptr<rocksdb::Env> env = quipu::testing::NewFaultEnv(fault_fs);
  // An insert makes two file operations (append, sync), a bulk load about a
  // hundred, the creation of a database about a hundred and fifty: a cut in
  // every few statements.
  Cutter cutter(fault_fs.get(), db_path, images, rng(), /*mean_gap=*/10);
  fault_fs->SetCutHook([&cutter] { cutter.OnOperation(); });
  quipu::DatabaseOptions options;
  options.durability = args.relaxed ? quipu::Durability::kRelaxed : quipu::Durability::kSynced;
  {
    auto engine = quipu::engine::Engine::Open(db_path, options, env.get());
    if (!engine.ok()) {
      std::cout << "cannot open the database: " << engine.status().message() << "\n";
      return false;
    }
    for (int k = 1; k <= statements && tally->images < args.cuts; ++k) {
      if (!CheckImages(cutter.TakePending(), workload, args.relaxed, seed_note, tally)) {
        return false;
      }
      const std::string statement = quipu::testing::CrashStatement(workload, k, files);
      auto result = (*engine)->Execute(statement, {});
      if (!result.ok()) {
        std::cout << "statement " << k << " failed (" << seed_note
                  << "): " << result.status().message() << "\n  " << statement << "\n";
        return false;
      }
      cutter.Acknowledge(k);
      ++*statements_run;
    }
    fault_fs->SetCutHook(nullptr);
  }
  *operations += cutter.operations();
  return CheckImages(cutter.TakePending(), workload, args.relaxed, seed_note, tally);
}

int Run(const Args& args) {
  quipu::testing::TempDir root("power-loss");
  const std::string files = root.path() + "/files", images = root.path() + "/images";
  fs::create_directories(files);
  fs::create_directories(images);
  const std::string seed_note = "seed " + std::to_string(args.seed);
  std::cout << "power_loss_test: " << seed_note << ", " << args.cuts << " cuts, "
            << (args.relaxed ? "relaxed" : "synced") << " commits, a new database every "
            << kStatementsPerDatabase << " statements\n";
  const auto start = std::chrono::steady_clock::now();
  std::mt19937_64 rng(args.seed);
  Tally tally;
  uint64_t statements = 0, operations = 0;
  // Enough databases for the cuts, within a bound should they be rare.
  for (int round = 0; tally.images < args.cuts && round < 100; ++round) {
    const std::string db_path = root.path() + "/db" + std::to_string(round);
    if (!RunDatabase(db_path, files, images, rng(), args, kStatementsPerDatabase, &tally,
                     &statements, &operations)) {
      return 1;
    }
    std::error_code ec;
    fs::remove_all(db_path, ec);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "power_loss_test: " << tally.images << " cuts in " << seconds << " s over "
            << statements << " statements (" << operations
            << " file operations): " << tally.in_flight_kept
            << " held the statement running at the cut, " << tally.lost
            << " lost statements that had reported success\n";
  if (tally.images < args.cuts) {
    std::cout << "too few cuts (" << seed_note << ")\n";
    return 1;
  }
  if (args.relaxed && tally.lost == 0) {
    std::cout << "relaxed commits lost nothing at any cut: the check would not see a lost "
                 "commit ("
              << seed_note << ")\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--relaxed") {
      args.relaxed = true;
    } else if (flag == "--cuts" && i + 1 < argc) {
      args.cuts = std::atoi(argv[++i]);
    } else if (flag == "--seed" && i + 1 < argc) {
      args.seed = std::stoull(argv[++i]);
      args.seeded = true;
    } else {
      std::cerr << "usage: power_loss_test [--cuts N] [--seed S] [--relaxed]\n";
      return 2;
    }
  }
  if (!args.seeded) args.seed = std::random_device{}();
  if (args.cuts < 1) {
    std::cerr << "power_loss_test: --cuts takes a number of at least 1\n";
    return 2;
  }
  return Run(args);
}
