// RawDb: a database's column families opened with RocksDB alone, so that
// tests can damage them (check_test.cc, backup_test.cc) as a bug or a disk
// might, under the checker's eyes.
#pragma once

#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/term_id.h"
#include "storage/key_codec.h"

namespace quipu::testing {

// The database's column families opened with RocksDB alone, to damage them.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    std::vector<std::string> names;
    rocksdb::Options options;
    REQUIRE(rocksdb::DB::ListColumnFamilies(options, path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const auto& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    REQUIRE(rocksdb::DB::Open(options, path, families, &handles, &raw).ok());
    db_.reset(raw);
    for (size_t i = 0; i < names.size(); ++i) handles_[names[i]] = handles[i];
  }
  ~RawDb() {
    for (auto& [name, h] : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
  uint64_t Id(const std::string& entity) {
    std::string value;
    REQUIRE(db_->Get({}, handles_["term2id"], std::string(1, '\x01') + entity, &value).ok());
    return quipu::GetBigEndian64(value.data());
  }
  quipu::storage::Triple Fact(const std::string& s, const std::string& p, const std::string& o) {
    return quipu::storage::Triple{Id(s), Id(p), Id(o)};
  }
  void Delete(const std::string& family, const std::string& key) {
    std::string ignored;
    REQUIRE(db_->Get({}, handles_[family], key, &ignored).ok());  // the damage is real
    REQUIRE(db_->Delete({}, handles_[family], key).ok());
  }
  void Put(const std::string& family, const std::string& key, const std::string& value) {
    REQUIRE(db_->Put({}, handles_[family], key, value).ok());
  }
  // Every key of `family`.
  void DeleteAll(const std::string& family) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, handles_[family]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      REQUIRE(db_->Delete({}, handles_[family], it->key()).ok());
    }
    REQUIRE(it->status().ok());
  }
  // The first key of `family` starting with `prefix`.
  std::string FirstKey(const std::string& family, const std::string& prefix) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator({}, handles_[family]));
    it->Seek(prefix);
    REQUIRE(it->Valid());
    REQUIRE(it->key().starts_with(prefix));
    return it->key().ToString();
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> handles_;
};

}  // namespace quipu::testing
