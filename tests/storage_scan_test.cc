// Store tests against in-memory models: scans for every bound/unbound
// combination, exact statistics, annotated instances, all-or-nothing
// transactions, durability across reopening and the open-time checks.
// Domains are small on purpose so duplicates, shared subjects/objects and
// re-inserts after deletes happen often.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include <rocksdb/db.h>

#include <catch2/catch.hpp>

#include "tests/test_util.h"

#include "core/term_id.h"
#include "quipu/value.h"
#include "storage/store.h"

namespace Catch {
template <>
struct StringMaker<quipu::storage::Triple> {
  static std::string convert(const quipu::storage::Triple& t) {
    return "(" + std::to_string(t.s) + ", " + std::to_string(t.p) + ", " + std::to_string(t.o) +
           ")";
  }
};
template <>
struct StringMaker<quipu::storage::PredicateStats> {
  static std::string convert(const quipu::storage::PredicateStats& s) {
    return "{facts " + std::to_string(s.facts) + ", subjects " + std::to_string(s.subjects) +
           ", objects " + std::to_string(s.objects) + ", subject_sq " +
           std::to_string(s.subject_sq) + ", object_sq " + std::to_string(s.object_sq) + "}";
  }
};
}  // namespace Catch

namespace quipu::storage {
namespace {

namespace fs = std::filesystem;

// Small on purpose: batches must split results at arbitrary points.
constexpr size_t kBatch = 7;

struct TripleLess {
  bool operator()(const Triple& a, const Triple& b) const {
    return std::tie(a.s, a.p, a.o) < std::tie(b.s, b.p, b.o);
  }
};
using TripleSet = std::set<Triple, TripleLess>;

using quipu::testing::TempDir;

// A store in its own temporary directory; the store closes before the
// directory goes.
class TempStore {
 public:
  explicit TempStore(const std::string& tag) : dir_(tag) { Open(StoreOptions()); }
  void Close() { store_.reset(); }
  void Reopen(const StoreOptions& options = StoreOptions()) {
    Close();
    Open(options);
  }
  Store* get() const { return store_.get(); }
  fs::path path() const { return dir_.path(); }

  std::unique_ptr<WriteTxn> Write() {
    Result<std::unique_ptr<WriteTxn>> txn = store_->BeginWrite();
    REQUIRE(txn.ok());
    return std::move(*txn);
  }

