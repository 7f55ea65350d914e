// The RocksDB backend: column families, format check, upgrades and the
// write lock. Internal to storage/; the query layer sees only store.h.
#pragma once

#include <rocksdb/cache.h>
#include <rocksdb/db.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/compactor.h"
#include "storage/stats_table.h"
#include "storage/store.h"

namespace quipu::storage {

// Do not renumber: index into the column family list opened from disk.
enum Family : uint8_t {
  kDefault = 0,
  kSpo,        // s·p[·k] → the chunk of list (s, p): its objects (fact_list.h)
  kPos,        // p·o[·k] → subjects
  kOsp,        // o·s[·k] → predicates
  kInstances,  // p·o·s → the instances of an annotated fact (instance_set.h)
  kTerm2Id,    // type byte + bytes → id
  kId2Term,    // id → bytes
  kStats,      // predicate id → facts, subjects, objects
  kMeta,       // format version, id sequences
  kNames,      // word · 0 · s · p · o → name words, name length (name_index.h)
  kFamilyCount,
};

extern const char* const kFamilyNames[kFamilyCount];

// The families of formats 1 to 3, which upgrades read and then drop: the
// key-per-fact indexes (one 24-byte key per fact per permutation), the
// instances keyed by fact and hash in pos order (format 3, `annotations`)
// or in spo order (formats 1 and 2, `instances`).
enum LegacyFamily : uint8_t {
  kLegacySpo = 0,
  kLegacyPos,
  kLegacyOsp,
  kLegacyAnnotations,
  kLegacyInstances,
  kLegacyFamilyCount,
};

extern const char* const kLegacyFamilyNames[kLegacyFamilyCount];

// 2 added the `names` family; 3 keyed the instances in pos order; 4 keeps
// adjacency lists instead of a key per fact, and the instances of annotated
// facts only; 5 adds the squared-degree sums to `stats`. Older databases are
// upgraded on their first writable open (upgrade.cc); a format-4 database
// also opens read-only, its squared degrees unknown; docs/format.md,
// "Versions".
inline constexpr int kFormatVersion = 5;
inline constexpr char kMagicKey[] = "magic";
inline constexpr char kMagicValue[] = "quipu";
inline constexpr char kFormatKey[] = "format_version";
// A bulk load writes its SST files in `<db>/bulk-load.tmp<n>/` before
// ingesting them (bulk_load.cc); a writable open removes what a killed load
// left there.
inline constexpr char kBulkLoadDirPrefix[] = "bulk-load.tmp";
// Bytes of free disk a write leaves for RocksDB's own work: a memtable flush
// writes up to its write buffer (64 MiB by default), a compaction its output.
inline constexpr uint64_t kSpaceReserve = uint64_t{64} << 20;

// Which process holds the LOCK of the database in `path` (RocksDB takes an
// fcntl write lock on it): "pid N: its command line"; empty when no process
// does, or that cannot be read. REQUIRES: this process does not hold it.
std::string LockHolder(const std::string& path);

class RocksDbStore final : public Store {
 public:
  static Result<std::unique_ptr<Store>> Open(const std::string& path, const StoreOptions& options);
  ~RocksDbStore() override;

  std::unique_ptr<ReadView> BeginRead() override;
  Result<std::unique_ptr<WriteTxn>> BeginWrite() override;
  Result<std::unique_ptr<BulkLoad>> BeginBulkLoad() override;
  Status Check(CheckReport* report) override;
  Status Backup(const std::string& dir) override;
  uint64_t version() const override;
  Status WritesStopped() const override;

  rocksdb::DB* db() const { return db_.get(); }
  // What a statement's commit writes with: synced unless the store was
  // opened with StoreOptions::sync_commits false.
  const rocksdb::WriteOptions& commit_options() const { return commit_options_; }
  rocksdb::ColumnFamilyHandle* family(Family f) const { return handles_[f]; }

