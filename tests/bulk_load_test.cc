// The bulk load path (storage/bulk_load) against the write-batch path: the
// same facts written either way must leave byte-identical databases (facts,
// instances, dictionary, id sequences, statistics), into an empty database
// and over existing data, and a bulk load that is not committed, or fails,
// must leave nothing behind.
#include <chrono>
#include <thread>

#include "import/fact_writer.h"
#include "import/rdf_reader.h"
#include "storage/compactor.h"
#include "storage/rocksdb_store.h"
#include "storage/store.h"
#include "tests/import_util.h"
#include "tests/test_util.h"

using quipu::Entity;
using quipu::Status;
using quipu::Value;
using quipu::import::FactWriter;
using quipu::import::NamedAnnotations;
using quipu::testing::LoadFixture;

namespace {

struct Fact {
  Value s, p, o;
  NamedAnnotations annotations;
};

Value E(const std::string& key) { return Value(Entity{key}); }

// Facts with repeats, several instances of one triple, shared subjects and
// objects, and every kind of term.
std::vector<Fact> Facts(int from, int to) {
  std::vector<Fact> out;
  for (int i = from; i < to; ++i) {
    const std::string n = std::to_string(i);
    out.push_back({E("c" + n), E("rdf_type"), E(i % 3 ? "Company" : "Person"), {}});
    out.push_back({E("c" + n), E("name"), Value("Company " + n), {}});
    out.push_back({E("c" + n),
                   E("owns"),
                   E("c" + std::to_string(i / 2)),
                   {{"share", Value(0.5)}, {"source", Value("s" + std::to_string(i % 4))}}});
    out.push_back({E("c" + n), E("owns"), E("c" + std::to_string(i / 2)), {}});
    out.push_back({E("c" + n), E("label"), Value(quipu::LangString{"firma " + n, "de"}), {}});
    out.push_back({E("c" + n), E("big"), Value(int64_t{1} << 62), {}});
    out.push_back({E("c" + n), E("name"), Value("Company " + n), {}});  // a repeat
    // A hub: one list of 3 × 700 branches, cut into chunks.
    for (const char* branch : {"a", "b", "c"}) {
      out.push_back({E("c" + n + branch), E("registered_in"), E("pe"), {}});
    }
  }
  return out;
}

enum class Path { kBatch, kBulk };

uint64_t Write(const std::string& db_path, Path path, const std::vector<Fact>& facts) {
  auto store = quipu::storage::OpenRocksDbStore(db_path, {});
  REQUIRE(store.ok());
  std::unique_ptr<quipu::storage::WriteTxn> txn;
  std::unique_ptr<quipu::storage::BulkLoad> bulk;
  if (path == Path::kBulk) {
    auto b = (*store)->BeginBulkLoad();
    REQUIRE(b.ok());
    bulk = std::move(*b);
  } else {
    auto t = (*store)->BeginWrite();
    REQUIRE(t.ok());
    txn = std::move(*t);
  }
  FactWriter writer = bulk ? FactWriter(bulk.get(), nullptr) : FactWriter(txn.get(), nullptr);
  for (const Fact& f : facts) REQUIRE(writer.Add(f.s, f.p, f.o, f.annotations).ok());
  REQUIRE(writer.Commit().ok());
  return writer.facts_inserted();
}

}  // namespace

TEST_CASE("bulk and batch loads leave identical databases", "[import][bulk]") {
  LoadFixture batch, bulk, mixed;
  const std::string before = batch.RawDump();
  for (LoadFixture* f : {&batch, &bulk, &mixed}) f->Ok("insert (@c1 {name: \"Company 1\"})");
  const auto first = Facts(0, 400), second = Facts(300, 700);
  std::vector<uint64_t> counts;
  for (auto [fixture, p1, p2] :
       {std::tuple{&batch, Path::kBatch, Path::kBatch}, std::tuple{&bulk, Path::kBulk, Path::kBulk},
        std::tuple{&mixed, Path::kBulk, Path::kBatch}}) {
    fixture->Close();  // the store is written directly
    const std::string dir = fixture->db_path();
    counts.push_back(Write(dir, p1, first));
    counts.push_back(Write(dir, p2, second));
  }
  CHECK(counts == std::vector<uint64_t>{3599, 2700, 3599, 2700, 3599, 2700});
  const std::string expected = batch.RawDump();
  CHECK(expected != before);
  CHECK(bulk.RawDump() == expected);
  CHECK(mixed.RawDump() == expected);
  CHECK(bulk.Count("(s)-[:owns]->(o)") == 700);
  CHECK(bulk.Count("(s)-[r:owns]->(o)") == 700 * 2);
  // The statistics, squared degrees included (the hub `pe` of 2,100
  // subjects), equal the checker's recount.
  for (LoadFixture* f : {&bulk, &mixed}) {
    quipu::Result<quipu::CheckReport> report = f->db().Check();
    REQUIRE(report.ok());
    CHECK(report->problems.empty());
  }
}

