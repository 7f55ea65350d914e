// Instances read in any order, and the upgrades of formats 1 to 4 to format 5.
#include <rocksdb/db.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "quipu/value.h"
#include "storage/fact_list.h"
#include "storage/instance_set.h"
#include "storage/key_codec.h"
#include "storage/legacy_keys.h"
#include "storage/rocksdb_store.h"
#include "storage/stats_table.h"
#include "storage/store.h"
#include "tests/format_downgrade.h"
#include "tests/test_util.h"

namespace quipu::testing {

void EditRaw(const std::string& path,
             const std::function<void(rocksdb::DB* raw, const RawFamilies& families)>& edit) {
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) {
    descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles, &raw).ok());
  RawFamilies families;
  for (size_t i = 0; i < names.size(); ++i) families[names[i]] = handles[i];
  edit(raw, families);
  for (auto* h : handles) REQUIRE(raw->DestroyColumnFamilyHandle(h).ok());
  delete raw;
}

void DowngradeDatabase(const std::string& path, const DowngradeOptions& options) {
  using namespace quipu::storage;
  EditRaw(path, [&](rocksdb::DB* raw, const RawFamilies& families) {
    auto create = [&](const char* name) {
      rocksdb::ColumnFamilyHandle* handle = nullptr;
      REQUIRE(raw->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), name, &handle).ok());
      return std::unique_ptr<rocksdb::ColumnFamilyHandle>(handle);
    };
    auto put = [&](rocksdb::ColumnFamilyHandle* family, const std::string& key,
                   const std::string& value) {
      REQUIRE(raw->Put(rocksdb::WriteOptions(), family, key, value).ok());
    };
    // Formats 1 to 4: stats records of three counts, no squared degrees.
    {
      std::unique_ptr<rocksdb::Iterator> it(
          raw->NewIterator(rocksdb::ReadOptions(), families.at(kFamilyNames[kStats])));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        put(families.at(kFamilyNames[kStats]), it->key().ToString(),
            it->value().ToString().substr(0, kLegacyStatsValueSize));
      }
      REQUIRE(it->status().ok());
    }
    if (options.version == 4) {
      put(families.at("meta"), kFormatKey, "4");
      return;
    }
    // Format 3: a key per fact in each permutation, a key per instance.
    std::unique_ptr<rocksdb::ColumnFamilyHandle> legacy[3] = {create("spo"), create("pos"),
                                                              create("osp")};
    auto annotations = create("annotations");
    std::map<std::string, std::string> sets;  // AnnotationSetKey → value
    {
      std::unique_ptr<rocksdb::Iterator> it(
          raw->NewIterator(rocksdb::ReadOptions(), families.at(kFamilyNames[kInstances])));
      for (it->SeekToFirst(); it->Valid(); it->Next())
        sets[it->key().ToString()] = it->value().ToString();
      REQUIRE(it->status().ok());
    }
    for (Permutation perm : {Permutation::kSpo, Permutation::kPos, Permutation::kOsp}) {
      const Family family = static_cast<Family>(kSpo + static_cast<int>(perm));
      std::unique_ptr<rocksdb::Iterator> it(
          raw->NewIterator(rocksdb::ReadOptions(), families.at(kFamilyNames[family])));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        ListEntries chunk;
        REQUIRE(DecodeChunk(it->value().ToStringView(), &chunk));
        const uint64_t a = GetBigEndian64(it->key().data()),
                       b = GetBigEndian64(it->key().data() + 8);
        for (size_t i = 0; i < chunk.size(); ++i) {
          const Triple t = Unpermute(perm, a, b, chunk.ids[i]);
          put(legacy[static_cast<int>(perm)].get(), EncodeTripleKey(perm, t), "");
          if (perm != Permutation::kPos) continue;
          if (chunk.annotated[i] == 0) {
            put(annotations.get(), EncodeInstanceKey(t, 0), "");
            continue;
          }
          std::vector<FactInstance> set;
          REQUIRE(DecodeInstanceSet(sets.at(AnnotationSetKey(t)), &set));
          for (const FactInstance& in : set) {
            put(annotations.get(), EncodeInstanceKey(t, in.hash),
                EncodeLegacyAnnotations(in.annotations));
          }
        }
      }
      REQUIRE(it->status().ok());
    }
    for (Family f : {kSpo, kPos, kOsp, kInstances}) {
      REQUIRE(raw->DropColumnFamily(families.at(kFamilyNames[f])).ok());
      if (options.leftover_lists) put(create(kFamilyNames[f]).get(), "stray", "entry");
    }
    if (options.version <= 2) {
      auto instances = create("instances");
      std::unique_ptr<rocksdb::Iterator> it(
          raw->NewIterator(rocksdb::ReadOptions(), annotations.get()));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string key = it->key().ToString();
        REQUIRE(key.size() == kInstanceKeySize);
        const Triple t = DecodeTripleKey(kInstanceOrder, key.data());
        put(instances.get(), EncodeTripleKey(Permutation::kSpo, t) + key.substr(kTripleKeySize),
            it->value().ToString());
      }
      REQUIRE(it->status().ok());
      it.reset();
      REQUIRE(raw->DropColumnFamily(annotations.get()).ok());
      if (options.leftover_annotations) put(create("annotations").get(), "stray", "entry");
    }
    if (options.version == 1) {
      REQUIRE(raw->DropColumnFamily(families.at("names")).ok());
      if (options.leftover_names) put(create("names").get(), "stray", "entry");
    }
    put(families.at("meta"), kFormatKey, std::to_string(options.version));
  });
}

}  // namespace quipu::testing