  // A snapshot of the database and the statistics of the same moment.
  // REQUIRES: the caller releases the snapshot.
  void Snapshot(const rocksdb::Snapshot** snapshot, std::shared_ptr<const StatsTable>* stats);
  // Writes `batch` (a statement's, or a bulk load's ingestion through
  // `ingest` when set) and publishes the statistics it leaves, as one step
  // for readers: a snapshot taken after it sees both, one taken before
  // neither. REQUIRES: the write lock is held.
  Status Publish(rocksdb::WriteBatch* batch, const rocksdb::WriteOptions& options,
                 std::shared_ptr<const StatsTable> stats,
                 const std::function<rocksdb::Status()>& ingest = nullptr);
  // An I/O error (no space left on device, naming the database) unless the
  // disk holds `bytes` more and kSpaceReserve beside; OK when the free space
  // cannot be read. Checked before each write so that RocksDB rarely meets a
  // full disk in the middle of one (it then stops writing until resumed).
  Status CheckSpace(uint64_t bytes) const;
  // After a bulk load: merges the levels it stacked, in the background
  // (compactor.h). Nothing for a read-only store.
  void RequestCompaction();
  Status Compact() override;

 private:
  RocksDbStore() = default;
  // Checks the format marker; `version` gets the format found.
  Status CheckFormat(bool created, int* version);
  // Drops the family of `*handle` (nothing when null) and nulls it;
  // `context` starts the error message.
  Status DropFamily(rocksdb::ColumnFamilyHandle** handle, const std::string& context);
  Status CreateFamily(Family family, const std::string& context);
  // After the format check: refuses what this build cannot use, upgrades an
  // older format (writable opens only), drops what an upgrade left.
  Status OpenFormat(int version, const StoreOptions& options);
  // Why writes are refused after an I/O error; the error when they are.
  std::string StoppedMessage() const;
  // `legacy`: the format-4 values of 24 bytes (a read-only open of format 4).
  Status LoadStats(bool legacy);

  // Upgrades (upgrade.cc). Each writes its format_version with its last
  // entries, synced, so a crash part way leaves the older format and the
  // next writable open starts that step again.
  // 1 → 2: (re)creates `names` and fills it from the stored name facts.
  Status UpgradeFrom1();
  // 2 → 3: (re)creates `annotations` from `instances` re-keyed in pos order.
  Status UpgradeFrom2();
  // 3 → 4: (re)creates the list families and annotation_sets from the
  // key-per-fact families, then drops those.
  Status UpgradeFrom3(const StoreOptions& options);
  // 4 → 5: rewrites `stats`, each record recounted from the lists with the
  // squared-degree sums (the list headers only: no id is decoded).
  Status UpgradeFrom4();
  // Drops the families of formats 1 to 3 an upgrade left after storing its
  // version (a crash between the two).
  Status DropLegacyFamilies();

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  rocksdb::ColumnFamilyHandle* legacy_[kLegacyFamilyCount] = {};
  bool read_only_ = false;
  rocksdb::WriteOptions commit_options_;
  bool legacy_stats_ = false;                    // a format-4 database opened read-only
  std::shared_ptr<rocksdb::Cache> block_cache_;  // shared by the families
  bool background_compaction_ = true;            // StoreOptions::background_compaction
  std::unique_ptr<Compactor> compactor_;         // null when read-only
  std::mutex write_mutex_;
  // Guards the pair (what the database holds, stats_): a write and the
  // publication of its statistics happen under it, and so does taking a
  // snapshot with the statistics it goes with.
  mutable std::mutex publish_mutex_;
  std::shared_ptr<const StatsTable> stats_;
  uint64_t version_ = 0;  // guarded by publish_mutex_
  // The last write met an I/O error (`write_error_`). RocksDB then stops
  // writing until resumed, and its in-place recovery from a full disk in
  // 7.8.3 left a later ingestion to abort (an assertion on file number 0;
  // tests/fault_test.cc): this store takes no more writes; the next open
  // recovers from the write-ahead log. Guarded by publish_mutex_.
  bool write_failed_ = false;
  std::string write_error_;
};

Status FromRocks(const rocksdb::Status& s, const std::string& context);

// The options each family is opened and created with (Family), and those of
// the format-3 families (LegacyFamily).
// `cache` holds their blocks (decompressed); null: one of RocksDB's own.
rocksdb::ColumnFamilyOptions FamilyOptions(int family, std::shared_ptr<rocksdb::Cache> cache);
rocksdb::ColumnFamilyOptions LegacyFamilyOptions(int family);

}  // namespace quipu::storage
