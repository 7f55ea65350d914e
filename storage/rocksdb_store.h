// The RocksDB backend: column families, format check and the write lock.
// Internal to storage/; the query layer sees only store.h.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/store.h"

namespace quipu::storage {

// Do not renumber: index into the column family list opened from disk.
enum Family : uint8_t {
  kDefault = 0,
  kSpo,
  kPos,
  kOsp,
  kInstances,  // p|o|s|hash → annotations (family "annotations"; see kInstanceOrder)
  kTerm2Id,    // type byte + bytes → id
  kId2Term,    // id → bytes
  kStats,      // predicate id → facts, subjects, objects
  kMeta,       // format version, id sequences
  kNames,      // word · 0 · s · p · o → name words, name length (name_index.h)
  kFamilyCount,
};

extern const char* const kFamilyNames[kFamilyCount];

// 2 added the `names` family; a format-1 database gets it on its first
// writable open (UpgradeFrom1). 3 keys instances in pos order, in the family
// `annotations` instead of `instances` (spo order); a format-2 database is
// re-keyed on its first writable open (UpgradeFrom2).
inline constexpr int kFormatVersion = 3;
// The family that held the instances in spo order up to format 2.
inline constexpr char kLegacyInstancesFamily[] = "instances";
inline constexpr char kMagicKey[] = "magic";
inline constexpr char kMagicValue[] = "quipu";
inline constexpr char kFormatKey[] = "format_version";

class RocksDbStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options);
  ~RocksDbStore() override;

  std::unique_ptr<ReadView> BeginRead() override;
  Result<std::unique_ptr<WriteTxn>> BeginWrite() override;
  Result<std::unique_ptr<BulkLoad>> BeginBulkLoad() override;
  Status Check(CheckReport* report) override;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* family(Family f) const { return handles_[f]; }

 private:
  RocksDbStore() = default;
  // Checks the format marker; `version` gets the format found.
  Status CheckFormat(bool created, int* version);
  // Brings a format-1 database to format 2: (re)creates the `names` family,
  // fills it from the stored name facts, then writes format_version 2, so a
  // crash part way leaves format 1 and the next open starts again.
  // Drops the family of `*handle` (nothing when null) and nulls it;
  // `context` starts the error message.
  Status DropFamily(rocksdb::ColumnFamilyHandle** handle, const std::string& context);
  Status UpgradeFrom1();
  // Brings a format-2 database to format 3: (re)creates `annotations`, fills
  // it from `instances` re-keyed in pos order, writes format_version 3 with
  // the last entries (synced), then drops `instances`. A crash before the
  // version is written leaves format 2; after it, the next writable open
  // drops the leftover family (DropLegacyInstances).
  Status UpgradeFrom2();
  Status DropLegacyInstances();

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  // `instances` of a format-2 database (or left by an upgrade), else null.
  rocksdb::ColumnFamilyHandle* legacy_instances_ = nullptr;
  bool read_only_ = false;
  std::mutex write_mutex_;
};

Status FromRocks(const rocksdb::Status& s, const std::string& context);

}  // namespace quipu::storage