TEST_CASE("a bulk load that is not committed leaves nothing", "[import][bulk]") {
  LoadFixture f;
  f.Ok("insert (@keep {name: \"kept\"})");
  const std::string before = f.RawDump();
  {
    f.Close();
    auto store = quipu::storage::OpenRocksDbStore(f.db_path(), {});
    REQUIRE(store.ok());
    auto bulk = (*store)->BeginBulkLoad();
    REQUIRE(bulk.ok());
    FactWriter writer(bulk->get(), nullptr);
    for (const Fact& fact : Facts(0, 50)) {
      REQUIRE(writer.Add(fact.s, fact.p, fact.o, fact.annotations).ok());
    }
  }
  CHECK(f.RawDump() == before);
  for (const auto& entry : std::filesystem::directory_iterator(f.db_path())) {
    CHECK(entry.path().filename().string().rfind("bulk-load", 0) == std::string::npos);
  }
}

TEST_CASE("a large file takes the bulk path, all or nothing", "[import][bulk]") {
  LoadFixture f;
  f.Ok("insert (@keep {name: \"kept\"})");
  std::string text;
  for (int i = 0; text.size() < (300u << 10); ++i) {
    text += "<http://ex.org/s" + std::to_string(i % 997) + "> <http://ex.org/p" +
            std::to_string(i % 7) + "> \"v" + std::to_string(i) + "\" .\n";
  }
  const std::string bad = f.File("big-bad.nt", text + "<http://ex.org/x> oops .\n");
  const std::string before = f.RawDump();
  CHECK_THAT(f.Error("load '" + bad + "'"), Catch::Matches("error: .*big-bad\\.nt:\\d+:\\d+: .*"));
  CHECK(f.RawDump() == before);
  const std::string good = f.File("big.nt", text);
  const quipu::QueryResult r = f.Ok("load '" + good + "'");
  const int64_t lines = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n'));
  CHECK(static_cast<int64_t>(r.facts_inserted) == lines);
  CHECK(f.Count("(s)-[p]->(o)") == lines + 1);
  CHECK(f.Ok("load '" + good + "'").facts_inserted == 0);
  // Statistics are exact: the planner's counts match a scan.
  CHECK(f.Count("(s)-[:<http://ex.org/p3>]->(o)") == lines / 7 + (lines % 7 > 3 ? 1 : 0));
}

TEST_CASE("a load reports its phases: parse, then sort, write and ingest for a large file",
          "[import][bulk]") {
  LoadFixture f;
  std::vector<quipu::LoadPhase> phases;
  uint64_t last_facts = 0;
  f.db().SetLoadProgressHandler([&](const quipu::LoadProgress& p) {
    if (phases.empty() || phases.back() != p.phase) phases.push_back(p.phase);
    last_facts = p.facts;
  });
  std::string text;
  for (int i = 0; text.size() < (300u << 10); ++i) {
    text += "<http://ex.org/s" + std::to_string(i) + "> <http://ex.org/p> \"v\" .\n";
  }
  const int64_t lines = static_cast<int64_t>(std::count(text.begin(), text.end(), '\n'));
  f.Ok("load '" + f.File("big.nt", text) + "'");
  using quipu::LoadPhase;
  CHECK(phases == std::vector<LoadPhase>{LoadPhase::kParse, LoadPhase::kSort, LoadPhase::kWrite,
                                         LoadPhase::kIngest});
  CHECK(static_cast<int64_t>(last_facts) == lines);  // the later phases carry the full count

  // A small file: parsed into the write batch, then written.
  phases.clear();
  std::string small;
  for (int i = 0; i < 2000; ++i)
    small += "<http://ex.org/t" + std::to_string(i) + "> <http://ex.org/p> \"w\" .\n";
  f.Ok("load '" + f.File("small.nt", small) + "'");
  CHECK(phases == std::vector<LoadPhase>{LoadPhase::kParse, LoadPhase::kWrite});
  CHECK(std::string(quipu::LoadPhaseName(LoadPhase::kIngest)) == "ingest");
}

