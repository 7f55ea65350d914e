// The format-3 instance order (pos) and the upgrade of format-2 databases.
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
#include "storage/key_codec.h"
#include "storage/rocksdb_store.h"
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
    auto legacy = create(kLegacyInstancesFamily);
    rocksdb::ColumnFamilyHandle* annotations = families.at(kFamilyNames[kInstances]);
    std::unique_ptr<rocksdb::Iterator> it(raw->NewIterator(rocksdb::ReadOptions(), annotations));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key = it->key().ToString();
      REQUIRE(key.size() == kInstanceKeySize);
      const Triple t = DecodeTripleKey(kInstanceOrder, key.data());
      const std::string spo_key =
          EncodeTripleKey(Permutation::kSpo, t) + key.substr(kTripleKeySize);
      REQUIRE(raw->Put(rocksdb::WriteOptions(), legacy.get(), spo_key, it->value()).ok());
    }
    REQUIRE(it->status().ok());
    it.reset();
    REQUIRE(raw->DropColumnFamily(annotations).ok());
    if (options.leftover_annotations) {
      REQUIRE(raw->Put(rocksdb::WriteOptions(), create(kFamilyNames[kInstances]).get(), "stray",
                       "entry")
                  .ok());
    }
    if (options.version == 1) {
      REQUIRE(raw->DropColumnFamily(families.at("names")).ok());
      if (options.leftover_names) {
        REQUIRE(raw->Put(rocksdb::WriteOptions(), create("names").get(), "stray", "entry").ok());
      }
    }
    REQUIRE(raw->Put(rocksdb::WriteOptions(), families.at("meta"), kFormatKey,
                     std::to_string(options.version))
                .ok());
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

TEST_CASE("a format-2 database is re-keyed on its first writable open", "[store][format]") {
  for (const bool leftover : {false, true}) {
    TempDir dir("format");
    Dump expected;
    {
      auto store = OpenStore(dir.path());
      expected = Populate(store.get());
    }
    DowngradeOptions downgrade;
    downgrade.leftover_annotations = leftover;
    DowngradeDatabase(dir.path(), downgrade);
    StoreOptions read_only;
    read_only.read_only = true;
    Result<std::unique_ptr<Store>> refused = OpenRocksDbStore(dir.path(), read_only);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message() ==
          "cannot open database '" + dir.path() +
              "': format 2 is older than this build's format 3; open it once for writing (not "
              "read-only) to upgrade it");
    {
      auto store = OpenStore(dir.path());
      std::vector<Triple> order;
      for (const auto& [t, instances] : expected) {
        order.push_back(Triple{std::get<0>(t), std::get<1>(t), std::get<2>(t)});
      }
      CHECK(Read(store.get(), order) == expected);
      CheckClean(store.get());
    }
    CHECK_FALSE(HasFamily(dir.path(), "instances"));
    auto store = OpenStore(dir.path(), /*read_only=*/true);  // format 3 now
    CheckClean(store.get());
  }
}

TEST_CASE("an upgrade stopped after its version leaves instances to drop", "[store][format]") {
  TempDir dir("format");
  Dump expected;
  {
    auto store = OpenStore(dir.path());
    expected = Populate(store.get());
  }
  {
    // Format 3 with the annotations in place and a leftover `instances`.
    EditRaw(dir.path(), [](rocksdb::DB* raw, const quipu::testing::RawFamilies&) {
      rocksdb::ColumnFamilyHandle* legacy = nullptr;
      REQUIRE(
          raw->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), kLegacyInstancesFamily, &legacy)
              .ok());
      REQUIRE(raw->Put(rocksdb::WriteOptions(), legacy, "stray", "entry").ok());
      REQUIRE(raw->DestroyColumnFamilyHandle(legacy).ok());
    });
  }
  {
    auto store = OpenStore(dir.path(), /*read_only=*/true);  // reads, leaves it
    CheckClean(store.get());
  }
  CHECK(HasFamily(dir.path(), "instances"));
  {
    auto store = OpenStore(dir.path());
    CheckClean(store.get());
  }
  CHECK_FALSE(HasFamily(dir.path(), "instances"));
  auto store = OpenStore(dir.path());
  std::vector<Triple> order;
  for (const auto& [t, instances] : expected) {
    order.push_back(Triple{std::get<0>(t), std::get<1>(t), std::get<2>(t)});
  }
  CHECK(Read(store.get(), order) == expected);
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
  DowngradeDatabase(dir.path(), DowngradeOptions());
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
