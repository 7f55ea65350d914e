// A load cancelled from another thread (Database::Cancel, what the shell's
// Ctrl-C calls) in each of its phases up to the ingestion: the statement
// fails with the cancel's error, the database is exactly as it was (every
// key of every family, Check clean, no bulk-load folder left), and the same
// load run afterwards leaves the same database as one never cancelled. The
// cancel is made at a point the load reports through its progress handler,
// which holds the load there until the cancel is made: the load is known to
// be running when it comes, without sleeps.
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <thread>

#include "core/interrupt.h"
#include "import/batch_queue.h"
#include "import/file_source.h"
#include "tests/import_util.h"

using quipu::LoadPhase;
using quipu::LoadProgress;
using quipu::QueryResult;
using quipu::Result;
using quipu::Status;
using quipu::testing::LoadFixture;

namespace {

constexpr char kCancelled[] = "the statement was cancelled";

// Runs a statement on a thread of its own and cancels it from this one at
// the first progress report `when` accepts.
class CancelAt {
 public:
  explicit CancelAt(std::function<bool(const LoadProgress&)> when) : when_(std::move(when)) {}

  // The statement's result; reached() says whether the cancel was made
  // while it ran.
  Result<QueryResult> Run(quipu::Database& db, const std::string& statement) {
    db.SetLoadProgressHandler([this](const LoadProgress& p) { OnProgress(p); });
    Result<QueryResult> result = Status::Internal("not run");
    std::thread worker([&] {
      result = db.Execute(statement);
      std::lock_guard<std::mutex> lock(mu_);
      finished_ = true;
      changed_.notify_all();
    });
    {
      std::unique_lock<std::mutex> lock(mu_);
      changed_.wait(lock, [&] { return state_ == State::kReached || finished_; });
      if (state_ == State::kReached) {
        db.Cancel();
        state_ = State::kCancelled;
        changed_.notify_all();
      }
    }
    worker.join();
    db.SetLoadProgressHandler(nullptr);
    return result;
  }
  bool reached() const { return state_ != State::kWaiting; }

 private:
  enum class State { kWaiting, kReached, kCancelled };
  // On the loading thread: at the chosen report, waits for the cancel.
  void OnProgress(const LoadProgress& p) {
    std::unique_lock<std::mutex> lock(mu_);
    if (state_ != State::kWaiting || !when_(p)) return;
    state_ = State::kReached;
    changed_.notify_all();
    changed_.wait(lock, [&] { return state_ == State::kCancelled; });
  }