namespace {

// Bulk loads of `predicates` predicates over the same subjects, each its
// own load of `facts` facts: every load's spo file overlaps the ones before.
void StackedLoads(quipu::storage::Store* store, int predicates, int facts = 200, int first = 0) {
  for (int k = first; k < first + predicates; ++k) {
    auto bulk = store->BeginBulkLoad();
    REQUIRE(bulk.ok());
    FactWriter writer(bulk->get(), nullptr);
    for (int i = 0; i < facts; ++i) {
      REQUIRE(writer.Add(E("c" + std::to_string(i)), E("p" + std::to_string(k)), Value(int64_t{i}))
                  .ok());
    }
    REQUIRE(writer.Commit().ok());
  }
}

int SpoLevels(quipu::storage::Store* store) {
  auto* rocks = dynamic_cast<quipu::storage::RocksDbStore*>(store);
  REQUIRE(rocks != nullptr);
  return quipu::storage::Compactor::LevelsInUse(rocks->db(), rocks->family(quipu::storage::kSpo));
}

// Waits (up to a minute: the machine may be busy) for the store's
// compactor to bring spo down to at most two levels.
bool CompactedInTime(quipu::storage::Store* store) {
  for (int i = 0; i < 600; ++i) {
    if (SpoLevels(store) <= 2) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace

TEST_CASE("Compact merges the levels bulk loads stacked", "[import][bulk]") {
  quipu::testing::TempDir dir("stacked");
  quipu::storage::StoreOptions options;
  options.background_compaction = false;
  auto store = quipu::storage::OpenRocksDbStore(dir.path(), options);
  REQUIRE(store.ok());
  StackedLoads(store->get(), 5);
  CHECK(SpoLevels(store->get()) > 2);
  REQUIRE((*store)->Compact().ok());
  CHECK(SpoLevels(store->get()) <= 2);
  // Every fact is still there.
  std::unique_ptr<quipu::storage::ReadView> view = (*store)->BeginRead();
  std::unique_ptr<quipu::storage::TripleCursor> cursor = view->Scan({0, 0, 0});
  std::vector<quipu::storage::Triple> facts;
  while (cursor->Next(&facts, 4096) > 0) {
  }
  CHECK(facts.size() == 5 * 200);
}

TEST_CASE("small loads onto a large family are merged above its bottom level, not into it",
          "[import][bulk]") {
  quipu::testing::TempDir dir("tiered");
  quipu::storage::StoreOptions options;
  options.background_compaction = false;
  auto store = quipu::storage::OpenRocksDbStore(dir.path(), options);
  REQUIRE(store.ok());
  StackedLoads(store->get(), 1, 20000);  // the bottom level
  StackedLoads(store->get(), 4, 200, 1);
  REQUIRE(SpoLevels(store->get()) > 2);
  REQUIRE((*store)->Compact().ok());
  CHECK(SpoLevels(store->get()) == 2);
  std::unique_ptr<quipu::storage::ReadView> view = (*store)->BeginRead();
  std::unique_ptr<quipu::storage::TripleCursor> cursor = view->Scan({0, 0, 0});
  std::vector<quipu::storage::Triple> facts;
  while (cursor->Next(&facts, 4096) > 0) {
  }
  CHECK(facts.size() == 20000 + 4 * 200);
  quipu::CheckReport report;
  REQUIRE((*store)->Check(&report).ok());
  CHECK(report.problems.empty());
}

TEST_CASE("levels a store left stacked are merged in the background after the next open",
          "[import][bulk]") {
  quipu::testing::TempDir dir("stacked-open");
  {
    quipu::storage::StoreOptions options;
    options.background_compaction = false;  // as if closed while it compacted
    auto store = quipu::storage::OpenRocksDbStore(dir.path(), options);
    REQUIRE(store.ok());
    StackedLoads(store->get(), 5);
    REQUIRE(SpoLevels(store->get()) > 2);
  }
  auto store = quipu::storage::OpenRocksDbStore(dir.path(), {});
  REQUIRE(store.ok());
  CHECK(CompactedInTime(store->get()));
}