namespace quipu::storage {
namespace {

using quipu::testing::DowngradeDatabase;
using quipu::testing::DowngradeOptions;
using quipu::testing::EditRaw;
using quipu::testing::TempDir;
// Every triple with its instances (hash → annotations).
using Dump = std::map<std::tuple<uint64_t, uint64_t, uint64_t>, std::map<uint64_t, Annotations>>;

std::unique_ptr<Store> OpenStore(const std::string& path, bool read_only = false) {
  StoreOptions options;
  options.read_only = read_only;
  Result<std::unique_ptr<Store>> store = OpenRocksDbStore(path, options);
  REQUIRE(store.ok());
  return std::move(*store);
}

// Facts over a few predicates, some with several instances, some bulk loaded.
Dump Populate(Store* store) {
  std::mt19937 rng(3);
  std::vector<uint64_t> entities, values;
  {
    auto txn = std::move(*store->BeginWrite());
    for (int i = 0; i < 40; ++i) {
      entities.push_back(*txn->InternTerm(Value(Entity{"e" + std::to_string(i)})));
      values.push_back(*txn->InternTerm(Value("v" + std::to_string(i))));
    }
    REQUIRE(txn->Commit().ok());
  }
  auto pick = [&](const std::vector<uint64_t>& from) { return from[rng() % from.size()]; };
  auto annotations = [&] {
    Annotations a;
    const int n = static_cast<int>(rng() % 3);
    for (int k = 0; k < n; ++k) a.emplace_back(entities[static_cast<size_t>(k)], pick(values));
    return a;
  };
  {
    auto txn = std::move(*store->BeginWrite());
    for (int i = 0; i < 300; ++i) {
      const Triple t{pick(entities), entities[rng() % 4], pick(entities)};
      REQUIRE(txn->Insert(t, annotations()).ok());
    }
    REQUIRE(txn->Commit().ok());
  }
  {
    auto load = std::move(*store->BeginBulkLoad());
    for (int i = 0; i < 300; ++i) {
      const Triple t{pick(entities), entities[4 + rng() % 3], pick(entities)};
      REQUIRE(load->Add(t, annotations()).ok());
    }
    REQUIRE(load->Commit().ok());
  }
  Dump dump;
  auto view = store->BeginRead();
  auto cursor = view->Scan(TriplePattern{});
  std::vector<Triple> triples;
  while (cursor->Next(&triples, 1000) > 0) {
  }
  REQUIRE(cursor->status().ok());
  std::vector<FactInstance> instances;
  for (const Triple& t : triples) {
    REQUIRE(view->GetInstances(t, &instances).ok());
    REQUIRE_FALSE(instances.empty());
    auto& entry = dump[{t.s, t.p, t.o}];
    for (const FactInstance& in : instances) entry[in.hash] = in.annotations;
  }
  return dump;
}

Dump Read(Store* store, const std::vector<Triple>& order) {
  Dump dump;
  auto view = store->BeginRead();
  std::vector<FactInstance> instances;
  for (const Triple& t : order) {
    REQUIRE(view->GetInstances(t, &instances).ok());
    auto& entry = dump[{t.s, t.p, t.o}];
    for (const FactInstance& in : instances) entry[in.hash] = in.annotations;
  }
  return dump;
}

bool HasFamily(const std::string& path, const std::string& name) {
  std::vector<std::string> names;
  REQUIRE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  return std::find(names.begin(), names.end(), name) != names.end();
}

void CheckClean(Store* store) {
  CheckReport report;
  REQUIRE(store->Check(&report).ok());
  CHECK(report.problems == std::vector<std::string>{});
}

TEST_CASE("instances read the same in pos order, backwards and at random", "[store][format]") {
  TempDir dir("format");
  auto store = OpenStore(dir.path());
  const Dump expected = Populate(store.get());
  std::vector<Triple> order;
  for (const auto& [t, instances] : expected) {
    order.push_back(Triple{std::get<0>(t), std::get<1>(t), std::get<2>(t)});
  }
  std::sort(order.begin(), order.end(), [](const Triple& a, const Triple& b) {
    return std::tie(a.p, a.o, a.s) < std::tie(b.p, b.o, b.s);
  });
  CHECK(Read(store.get(), order) == expected);
  // Every other fact, so the view walks forward past the skipped ones.
  std::vector<Triple> sparse;
  for (size_t i = 0; i < order.size(); i += 2) sparse.push_back(order[i]);
  Dump expected_sparse;
  for (const Triple& t : sparse) expected_sparse[{t.s, t.p, t.o}] = expected.at({t.s, t.p, t.o});
  CHECK(Read(store.get(), sparse) == expected_sparse);
  std::reverse(order.begin(), order.end());
  CHECK(Read(store.get(), order) == expected);
  std::shuffle(order.begin(), order.end(), std::mt19937(5));
  CHECK(Read(store.get(), order) == expected);
  // An absent fact between present ones has no instances.
  auto view = store->BeginRead();
  std::vector<FactInstance> instances;
  const Triple first = order.front();
  REQUIRE(view->GetInstances(first, &instances).ok());
  CHECK_FALSE(instances.empty());
  REQUIRE(view->GetInstances(Triple{first.s, first.p, first.o + 1}, &instances).ok());
  CHECK((instances.empty() || expected.count({first.s, first.p, first.o + 1}) == 1));
  CheckClean(store.get());
}

std::vector<Triple> Facts(const Dump& dump) {
  std::vector<Triple> order;
  for (const auto& [t, instances] : dump) {
    order.push_back(Triple{std::get<0>(t), std::get<1>(t), std::get<2>(t)});
  }
  return order;
}

TEST_CASE("databases of formats 1 to 3 are upgraded on their first writable open",
          "[store][format]") {
  for (const int version : {3, 2, 1}) {
    for (const bool leftover : {false, true}) {
      INFO("format " << version << (leftover ? ", after an upgrade that crashed" : ""));
      TempDir dir("format");
      Dump expected;
      {
        auto store = OpenStore(dir.path());
        expected = Populate(store.get());
      }
      DowngradeOptions downgrade;
      downgrade.version = version;
      downgrade.leftover_lists = leftover;
      downgrade.leftover_annotations = leftover && version <= 2;
      downgrade.leftover_names = leftover && version == 1;
      DowngradeDatabase(dir.path(), downgrade);
      StoreOptions read_only;
      read_only.read_only = true;
      Result<std::unique_ptr<Store>> refused = OpenRocksDbStore(dir.path(), read_only);
      REQUIRE_FALSE(refused.ok());
      CHECK(refused.status().message() ==
            "cannot open database '" + dir.path() + "': format " + std::to_string(version) +
                " is older than this build's format 5; open it once for writing to upgrade it "
                "(the shell: quipu DIR, without --read-only)");
      uint64_t reported = 0, total = 0;
      {
        StoreOptions writable;
        writable.upgrade_progress = [&](uint64_t done, uint64_t all) {
          reported = done;
          total = all;
        };
        Result<std::unique_ptr<Store>> store = OpenRocksDbStore(dir.path(), writable);
        REQUIRE(store.ok());
        CHECK(Read(store->get(), Facts(expected)) == expected);
        CheckClean(store->get());
      }
      CHECK(total == expected.size());
      CHECK(reported == total);
      for (const char* gone : {"spo", "pos", "osp", "annotations", "instances"}) {
        CHECK_FALSE(HasFamily(dir.path(), gone));
      }
      auto store = OpenStore(dir.path(), /*read_only=*/true);  // format 5 now
      CHECK(Read(store.get(), Facts(expected)) == expected);
      CheckClean(store.get());
    }
  }
}

// Format 4 differs in its stats records alone: read-only, they read with
// the squared degrees unknown (0) and the checker takes them as they are;
// the first writable open recounts every record from the lists.
TEST_CASE("a format-4 database opens read-only as it is and is upgraded to format 5",
          "[store][format][stats]") {
  TempDir dir("format4");
  Dump expected;
  std::vector<std::pair<uint64_t, PredicateStats>> exact;
  {
    auto store = OpenStore(dir.path());
    expected = Populate(store.get());
    REQUIRE(store->BeginRead()->AllStats(&exact).ok());
  }
  REQUIRE_FALSE(exact.empty());
  for (const auto& [p, st] : exact) {
    CHECK(st.degrees_known());
    CHECK(st.subject_sq >= st.facts);
  }
  DowngradeOptions downgrade;
  downgrade.version = 4;
  DowngradeDatabase(dir.path(), downgrade);
  {
    auto store = OpenStore(dir.path(), /*read_only=*/true);
    std::vector<std::pair<uint64_t, PredicateStats>> legacy;
    REQUIRE(store->BeginRead()->AllStats(&legacy).ok());
    REQUIRE(legacy.size() == exact.size());
    for (size_t i = 0; i < legacy.size(); ++i) {
      const PredicateStats& want = exact[i].second;
      CHECK(legacy[i].second == PredicateStats{want.facts, want.subjects, want.objects});
      CHECK_FALSE(legacy[i].second.degrees_known());
    }
    CHECK(Read(store.get(), Facts(expected)) == expected);
    CheckClean(store.get());
  }
  {
    auto store = OpenStore(dir.path());  // the upgrade
    std::vector<std::pair<uint64_t, PredicateStats>> upgraded;
    REQUIRE(store->BeginRead()->AllStats(&upgraded).ok());
    CHECK(upgraded == exact);
    CheckClean(store.get());
  }
  auto store = OpenStore(dir.path(), /*read_only=*/true);  // format 5 now
  std::vector<std::pair<uint64_t, PredicateStats>> reread;
  REQUIRE(store->BeginRead()->AllStats(&reread).ok());
  CHECK(reread == exact);
}

TEST_CASE("an upgrade stopped after its version leaves the old families to drop",
          "[store][format]") {
  TempDir dir("format");
  Dump expected;
  {
    auto store = OpenStore(dir.path());
    expected = Populate(store.get());
  }
  // Format 4 with the format-3 families still there, as a crash between
  // storing the version and dropping them leaves it.
  EditRaw(dir.path(), [](rocksdb::DB* raw, const quipu::testing::RawFamilies&) {
    for (const char* name : {"spo", "pos", "osp", "annotations"}) {
      rocksdb::ColumnFamilyHandle* legacy = nullptr;
      REQUIRE(raw->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), name, &legacy).ok());
      REQUIRE(raw->Put(rocksdb::WriteOptions(), legacy, "stray", "entry").ok());
      REQUIRE(raw->DestroyColumnFamilyHandle(legacy).ok());
    }
  });
  {
    auto store = OpenStore(dir.path(), /*read_only=*/true);  // reads, leaves them
    CheckClean(store.get());
  }
  CHECK(HasFamily(dir.path(), "annotations"));
  {
    auto store = OpenStore(dir.path());
    CheckClean(store.get());
  }
  for (const char* gone : {"spo", "pos", "osp", "annotations"}) {
    CHECK_FALSE(HasFamily(dir.path(), gone));
  }
  auto store = OpenStore(dir.path());
  CHECK(Read(store.get(), Facts(expected)) == expected);
}