  const std::function<bool(const LoadProgress&)> when_;
  std::mutex mu_;
  std::condition_variable changed_;
  State state_ = State::kWaiting;
  bool finished_ = false;
};

// A file large enough for the bulk path (256 KiB and more), and the facts
// a database holds before it is loaded, some of them on the file's
// subjects and predicates so that the load merges with stored lists.
struct Case {
  std::string name;
  std::string file_name;
  std::string text;
  std::string before;  // an insert of 3 facts
  std::string load;    // the statement, with FILE for the path
};

Case NTriples(int lines) {
  Case c{"N-Triples", "big.nt", "", "", "load 'FILE'"};
  for (int i = 0; i < lines; ++i) {
    const std::string s = "<http://ex.org/s" + std::to_string(i % 5000) + ">";
    if (i % 4 == 0) {  // names: the load writes to the name index too
      c.text += s + " <http://schema.org/name> \"Company " + std::to_string(i) + "\" .\n";
    } else {
      c.text += s + " <http://ex.org/p" + std::to_string(i % 3) + "> <http://ex.org/o" +
                std::to_string(i) + "> .\n";
    }
  }
  // (s1, p1, o1) is in the file too: the load adds its bare instance to
  // the stored annotated one.
  c.before =
      "insert (<http://ex.org/s1> {name: \"kept\"})-[:<http://ex.org/p1> {source: \"a\"}]->"
      "(<http://ex.org/o1>), (<http://ex.org/s2>)-[:<http://ex.org/p1>]->(<http://ex.org/s3>)";
  return c;
}

Case CsvEdges(int rows) {
  Case c{"CSV edges", "big.csv", "src,dst,weight\n", "",
         "load csv 'FILE' as edges knows from src to dst"};
  // Each row is a distinct triple: c(i mod 7000) → c(i·7919 mod 100000)
  // repeats no pair below 700,000 rows. Every other one is annotated.
  for (int i = 0; i < rows; ++i) {
    c.text += "c" + std::to_string(i % 7000) + ",c" + std::to_string((i * 7919) % 100000) + "," +
              (i % 2 ? std::to_string(i % 120) : "") + "\n";
  }
  c.before = "insert (@c1 {name: \"kept\"})-[:knows {weight: 1999}]->(@c2), (@c3)-[:knows]->(@c4)";
  return c;
}

std::vector<Case> Cases() { return {NTriples(120000), CsvEdges(120000)}; }

// A database holding `c.before`, and the statement that loads the file.
struct Prepared {
  LoadFixture f;
  std::string statement;
  explicit Prepared(const Case& c) {
    f.Ok(c.before);
    const std::string path = f.File(c.file_name, c.text);
    REQUIRE(std::filesystem::file_size(path) >= (256u << 10));
    statement = c.load;
    statement.replace(statement.find("FILE"), 4, path);
  }
};

// An uninterrupted load of `c`: what it reports and leaves.
struct Loaded {
  uint64_t inserted = 0;
  int64_t triples = 0, instances = 0;
  std::string dump;
};

Loaded LoadUninterrupted(const Case& c) {
  Prepared p(c);
  Loaded loaded;
  loaded.inserted = p.f.Ok(p.statement).facts_inserted;
  loaded.triples = p.f.Count("(s)-[p]->(o)");
  loaded.instances = p.f.Count("(s)-[r]->(o)");
  loaded.dump = p.f.RawDump();
  CHECK(loaded.inserted > 10000);
  return loaded;
}

bool BulkFolderLeft(const std::string& db_path) {
  for (const auto& entry : std::filesystem::directory_iterator(db_path)) {
    if (entry.path().filename().string().rfind("bulk-load.tmp", 0) == 0) return true;
  }
  return false;
}

// The database holds what it held before the cancelled load, and the load
// run again leaves what an uninterrupted one does.
void CheckUnchangedThenLoad(Prepared& p, const std::string& dump_before, const Loaded& loaded) {
  CHECK_FALSE(BulkFolderLeft(p.f.db_path()));  // before RawDump, whose reopen would remove it
  CHECK(p.f.Count("(s)-[p]->(o)") == 3);
  CHECK(p.f.Count("(s)-[r]->(o)") == 3);  // one instance each
  CHECK(p.f.Rows("match (s {name: \"kept\"})-[r]->(o) return count(*)") ==
        std::vector<std::string>{"2"});
  CHECK(p.f.Rows("search \"company\"").empty());  // no name of the file's was indexed
  Result<quipu::CheckReport> report = p.f.db().Check();
  REQUIRE(report.ok());
  CHECK(report->problems.empty());
  CHECK(p.f.RawDump() == dump_before);  // statistics and id sequences included
  // The write lock was released, and the load runs as if never cancelled.
  const QueryResult again = p.f.Ok(p.statement);
  CHECK(again.facts_inserted == loaded.inserted);
  CHECK(p.f.Count("(s)-[p]->(o)") == loaded.triples);
  CHECK(p.f.Count("(s)-[r]->(o)") == loaded.instances);
  CHECK(p.f.RawDump() == loaded.dump);
}

}  // namespace

TEST_CASE("a load cancelled while it parses leaves the database as it was", "[import][cancel]") {
  for (const Case& c : Cases()) {
    INFO(c.name);
    const Loaded loaded = LoadUninterrupted(c);
    Prepared p(c);
    const std::string before = p.f.RawDump();
    CancelAt cancel([](const LoadProgress& progress) {
      return progress.phase == LoadPhase::kParse && progress.facts >= 20000;
    });
    Result<QueryResult> result = cancel.Run(p.f.db(), p.statement);
    REQUIRE(cancel.reached());  // the load was parsing when the cancel came
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message() == kCancelled);
    CheckUnchangedThenLoad(p, before, loaded);
  }
}