 private:
  void Open(const StoreOptions& options) {
    Result<std::unique_ptr<Store>> store = OpenRocksDbStore(dir_.path(), options);
    INFO(store.status().message());
    REQUIRE(store.ok());
    store_ = std::move(*store);
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

uint64_t Intern(WriteTxn* txn, const Value& value) {
  Result<uint64_t> id = txn->InternTerm(value);
  INFO(value.ToLiteral());
  REQUIRE(id.ok());
  return *id;
}

// The ids a test draws triples from, plus ids no triple ever uses.
struct Domain {
  std::vector<uint64_t> subjects, predicates, objects;
  std::vector<uint64_t> absent;
};

// Interns the domain in its own committed transaction. Some subjects and
// objects are inline ids whose low bytes are all 0xff, so prefix upper bounds
// have to carry into earlier bytes.
Domain MakeDomain(Store* store, int entities, int predicates, int literals) {
  Result<std::unique_ptr<WriteTxn>> txn = store->BeginWrite();
  REQUIRE(txn.ok());
  WriteTxn* w = txn->get();
  Domain d;
  for (int i = 0; i < entities; ++i) {
    d.subjects.push_back(Intern(w, Value(Entity{"e" + std::to_string(i)})));
  }
  for (int i = 0; i < predicates; ++i) {
    d.predicates.push_back(Intern(w, Value(Entity{"http://example.org/p" + std::to_string(i)})));
  }
  d.objects = d.subjects;
  const std::vector<Value> kLiterals = {
      Value(int64_t{-1}),  // payload 0x07ff...ff
      Value((int64_t{1} << 59) - 1),
      Value(int64_t{0}),
      Value(-(int64_t{1} << 59)),
      Value(int64_t{42}),
      Value("x"),
      Value(""),
      Value(LangString{"Perú", "es"}),
      Value(Date{19782}),
      Value(0.5),
      Value(true),
      Value(int64_t{1} << 62),  // big int: dictionary
  };
  for (int i = 0; i < literals && i < static_cast<int>(kLiterals.size()); ++i) {
    d.objects.push_back(Intern(w, kLiterals[i]));
  }
  if (literals > 0) {
    // Literal subjects are legal at this layer and have the 0xff tails.
    d.subjects.push_back(Intern(w, Value(int64_t{-1})));
    d.subjects.push_back(Intern(w, Value((int64_t{1} << 59) - 1)));
  }
  d.absent.push_back(Intern(w, Value(Entity{"never_used"})));
  d.absent.push_back(Intern(w, Value(int64_t{987654321})));
  d.absent.push_back(MakeId(TermType::kEntity, kPayloadMask));  // never interned
  REQUIRE((*txn)->Commit().ok());
  return d;
}

template <typename Rng>
uint64_t Pick(const std::vector<uint64_t>& ids, Rng& rng) {
  return ids[rng() % ids.size()];
}

template <typename Rng>
Triple RandomTriple(const Domain& d, Rng& rng) {
  return Triple{Pick(d.subjects, rng), Pick(d.predicates, rng), Pick(d.objects, rng)};
}

template <typename Rng>
Triple PickExisting(const TripleSet& model, Rng& rng) {
  REQUIRE_FALSE(model.empty());
  return *std::next(model.begin(), static_cast<std::ptrdiff_t>(rng() % model.size()));
}

std::vector<Triple> ScanAll(ReadView* view, const TriplePattern& pattern) {
  std::unique_ptr<TripleCursor> cursor = view->Scan(pattern);
  std::vector<Triple> out;
  for (;;) {
    const size_t before = out.size();
    const size_t n = cursor->Next(&out, kBatch);
    REQUIRE(n <= kBatch);
    REQUIRE(out.size() == before + n);
    if (n == 0) break;
  }
  INFO(cursor->status().message());
  REQUIRE(cursor->status().ok());
  REQUIRE(cursor->Next(&out, kBatch) == 0);  // an exhausted cursor stays exhausted
  return out;
}

// The index order the brief promises for each pattern shape, written out
// independently of ChooseScan.
std::array<uint64_t, 3> OrderKey(const TriplePattern& pattern, const Triple& t) {
  const bool s = pattern.s != 0, p = pattern.p != 0, o = pattern.o != 0;
  if (s && o && !p) return {t.o, t.s, t.p};     // osp
  if (s || (!p && !o)) return {t.s, t.p, t.o};  // spo
  if (p) return {t.p, t.o, t.s};                // pos
  return {t.o, t.s, t.p};                       // osp
}

bool Matches(const TriplePattern& pattern, const Triple& t) {
  return (pattern.s == 0 || pattern.s == t.s) && (pattern.p == 0 || pattern.p == t.p) &&
         (pattern.o == 0 || pattern.o == t.o);
}

void CheckScan(ReadView* view, const TripleSet& model, const TriplePattern& pattern) {
  INFO("pattern " << Catch::StringMaker<Triple>::convert(pattern));
  std::vector<Triple> expected;
  for (const Triple& t : model) {
    if (Matches(pattern, t)) expected.push_back(t);
  }
  std::vector<Triple> actual = ScanAll(view, pattern);
  for (size_t i = 1; i < actual.size(); ++i) {
    INFO("result " << i);
    // Strictly increasing: ordered, and no triple twice.
    REQUIRE(OrderKey(pattern, actual[i - 1]) < OrderKey(pattern, actual[i]));
  }
  std::sort(actual.begin(), actual.end(), TripleLess());
  REQUIRE(actual == expected);
}

// SmallestObject(s, p): the least object of the model's facts (s, p, ·),
// 0 when there are none.
void CheckSmallestObject(ReadView* view, const TripleSet& model, uint64_t s, uint64_t p) {
  INFO("subject " << s << ", predicate " << p);
  const auto it = model.lower_bound(Triple{s, p, 0});
  const uint64_t expected = it != model.end() && it->s == s && it->p == p ? it->o : 0;
  Result<uint64_t> actual = view->SmallestObject(s, p);
  INFO(actual.status().message());
  REQUIRE(actual.ok());
  CHECK(*actual == expected);
}

// Every bound/unbound combination with bindings taken from stored triples
// (so they match), from the domain (maybe) and from absent ids (never).
template <typename Rng>
void CheckAllPatterns(ReadView* view, const TripleSet& model, const Domain& d, Rng& rng) {
  for (int mask = 0; mask < 8; ++mask) {
    const bool bind_s = mask & 1, bind_p = mask & 2, bind_o = mask & 4;
    std::vector<Triple> sources;
    for (int i = 0; i < 4 && !model.empty(); ++i) sources.push_back(PickExisting(model, rng));
    for (int i = 0; i < 3; ++i) sources.push_back(RandomTriple(d, rng));
    sources.push_back(Triple{Pick(d.absent, rng), Pick(d.absent, rng), Pick(d.absent, rng)});
    if (!model.empty()) {
      // One absent position next to matching ones.
      Triple mixed = PickExisting(model, rng);
      (rng() % 2 ? mixed.s : mixed.o) = Pick(d.absent, rng);
      sources.push_back(mixed);
    }
    if (mask == 0) sources.resize(1);
    for (const Triple& source : sources) {
      const TriplePattern pattern{bind_s ? source.s : 0, bind_p ? source.p : 0,
                                  bind_o ? source.o : 0};
      CheckScan(view, model, pattern);
    }
  }
  for (int i = 0; i < 20; ++i) {
    const Triple t = i % 2 || model.empty() ? RandomTriple(d, rng) : PickExisting(model, rng);
    Result<bool> contains = view->Contains(t);
    REQUIRE(contains.ok());
    CHECK(*contains == (model.count(t) == 1));
  }
  for (int i = 0; i < 20; ++i) {
    Triple t = i % 2 || model.empty() ? RandomTriple(d, rng) : PickExisting(model, rng);
    if (i % 5 == 4) t.s = Pick(d.absent, rng);
    CheckSmallestObject(view, model, t.s, t.p);
  }
}

TEST_CASE("scans of every pattern match a brute-force filter", "[store][scan]") {
  TempStore ts("scan");
  const Domain d = MakeDomain(ts.get(), 30, 5, 12);
  std::mt19937_64 rng(42);
  TripleSet model;

  std::unique_ptr<WriteTxn> txn = ts.Write();
  for (int i = 0; i < 2000; ++i) {
    const Triple t = RandomTriple(d, rng);
    Result<bool> inserted = txn->Insert(t, {});
    REQUIRE(inserted.ok());
    CHECK(*inserted == model.insert(t).second);
  }
  REQUIRE(model.size() < 2000);  // the domain is small enough for duplicates
  {
    INFO("inside the first, uncommitted transaction");
    CheckAllPatterns(txn.get(), model, d, rng);
    // Nothing is visible to readers yet.
    CheckAllPatterns(ts.get()->BeginRead().get(), TripleSet(), d, rng);
  }
  REQUIRE(txn->Commit().ok());
  txn.reset();

  std::unique_ptr<ReadView> committed = ts.get()->BeginRead();
  {
    INFO("committed store");
    CheckAllPatterns(committed.get(), model, d, rng);
  }

  // Deletes and inserts over the committed base, read through the batch.
  const TripleSet before = model;
  txn = ts.Write();
  std::vector<Triple> deleted;
  for (int i = 0; i < 800; ++i) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 4) {
      const Triple t = PickExisting(model, rng);
      Result<size_t> n = txn->Delete(t);
      REQUIRE(n.ok());
      CHECK(*n == 1);
      model.erase(t);
      deleted.push_back(t);
    } else if (op < 5) {
      const Triple t = RandomTriple(d, rng);
      Result<size_t> n = txn->Delete(t);
      REQUIRE(n.ok());
      CHECK(*n == model.erase(t));
    } else if (op < 6 && !deleted.empty()) {
      // Re-insert something this transaction deleted.
      const Triple t = deleted[rng() % deleted.size()];
      Result<bool> inserted = txn->Insert(t, {});
      REQUIRE(inserted.ok());
      CHECK(*inserted == model.insert(t).second);
    } else {
      const Triple t = RandomTriple(d, rng);
      Result<bool> inserted = txn->Insert(t, {});
      REQUIRE(inserted.ok());
      CHECK(*inserted == model.insert(t).second);
    }
  }
  REQUIRE(model != before);
  {
    INFO("inside the second, uncommitted transaction");
    CheckAllPatterns(txn.get(), model, d, rng);
  }
  {
    INFO("reader opened before the second commit, while it is pending");
    CheckAllPatterns(committed.get(), before, d, rng);
  }
  REQUIRE(txn->Commit().ok());
  txn.reset();
  {
    INFO("reader opened before the second commit, after it");
    CheckAllPatterns(committed.get(), before, d, rng);
  }
  {
    INFO("fresh reader after the second commit");
    CheckAllPatterns(ts.get()->BeginRead().get(), model, d, rng);
  }
  committed.reset();
  // Reopening flushes the recovered log into table files, so the prefix
  // scans now also go through block-based tables and their prefix blooms.
  ts.Reopen();
  {
    INFO("reopened store");
    CheckAllPatterns(ts.get()->BeginRead().get(), model, d, rng);
  }
  txn = ts.Write();
  for (int i = 0; i < 200; ++i) {
    const Triple t = i % 2 ? PickExisting(model, rng) : RandomTriple(d, rng);
    if (i % 3 == 0) {
      Result<size_t> n = txn->Delete(t);
      REQUIRE(n.ok());
      CHECK(*n == model.erase(t));
    } else {
      Result<bool> inserted = txn->Insert(t, {});
      REQUIRE(inserted.ok());
      CHECK(*inserted == model.insert(t).second);
    }
  }
  {
    INFO("uncommitted transaction over the reopened store");
    CheckAllPatterns(txn.get(), model, d, rng);
  }
}

// A list of several chunks whose first chunk empties: the next one takes
// its key (a·b), where SmallestObject reads, inside the transaction that
// deleted it, after its commit and after a reopen.
TEST_CASE("the smallest object of a list of several chunks", "[store][scan]") {
  TempStore ts("smallest");
  const Domain d = MakeDomain(ts.get(), 2, 2, 0);
  const uint64_t s = d.subjects[0], p = d.predicates[0];
  std::vector<uint64_t> objects;
  for (int64_t i = 0; i < 3000; ++i) objects.push_back(*InlineId(Value(i)));
  std::mt19937_64 rng(7);
  std::shuffle(objects.begin(), objects.end(), rng);
  TripleSet model;
  std::unique_ptr<WriteTxn> txn = ts.Write();
  for (uint64_t o : objects) {
    REQUIRE(*txn->Insert(Triple{s, p, o}, {}));
    model.insert(Triple{s, p, o});
    if (model.size() % 500 == 0) CheckSmallestObject(txn.get(), model, s, p);
  }
  REQUIRE(txn->Commit().ok());
  txn.reset();
  std::unique_ptr<ReadView> committed = ts.get()->BeginRead();
  CheckSmallestObject(committed.get(), model, s, p);
  CheckSmallestObject(committed.get(), model, s, d.predicates[1]);  // no list

  // Deleting from the smallest up empties the first chunk (at most 1,024
  // entries) and more.
  const TripleSet before = model;
  txn = ts.Write();
  for (int i = 0; i < 1500; ++i) {
    const Triple least = *model.begin();
    REQUIRE(*txn->Delete(least) == 1);
    model.erase(least);
    CheckSmallestObject(txn.get(), model, s, p);
    if (i % 100 == 50) {
      // A smaller object added and removed again within the transaction.
      const Triple smaller{s, p, *InlineId(Value(int64_t{-5}))};
      REQUIRE(*txn->Insert(smaller, {}));
      model.insert(smaller);
      CheckSmallestObject(txn.get(), model, s, p);
      REQUIRE(*txn->Delete(smaller) == 1);
      model.erase(smaller);
      CheckSmallestObject(txn.get(), model, s, p);
    }
  }
  CheckSmallestObject(committed.get(), before, s, p);  // the snapshot before
  REQUIRE(txn->Commit().ok());
  txn.reset();
  CheckSmallestObject(committed.get(), before, s, p);
  CheckSmallestObject(ts.get()->BeginRead().get(), model, s, p);
  committed.reset();
  ts.Reopen();
  CheckSmallestObject(ts.get()->BeginRead().get(), model, s, p);

  // The whole list deleted: none.
  txn = ts.Write();
  for (const Triple& t : model) REQUIRE(*txn->Delete(t) == 1);
  CheckSmallestObject(txn.get(), TripleSet(), s, p);
  REQUIRE(txn->Commit().ok());
  txn.reset();
  CheckSmallestObject(ts.get()->BeginRead().get(), TripleSet(), s, p);
}

// Triple → hash → annotations: what the store should hold.
using InstanceModel = std::map<Triple, std::map<uint64_t, Annotations>, TripleLess>;

TripleSet Triples(const InstanceModel& model) {
  TripleSet out;
  for (const auto& [t, instances] : model) out.insert(t);
  return out;
}

std::vector<std::pair<uint64_t, PredicateStats>> Recount(const TripleSet& triples) {
  // predicate → node → degree
  std::map<uint64_t, std::map<uint64_t, uint64_t>> subjects, objects;
  std::map<uint64_t, uint64_t> facts;
  for (const Triple& t : triples) {
    ++facts[t.p];
    ++subjects[t.p][t.s];
    ++objects[t.p][t.o];
  }
  auto squares = [](const std::map<uint64_t, uint64_t>& degrees) {
    uint64_t sum = 0;
    for (const auto& [node, d] : degrees) sum += d * d;
    return sum;
  };
  std::vector<std::pair<uint64_t, PredicateStats>> out;
  for (const auto& [p, n] : facts) {
    out.emplace_back(p, PredicateStats{n, subjects[p].size(), objects[p].size(),
                                       squares(subjects[p]), squares(objects[p])});
  }
  return out;
}

std::vector<std::pair<uint64_t, PredicateStats>> Recount(const InstanceModel& model) {
  TripleSet triples;
  for (const auto& [t, instances] : model) {
    REQUIRE_FALSE(instances.empty());
    triples.insert(t);
  }
  return Recount(triples);
}

void CheckStats(ReadView* view, const InstanceModel& model, const Domain& d) {
  const std::vector<std::pair<uint64_t, PredicateStats>> expected = Recount(model);
  std::vector<std::pair<uint64_t, PredicateStats>> actual;
  REQUIRE(view->AllStats(&actual).ok());
  std::sort(actual.begin(), actual.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  REQUIRE(actual.size() == expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    INFO("predicate " << expected[i].first);
    CHECK(actual[i].first == expected[i].first);
    CHECK(actual[i].second == expected[i].second);
  }
  for (uint64_t p : d.predicates) {
    INFO("predicate " << p);
    Result<PredicateStats> stats = view->GetStats(p);
    REQUIRE(stats.ok());
    PredicateStats want;
    for (const auto& [q, s] : expected) {
      if (q == p) want = s;
    }
    CHECK(*stats == want);
  }
}

void CheckInstances(ReadView* view, const InstanceModel& model) {
  for (const auto& [t, instances] : model) {
    INFO("triple " << Catch::StringMaker<Triple>::convert(t));
    std::vector<FactInstance> actual;
    REQUIRE(view->GetInstances(t, &actual).ok());
    REQUIRE(actual.size() == instances.size());
    size_t i = 0;
    for (const auto& [hash, annotations] : instances) {  // std::map: ordered by hash
      CHECK(actual[i].hash == hash);
      CHECK(actual[i].annotations == annotations);
      ++i;
    }
  }
}

// Up to one value per key, sorted by key as the interface requires.
template <typename Rng>
Annotations RandomAnnotations(const std::vector<uint64_t>& keys,
                              const std::vector<uint64_t>& values, Rng& rng) {
  Annotations out;
  for (uint64_t key : keys) {
    if (rng() % 3 == 0) out.emplace_back(key, Pick(values, rng));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Interns annotation keys and values for the tests that use instances.
void MakeAnnotationTerms(Store* store, std::vector<uint64_t>* keys, std::vector<uint64_t>* values) {
  Result<std::unique_ptr<WriteTxn>> txn = store->BeginWrite();
  REQUIRE(txn.ok());
  for (const char* key : {"since", "until", "source"}) {
    keys->push_back(Intern(txn->get(), Value(Entity{key})));
  }
  std::sort(keys->begin(), keys->end());
  for (const Value& v : {Value(Date{0}), Value(Date{10000}), Value("wikidata"), Value("dbpedia"),
                         Value(int64_t{7})}) {
    values->push_back(Intern(txn->get(), v));
  }
  REQUIRE((*txn)->Commit().ok());
}

// Random annotated inserts and deletes; checks each call's result against
// the model.
template <typename Rng>
void RandomWrites(WriteTxn* txn, InstanceModel* model, const Domain& d,
                  const std::vector<uint64_t>& keys, const std::vector<uint64_t>& values, int ops,
                  Rng& rng) {
  for (int i = 0; i < ops; ++i) {
    if (rng() % 100 < 55) {
      const Triple t = RandomTriple(d, rng);
      const Annotations annotations = RandomAnnotations(keys, values, rng);
      Result<bool> inserted = txn->Insert(t, annotations);
      INFO(inserted.status().message());
      REQUIRE(inserted.ok());
      const bool is_new = (*model)[t].emplace(AnnotationsHash(annotations), annotations).second;
      CHECK(*inserted == is_new);
    } else {
      Triple t = RandomTriple(d, rng);
      if (rng() % 4 != 0 && !model->empty()) {
        t = std::next(model->begin(), static_cast<std::ptrdiff_t>(rng() % model->size()))->first;
      }
      Result<size_t> n = txn->Delete(t);
      REQUIRE(n.ok());
      auto it = model->find(t);
      CHECK(*n == (it == model->end() ? 0 : it->second.size()));
      if (it != model->end()) model->erase(it);
    }
  }
}

TEST_CASE("statistics equal a recount after every commit", "[store][stats]") {
  TempStore ts("stats");
  const Domain d = MakeDomain(ts.get(), 8, 4, 3);
  std::vector<uint64_t> keys, values;
  MakeAnnotationTerms(ts.get(), &keys, &values);
  std::mt19937_64 rng(2024);
  InstanceModel model;

  for (int round = 0; round < 8; ++round) {
    INFO("round " << round);
    std::unique_ptr<WriteTxn> txn = ts.Write();
    RandomWrites(txn.get(), &model, d, keys, values, 150, rng);
    if (round == 5) {
      // Empty one predicate completely: it must leave AllStats.
      const uint64_t gone = d.predicates[1];
      for (auto it = model.begin(); it != model.end();) {
        if (it->first.p != gone) {
          ++it;
          continue;
        }
        Result<size_t> n = txn->Delete(it->first);
        REQUIRE(n.ok());
        CHECK(*n == it->second.size());
        it = model.erase(it);
      }
    }
    {
      INFO("uncommitted");
      CheckStats(txn.get(), model, d);
    }
    REQUIRE(txn->Commit().ok());
    txn.reset();
    std::unique_ptr<ReadView> view = ts.get()->BeginRead();
    CheckStats(view.get(), model, d);
    CheckInstances(view.get(), model);
    if (round == 5) {
      std::vector<std::pair<uint64_t, PredicateStats>> all;
      REQUIRE(view->AllStats(&all).ok());
      for (const auto& [p, s] : all) CHECK(p != d.predicates[1]);
      Result<PredicateStats> stats = view->GetStats(d.predicates[1]);
      REQUIRE(stats.ok());
      CHECK(*stats == PredicateStats{});
    }
  }
  // Predicates that never had facts have zero statistics.
  std::unique_ptr<ReadView> view = ts.get()->BeginRead();
  Result<PredicateStats> stats = view->GetStats(d.absent[0]);
  REQUIRE(stats.ok());
  CHECK(*stats == PredicateStats{});
}

TEST_CASE("annotated instances of one triple", "[store][annotations]") {
  TempStore ts("annotations");
  std::unique_ptr<WriteTxn> txn = ts.Write();
  const uint64_t s = Intern(txn.get(), Value(Entity{"peru"}));
  const uint64_t p = Intern(txn.get(), Value(Entity{"president"}));
  const uint64_t o = Intern(txn.get(), Value(Entity{"someone"}));
  const uint64_t since = Intern(txn.get(), Value(Entity{"since"}));
  const uint64_t source = Intern(txn.get(), Value(Entity{"source"}));
  REQUIRE(since < source);  // the annotation sets below are sorted by key
  const uint64_t y2000 = Intern(txn.get(), Value(Date{10957}));
  const uint64_t y2010 = Intern(txn.get(), Value(Date{14610}));
  const uint64_t wiki = Intern(txn.get(), Value("wikipedia"));
  const Triple t{s, p, o};
  const Triple other{s, p, s};

  const std::vector<Annotations> sets = {
      {}, {{since, y2000}}, {{since, y2010}}, {{since, y2000}, {source, wiki}}, {{source, wiki}},
  };
  std::map<uint64_t, Annotations> expected;
  for (const Annotations& a : sets) {
    Result<bool> inserted = txn->Insert(t, a);
    REQUIRE(inserted.ok());
    CHECK(*inserted);
    expected.emplace(AnnotationsHash(a), a);
  }
  REQUIRE(expected.size() == sets.size());  // distinct sets, distinct hashes
  CHECK(AnnotationsHash({}) == 0);
  // Identical instances again: nothing new.
  for (const Annotations& a : sets) {
    Result<bool> inserted = txn->Insert(t, a);
    REQUIRE(inserted.ok());
    CHECK_FALSE(*inserted);
  }
  REQUIRE(*txn->Insert(other, {{since, y2010}}));

  auto check = [&](ReadView* view) {
    std::vector<FactInstance> instances;
    REQUIRE(view->GetInstances(t, &instances).ok());
    REQUIRE(instances.size() == expected.size());
    size_t i = 0;
    for (const auto& [hash, annotations] : expected) {
      CHECK(instances[i].hash == hash);
      CHECK(instances[i].annotations == annotations);
      ++i;
    }
    // One triple however many instances: scans and stats count it once.
    CHECK(ScanAll(view, Triple{s, p, 0}) == std::vector<Triple>{other, t});
    Result<PredicateStats> stats = view->GetStats(p);
    REQUIRE(stats.ok());
    CHECK(*stats == PredicateStats{2, 1, 2, 4, 2});
    REQUIRE(view->GetInstances(Triple{o, p, s}, &instances).ok());
    CHECK(instances.empty());
  };
  {
    INFO("uncommitted");
    check(txn.get());
  }
  REQUIRE(txn->Commit().ok());
  // A committed transaction takes no more writes.
  CHECK_FALSE(txn->Insert(Triple{o, p, s}, {}).ok());
  CHECK_FALSE(txn->Delete(t).ok());
  CHECK_FALSE(txn->Commit().ok());
  txn.reset();
  {
    INFO("committed");
    check(ts.get()->BeginRead().get());
  }
  ts.Reopen();
  {
    INFO("reopened");
    check(ts.get()->BeginRead().get());
  }

  txn = ts.Write();
  Result<size_t> removed = txn->Delete(t);
  REQUIRE(removed.ok());
  CHECK(*removed == sets.size());
  removed = txn->Delete(t);
  REQUIRE(removed.ok());
  CHECK(*removed == 0);
  Result<bool> contains = txn->Contains(t);
  REQUIRE(contains.ok());
  CHECK_FALSE(*contains);
  std::vector<FactInstance> instances;
  REQUIRE(txn->GetInstances(t, &instances).ok());
  CHECK(instances.empty());
  // The other triple keeps the predicate's statistics alive.
  CHECK(*txn->GetStats(p) == PredicateStats{1, 1, 1, 1, 1});
  REQUIRE(txn->Commit().ok());
  txn.reset();

  std::unique_ptr<ReadView> view = ts.get()->BeginRead();
  REQUIRE(view->GetInstances(t, &instances).ok());
  CHECK(instances.empty());
  CHECK(ScanAll(view.get(), Triple{}) == std::vector<Triple>{other});
  // Re-adding one instance brings the triple back with only that instance.
  view.reset();
  txn = ts.Write();
  REQUIRE(*txn->Insert(t, {{source, wiki}}));
  REQUIRE(txn->GetInstances(t, &instances).ok());
  REQUIRE(instances.size() == 1);
  CHECK(instances[0].annotations == Annotations{{source, wiki}});
}

// Everything a reader can observe, for before/after comparisons.
struct StoreState {
  std::vector<Triple> triples;
  std::vector<std::vector<FactInstance>> instances;  // per triple
  std::vector<std::pair<uint64_t, PredicateStats>> stats;
};

StoreState Capture(ReadView* view) {
  StoreState state;
  state.triples = ScanAll(view, Triple{});
  for (const Triple& t : state.triples) {
    state.instances.emplace_back();
    REQUIRE(view->GetInstances(t, &state.instances.back()).ok());
  }
  REQUIRE(view->AllStats(&state.stats).ok());
  return state;
}

void CheckSameState(const StoreState& want, const StoreState& got) {
  REQUIRE(got.triples == want.triples);
  REQUIRE(got.instances.size() == want.instances.size());
  for (size_t i = 0; i < want.instances.size(); ++i) {
    INFO("triple " << Catch::StringMaker<Triple>::convert(want.triples[i]));
    REQUIRE(got.instances[i].size() == want.instances[i].size());
    for (size_t j = 0; j < want.instances[i].size(); ++j) {
      CHECK(got.instances[i][j].hash == want.instances[i][j].hash);
      CHECK(got.instances[i][j].annotations == want.instances[i][j].annotations);
    }
  }
  REQUIRE(got.stats.size() == want.stats.size());
  for (size_t i = 0; i < want.stats.size(); ++i) {
    CHECK(got.stats[i].first == want.stats[i].first);
    CHECK(got.stats[i].second == want.stats[i].second);
  }
}

TEST_CASE("a transaction destroyed without commit leaves no trace", "[store][txn]") {
  TempStore ts("abort");
  const Domain d = MakeDomain(ts.get(), 20, 4, 6);
  std::vector<uint64_t> keys, values;
  MakeAnnotationTerms(ts.get(), &keys, &values);
  std::mt19937_64 rng(99);
  InstanceModel model;
  {
    std::unique_ptr<WriteTxn> txn = ts.Write();
    RandomWrites(txn.get(), &model, d, keys, values, 400, rng);
    REQUIRE(txn->Commit().ok());
  }
  std::unique_ptr<ReadView> view = ts.get()->BeginRead();
  const StoreState before = Capture(view.get());
  view.reset();
  REQUIRE(before.triples.size() == model.size());

  std::vector<Value> ghosts;
  for (int i = 0; i < 40; ++i) ghosts.push_back(Value(Entity{"ghost_" + std::to_string(i)}));
  ghosts.push_back(Value("ghost string"));
  ghosts.push_back(Value(LangString{"fantasma", "es"}));
  ghosts.push_back(Value(int64_t{-(int64_t{1} << 62)}));
  ghosts.push_back(Value(1e300));
  {
    std::unique_ptr<WriteTxn> txn = ts.Write();
    Domain wide = d;
    for (const Value& g : ghosts) {
      const uint64_t id = Intern(txn.get(), g);
      wide.subjects.push_back(id);
      wide.objects.push_back(id);
    }
    wide.predicates.push_back(Intern(txn.get(), Value(Entity{"ghost_predicate"})));
    InstanceModel scratch = model;
    RandomWrites(txn.get(), &scratch, wide, keys, values, 1500, rng);
    for (const auto& [t, instances] : model) {
      if (rng() % 3 == 0) REQUIRE(txn->Delete(t).ok());
    }
    // The transaction did change what it sees...
    const StoreState inside = Capture(txn.get());
    CHECK(inside.triples != before.triples);
    // ...and a concurrent reader does not.
    CheckSameState(before, Capture(ts.get()->BeginRead().get()));
  }  // destroyed without Commit

  view = ts.get()->BeginRead();
  CheckSameState(before, Capture(view.get()));
  for (const Value& g : ghosts) {
    INFO(g.ToLiteral());
    Result<uint64_t> found = view->FindTerm(g);
    REQUIRE(found.ok());
    CHECK(*found == 0);
  }
  Result<uint64_t> found = view->FindTerm(Value(Entity{"ghost_predicate"}));
  REQUIRE(found.ok());
  CHECK(*found == 0);
  view.reset();

  // The write lock was released and later writers work normally.
  std::unique_ptr<WriteTxn> txn = ts.Write();
  const uint64_t ghost = Intern(txn.get(), ghosts[0]);
  REQUIRE(*txn->Insert(Triple{ghost, d.predicates[0], ghost}, {}));
  REQUIRE(txn->Commit().ok());
  txn.reset();
  view = ts.get()->BeginRead();
  CHECK(*view->FindTerm(ghosts[0]) == ghost);
  CHECK(*view->DecodeTerm(ghost) == ghosts[0]);
  CHECK(Capture(view.get()).triples.size() == before.triples.size() + 1);
}

TEST_CASE("a second writer waits for the first", "[store][txn]") {
  TempStore ts("lock");
  std::unique_ptr<WriteTxn> first = ts.Write();
  std::atomic<bool> second_started{false};
  std::thread second([&] {
    Result<std::unique_ptr<WriteTxn>> txn = ts.get()->BeginWrite();
    second_started = txn.ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK_FALSE(second_started.load());
  first.reset();
  second.join();
  CHECK(second_started.load());
}

TEST_CASE("closing and reopening keeps triples, instances, stats and terms", "[store][reopen]") {
  TempStore ts("reopen");
  const Domain d = MakeDomain(ts.get(), 12, 4, 12);
  std::vector<uint64_t> keys, values;
  MakeAnnotationTerms(ts.get(), &keys, &values);
  std::mt19937_64 rng(7);
  InstanceModel model;
  for (int round = 0; round < 4; ++round) {
    std::unique_ptr<WriteTxn> txn = ts.Write();
    RandomWrites(txn.get(), &model, d, keys, values, 300, rng);
    REQUIRE(txn->Commit().ok());
  }
  std::unique_ptr<ReadView> view = ts.get()->BeginRead();
  const StoreState before = Capture(view.get());
  std::vector<std::pair<uint64_t, Value>> terms;
  const std::vector<uint64_t>* const kIdLists[] = {&d.subjects, &d.predicates, &d.objects, &keys,
                                                   &values};
  for (const std::vector<uint64_t>* ids : kIdLists) {
    for (uint64_t id : *ids) {
      Result<Value> v = view->DecodeTerm(id);
      REQUIRE(v.ok());
      terms.emplace_back(id, *v);
    }
  }
  view.reset();

  auto check = [&](Store* store) {
    std::unique_ptr<ReadView> v = store->BeginRead();
    CheckSameState(before, Capture(v.get()));
    CheckStats(v.get(), model, d);
    CheckInstances(v.get(), model);
    CHECK(Triples(model) == TripleSet(before.triples.begin(), before.triples.end()));
    for (const auto& [id, value] : terms) {
      INFO(value.ToLiteral());
      Result<uint64_t> found = v->FindTerm(value);
      REQUIRE(found.ok());
      CHECK(*found == id);
      Result<Value> decoded = v->DecodeTerm(id);
      REQUIRE(decoded.ok());
      CHECK(*decoded == value);
    }
  };

  ts.Reopen();
  {
    INFO("reopened read-write");
    check(ts.get());
  }

  StoreOptions read_only;
  read_only.read_only = true;
  ts.Reopen(read_only);
  {
    INFO("reopened read-only");
    check(ts.get());
    Result<std::unique_ptr<WriteTxn>> txn = ts.get()->BeginWrite();
    REQUIRE_FALSE(txn.ok());
    CHECK_THAT(txn.status().message(), Catch::Contains("read-only"));
  }

  // Writing continues where it left off after reopening.
  ts.Reopen();
  {
    std::unique_ptr<WriteTxn> txn = ts.Write();
    RandomWrites(txn.get(), &model, d, keys, values, 200, rng);
    const uint64_t fresh = Intern(txn.get(), Value(Entity{"after_reopen"}));
    for (const auto& [id, value] : terms) CHECK(id != fresh);
    REQUIRE(txn->Commit().ok());
  }
  ts.Reopen();
  std::unique_ptr<ReadView> after = ts.get()->BeginRead();
  CheckStats(after.get(), model, d);
  CheckInstances(after.get(), model);
  CheckScan(after.get(), Triples(model), Triple{});
}

TEST_CASE("open refuses paths that hold no Quipu database", "[store][open]") {
  TempDir dir("open");
  fs::create_directories(dir.path());

  SECTION("a regular file") {
    const fs::path file = fs::path(dir.path()) / "plain.txt";
    std::ofstream(file) << "not a database\n";
    Result<std::unique_ptr<Store>> store = OpenRocksDbStore(file.string(), StoreOptions());
    REQUIRE_FALSE(store.ok());
    CHECK_THAT(store.status().message(), Catch::Contains("is a file, not a directory"));
  }
  SECTION("a non-empty directory without a database") {
    const fs::path other = fs::path(dir.path()) / "other";
    fs::create_directories(other);
    std::ofstream(other / "notes.txt") << "hello\n";
    Result<std::unique_ptr<Store>> store = OpenRocksDbStore(other.string(), StoreOptions());
    REQUIRE_FALSE(store.ok());
    CHECK_THAT(store.status().message(), Catch::Contains("holds no Quipu database"));
    CHECK(fs::exists(other / "notes.txt"));  // left untouched
  }
  SECTION("a missing path opened read-only or without create_if_missing") {
    const fs::path missing = fs::path(dir.path()) / "missing";
    StoreOptions read_only;
    read_only.read_only = true;
    Result<std::unique_ptr<Store>> store = OpenRocksDbStore(missing.string(), read_only);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Status::Code::kNotFound);
    StoreOptions no_create;
    no_create.create_if_missing = false;
    store = OpenRocksDbStore(missing.string(), no_create);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == Status::Code::kNotFound);
    CHECK_FALSE(fs::exists(missing));  // nothing created
  }
  SECTION("an empty directory becomes a new database") {
    const fs::path empty = fs::path(dir.path()) / "empty";
    fs::create_directories(empty);
    Result<std::unique_ptr<Store>> store = OpenRocksDbStore(empty.string(), StoreOptions());
    REQUIRE(store.ok());
    std::vector<std::pair<uint64_t, PredicateStats>> stats;
    REQUIRE((*store)->BeginRead()->AllStats(&stats).ok());
    CHECK(stats.empty());
  }
  SECTION("a creation killed part way is finished by the next writable open") {
    // What a kill leaves (tests/crash_test.cc found both): RocksDB's first
    // files without CURRENT, or CURRENT with only some of the families.
    const fs::path early = fs::path(dir.path()) / "early";
    fs::create_directories(early);
    std::ofstream(early / "QUIPU-CREATING").flush();
    std::ofstream(early / "LOCK").flush();
    std::ofstream(early / "MANIFEST-000001") << "partial";
    const fs::path late = fs::path(dir.path()) / "late";
    fs::create_directories(late);
    std::ofstream(late / "QUIPU-CREATING").flush();
    rocksdb::Options options;
    options.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(options, late.string(), &raw).ok());
    delete raw;
    for (const fs::path& path : {early, late}) {
      Result<std::unique_ptr<Store>> store = OpenRocksDbStore(path.string(), StoreOptions());
      REQUIRE(store.ok());
      CHECK_FALSE(fs::exists(path / "QUIPU-CREATING"));
      CheckReport report;
      REQUIRE((*store)->Check(&report).ok());
      CHECK(report.ok());
    }
    // Without the marker the same database is someone else's.
    const fs::path foreign = fs::path(dir.path()) / "foreign";
    REQUIRE(rocksdb::DB::Open(options, foreign.string(), &raw).ok());
    delete raw;
    Result<std::unique_ptr<Store>> store = OpenRocksDbStore(foreign.string(), StoreOptions());
    REQUIRE_FALSE(store.ok());
    CHECK_THAT(store.status().message(), Catch::Contains("column family 'spo_lists' is missing"));
  }
  SECTION("a directory the process cannot write in") {
    const fs::path locked = fs::path(dir.path()) / "locked";
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    Result<std::unique_ptr<Store>> store = OpenRocksDbStore(locked.string(), StoreOptions());
    if (::geteuid() == 0) {
      WARN("SKIPPED the unwritable-directory check: root writes anywhere");
    } else {
      REQUIRE_FALSE(store.ok());
      CHECK(store.status().message() == "cannot create database directory '" + locked.string() +
                                            "': cannot write in it: Permission denied");
    }
    fs::permissions(locked, fs::perms::owner_all);
  }
  SECTION("a database open in the same process") {
    const fs::path db = fs::path(dir.path()) / "db";
    Result<std::unique_ptr<Store>> first = OpenRocksDbStore(db.string(), StoreOptions());
    REQUIRE(first.ok());
    Result<std::unique_ptr<Store>> second = OpenRocksDbStore(db.string(), StoreOptions());
    REQUIRE_FALSE(second.ok());
    CHECK_THAT(second.status().message(), Catch::Contains("in use"));
  }
}

// Hubs whose lists run to several chunks on both sides (one subject with
// 3,000 objects, one object with 2,500 subjects): every insert and delete
// needs the node's degree, read from the chunks' headers when the list has
// more than one; the sums must stay exact inside the statement, after its
// commit, after a reopen, and the checker must agree.
TEST_CASE("squared degrees stay exact on lists of several chunks", "[store][stats]") {
  TempStore ts("degrees");
  const Domain d = MakeDomain(ts.get(), 4, 2, 0);
  const uint64_t hub = d.subjects[0], p = d.predicates[0], q = d.predicates[1];
  std::vector<Triple> facts;
  for (int64_t i = 0; i < 3000; ++i) facts.push_back(Triple{hub, p, *InlineId(Value(i))});
  for (int64_t i = 0; i < 2500; ++i) facts.push_back(Triple{*InlineId(Value(i)), q, hub});
  for (uint64_t s : d.subjects) facts.push_back(Triple{s, q, d.subjects[1]});
  std::mt19937_64 rng(11);
  std::shuffle(facts.begin(), facts.end(), rng);
  TripleSet model;
  auto check = [&](ReadView* view) {
    const auto expected = Recount(model);
    std::vector<std::pair<uint64_t, PredicateStats>> actual;
    REQUIRE(view->AllStats(&actual).ok());
    CHECK(actual == expected);
  };
  for (size_t half = 0; half < 2; ++half) {
    std::unique_ptr<WriteTxn> txn = ts.Write();
    for (size_t i = half * facts.size() / 2; i < (half + 1) * facts.size() / 2; ++i) {
      REQUIRE(*txn->Insert(facts[i], {}));
      model.insert(facts[i]);
      if (model.size() % 700 == 0) check(txn.get());
    }
    check(txn.get());
    REQUIRE(txn->Commit().ok());
  }
  check(ts.get()->BeginRead().get());
  // Delete a third, at random: from the first chunks, the middle and the last.
  std::shuffle(facts.begin(), facts.end(), rng);
  {
    std::unique_ptr<WriteTxn> txn = ts.Write();
    for (size_t i = 0; i < facts.size() / 3; ++i) {
      REQUIRE(*txn->Delete(facts[i]) == 1);
      model.erase(facts[i]);
      if (i % 500 == 0) check(txn.get());
    }
    check(txn.get());
    REQUIRE(txn->Commit().ok());
  }
  ts.Reopen();
  check(ts.get()->BeginRead().get());
  CheckReport report;
  REQUIRE(ts.get()->Check(&report).ok());
  CHECK(report.problems.empty());
  CHECK(report.problem_count == 0);
}

}  // namespace
}  // namespace quipu::storage