TEST_CASE("a format-2 database without instances is refused", "[store][format]") {
  TempDir dir("format");
  { OpenStore(dir.path()); }
  EditRaw(dir.path(), [](rocksdb::DB* raw, const quipu::testing::RawFamilies& families) {
    REQUIRE(raw->Put(rocksdb::WriteOptions(), families.at("meta"), kFormatKey, "2").ok());
  });
  Result<std::unique_ptr<Store>> store = OpenRocksDbStore(dir.path(), StoreOptions());
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message() == "cannot open database '" + dir.path() +
                                        "': not a Quipu database (format 2 without column "
                                        "family 'instances')");
}

TEST_CASE("a format-3 database with instances but without annotations is refused",
          "[store][format]") {
  TempDir dir("format");
  { OpenStore(dir.path()); }
  DowngradeDatabase(dir.path(), DowngradeOptions());  // format 2: `instances`, no `annotations`
  EditRaw(dir.path(), [](rocksdb::DB* raw, const quipu::testing::RawFamilies& families) {
    REQUIRE(raw->Put(rocksdb::WriteOptions(), families.at("meta"), kFormatKey, "3").ok());
  });
  Result<std::unique_ptr<Store>> store = OpenRocksDbStore(dir.path(), StoreOptions());
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message() == "cannot open database '" + dir.path() +
                                        "': not a Quipu database (column family 'annotations' "
                                        "is missing)");
}

}  // namespace
}  // namespace quipu::storage