namespace {

// Each case loaded, cancelled as `phase` begins, checked and loaded again.
void CancelAsPhaseBegins(LoadPhase phase) {
  for (const Case& c : Cases()) {
    INFO(c.name << ", cancelled as " << quipu::LoadPhaseName(phase) << " begins");
    const Loaded loaded = LoadUninterrupted(c);
    Prepared p(c);
    const std::string before = p.f.RawDump();
    CancelAt cancel([phase](const LoadProgress& progress) { return progress.phase == phase; });
    Result<QueryResult> result = cancel.Run(p.f.db(), p.statement);
    REQUIRE(cancel.reached());
    REQUIRE_FALSE(result.ok());
    CHECK(result.status().message() == kCancelled);
    CheckUnchangedThenLoad(p, before, loaded);
  }
}

}  // namespace

// The sort phase's first check is in its first sort (the load's terms by
// key), 65,536 comparisons in: the cancel stops a sort midway.
TEST_CASE("a load cancelled while it sorts leaves the database as it was", "[import][cancel]") {
  CancelAsPhaseBegins(LoadPhase::kSort);
}

// Both writing threads check as each of their tasks starts.
TEST_CASE("a load cancelled while it writes its files leaves the database as it was",
          "[import][cancel]") {
  CancelAsPhaseBegins(LoadPhase::kWrite);
}

TEST_CASE("a cancel once the ingestion has begun comes too late: the load completes",
          "[import][cancel]") {
  // IngestExternalFiles is all or nothing, and it cannot be stopped part way.
  const Case c = NTriples(20000);
  const Loaded loaded = LoadUninterrupted(c);
  Prepared p(c);
  CancelAt cancel(
      [](const LoadProgress& progress) { return progress.phase == LoadPhase::kIngest; });
  Result<QueryResult> result = cancel.Run(p.f.db(), p.statement);
  REQUIRE(cancel.reached());
  REQUIRE(result.ok());
  CHECK(result->facts_inserted == loaded.inserted);
  CHECK(p.f.RawDump() == loaded.dump);
}

TEST_CASE("a small load cancelled before its write leaves the database as it was",
          "[import][cancel]") {
  // Under 256 KiB: one write batch, committed in one atomic write after the
  // write phase is reported.
  Case c = NTriples(3000);
  LoadFixture f;
  f.Ok(c.before);
  const std::string path = f.File("small.nt", c.text);
  REQUIRE(std::filesystem::file_size(path) < (256u << 10));
  const std::string before = f.RawDump();
  CancelAt cancel([](const LoadProgress& progress) { return progress.phase == LoadPhase::kWrite; });
  Result<QueryResult> result = cancel.Run(f.db(), "load '" + path + "'");
  REQUIRE(cancel.reached());
  REQUIRE_FALSE(result.ok());
  CHECK(result.status().message() == kCancelled);
  CHECK(f.RawDump() == before);
  CHECK(f.Ok("load '" + path + "'").facts_inserted == 3000);  // (s1, p1, o1)'s bare instance too
}

TEST_CASE("a cancelled load's file stops being read, even by a reader that hands nothing on",
          "[import][cancel]") {
  // A load whose records are all skipped, or filtered out, keeps its writing
  // thread idle: the file itself reports the cancel.
  LoadFixture f;
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + "\n";
  auto source = quipu::import::FileSource::Open(f.File("x.txt", text));
  REQUIRE(source.ok());
  std::atomic<uint64_t> generation{0};
  const quipu::Interrupt interrupt(&generation, 0);
  (*source)->set_interrupt(&interrupt);
  char buffer[4096];
  CHECK((*source)->Read(buffer, sizeof buffer) == sizeof buffer);
  ++generation;  // Database::Cancel
  CHECK((*source)->Read(buffer, sizeof buffer) == 0);
  CHECK((*source)->status().message() == kCancelled);
  CHECK((*source)->Read(buffer, sizeof buffer) == 0);
}

TEST_CASE("a pipeline's reading thread stops when the writing side fails", "[import][cancel]") {
  // The reader would push batches for ever: the consumer's error must stop
  // it (its Push returns false), not leave the load waiting.
  std::atomic<int> pushed{0};
  int consumed = 0;
  const Status status = quipu::import::RunPipeline<int>(
      [&](quipu::import::BatchQueue<int>* queue) {
        while (queue->Push(std::vector<int>{1, 2, 3})) ++pushed;
        return Status::Internal("the load stopped");
      },
      [&](const std::vector<int>&) {
        return ++consumed == 3 ? Status::InvalidArgument(kCancelled) : Status::Ok();
      });
  CHECK(status.message() == kCancelled);
  CHECK(consumed == 3);
  CHECK(pushed >= 3);
}
