#include "storage/rocksdb_store.h"

#include <rocksdb/file_system.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>
#include <rocksdb/utilities/checkpoint.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "quipu/options.h"
#include "storage/bulk_load.h"
#include "storage/checker.h"
#include "storage/fact_list.h"
#include "storage/info_log.h"
#include "storage/key_codec.h"
#include "storage/legacy_keys.h"
#include "storage/name_index.h"
#include "storage/rocksdb_txn.h"

namespace quipu::storage {

const char* const kFamilyNames[kFamilyCount] = {
    "default",  // rocksdb::kDefaultColumnFamilyName; a literal avoids static-init order
    "spo_lists", "pos_lists", "osp_lists", "annotation_sets", "term2id",
    "id2term",   "stats",     "meta",      "names",
};

const char* const kLegacyFamilyNames[kLegacyFamilyCount] = {"spo", "pos", "osp", "annotations",
                                                            "instances"};

namespace {

namespace fs = std::filesystem;

// Lies in the directory from the start of a creation until the format marker
// is stored (synced): a creation killed in between leaves it, and the next
// writable open finishes the creation instead of refusing a directory that
// holds some of RocksDB's files or some of the families (RocksDB writes
// CURRENT, then creates the families one at a time).
constexpr char kCreatingFile[] = "QUIPU-CREATING";

// Removes the folders of bulk loads killed before they ended (their files
// were never ingested, or were moved in and the folder not yet removed).
// REQUIRES: the database's LOCK is held, so no load of another process is
// running, and none of this store has started.
void RemoveBulkLoadLeftovers(const std::string& path) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(path, ec)) {
    if (entry.path().filename().string().rfind(kBulkLoadDirPrefix, 0) == 0) {
      fs::remove_all(entry.path(), ec);
    }
  }
}

}  // namespace

// Closing any descriptor of a file drops the fcntl locks the process holds
// on it: hence the REQUIRES in the header.
std::string LockHolder(const std::string& path) {
  const int fd = ::open((fs::path(path) / "LOCK").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return "";
  struct flock lock = {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  const bool held = ::fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK;
  ::close(fd);
  if (!held) return "";
  std::ifstream in("/proc/" + std::to_string(lock.l_pid) + "/cmdline", std::ios::binary);
  std::string command((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  while (!command.empty() && command.back() == '\0') command.pop_back();
  std::replace(command.begin(), command.end(), '\0', ' ');
  if (command.size() > 200) command = command.substr(0, 200) + "…";
  return "pid " + std::to_string(lock.l_pid) + (command.empty() ? "" : ": " + command);
}

rocksdb::ColumnFamilyOptions FamilyOptions(int family, std::shared_ptr<rocksdb::Cache> cache) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = std::move(cache);  // null: RocksDB's own small one
  // 8 KiB blocks compress better than the default 4 KiB (lists and sets
  // repeat their leading ids from key to key) and still decode in
  // microseconds; measured in docs/benchmarks.md ("Bytes per fact").
  table.block_size = 8 * 1024;
  // Most files sit in the bottommost level (a bulk load ingests there): zstd
  // keeps a third fewer bytes than snappy on lists, sets and the
  // dictionary; the upper levels, rewritten often, use the faster LZ4.
  // Blocks are cached decompressed, so a warm read pays neither.
  cf.compression = rocksdb::kLZ4Compression;
  cf.bottommost_compression = rocksdb::kZSTD;
  switch (family) {
    case kSpo:
    case kPos:
    case kOsp:
      // A list a·b is what lookups name (a bind join's probe, an insert, a
      // property read's Get of the first chunk): a filter on the prefix a·b,
      // which is also the whole key of a first chunk. A scan by a alone is a
      // range scan that needs no filter.
      cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(kListKeySize));
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      table.whole_key_filtering = false;
      break;
    case kTerm2Id:
    case kId2Term:
      // Point lookups (Get), some of terms the store has never seen.
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      break;
    default:
      // Read by iterators alone (annotation sets, names, statistics, meta):
      // a whole-key filter would cost 10 bits a key and never be asked.
      break;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

// The format-3 families as that format opened them: the indexes with an
// 8-byte prefix extractor, the instances with a 24-byte one.
rocksdb::ColumnFamilyOptions LegacyFamilyOptions(int family) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  cf.prefix_extractor.reset(
      rocksdb::NewFixedPrefixTransform(family <= kLegacyOsp ? 8 : kTripleKeySize));
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

Status FromRocks(const rocksdb::Status& s, const std::string& context) {
  if (s.ok()) return Status::Ok();
  if (s.IsIOError()) {
    const std::string state = s.ToString();
    // RocksDB's words for a held LOCK file: "While lock file: …/LOCK: …" from
    // another process, "lock hold by current process" from this one. (A bare
    // "lock" would also match "block" read errors.)
    if (state.find("/LOCK") != std::string::npos ||
        state.find("lock hold by current process") != std::string::npos) {
      return Status::IoError(context + ": the database is in use by another process (" + state +
                             ")");
    }
    if (s.IsNoSpace())
      return Status::IoError(context + ": no space left on device (" + state + ")");
    return Status::IoError(context + ": " + state);
  }
  if (s.IsCorruption()) return Status::Corruption(context + ": " + s.ToString());
  if (s.IsNotFound()) return Status::NotFound(context + ": " + s.ToString());
  return Status::Internal(context + ": " + s.ToString());
}

Result<std::unique_ptr<Store>> RocksDbStore::Open(const std::string& path,
                                                  const StoreOptions& options) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  const fs::path creating = fs::path(path) / kCreatingFile;
  bool fresh = false;
  bool interrupted = false;  // a creation was killed part way
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      return Status::InvalidArgument("cannot open database '" + path +
                                     "': it is a file, not a directory");
    }
    interrupted = fs::exists(creating, ec);
    if (!fs::exists(fs::path(path) / "CURRENT")) {
      if (!fs::is_empty(path, ec) && !interrupted) {
        return Status::InvalidArgument("cannot open database '" + path +
                                       "': the directory is not empty and holds no Quipu "
                                       "database");
      }
      fresh = true;
    }
  } else {
    fresh = true;
  }
  if (fresh && (options.read_only || !options.create_if_missing)) {
    return Status::NotFound("cannot open database '" + path + "': no database there");
  }
  if (fresh) {
    fs::create_directories(path, ec);
    if (ec) {
      return Status::IoError("cannot create database directory '" + path + "': " + ec.message());
    }
    std::ofstream marker(creating);
    if (!marker) {
      return Status::IoError("cannot create database directory '" + path +
                             "': cannot write in it: " + std::strerror(errno));
    }
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = fresh || (interrupted && !options.read_only);
  db_options.info_log_level = rocksdb::InfoLogLevel::ERROR_LEVEL;
  // Not RocksDB's own LOG writer: a full disk makes it abort the process
  // (info_log.h).
  db_options.info_log =
      std::make_shared<InfoLog>((fs::path(path) / "LOG").string(), db_options.info_log_level);
  db_options.max_background_jobs = 2;
  if (options.env != nullptr) db_options.env = options.env;

  // Which families are there: a database of format 3 or older has the
  // key-per-fact families (and, before 3, `instances`) and none of the list
  // families, or some of them left by an upgrade that did not finish; a
  // format-1 database has no `names`. The format check decides.
  std::vector<std::string> existing;
  bool has_legacy[kLegacyFamilyCount] = {};
  bool has[kFamilyCount] = {};
  if (!fresh) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
    if (!s.ok()) return FromRocks(s, "cannot open database '" + path + "'");
    auto there = [&](const char* name) {
      return std::find(existing.begin(), existing.end(), name) != existing.end();
    };
    for (int f = 0; f < kFamilyCount; ++f) has[f] = there(kFamilyNames[f]);
    for (int f = 0; f < kLegacyFamilyCount; ++f) has_legacy[f] = there(kLegacyFamilyNames[f]);
    const bool older = has_legacy[kLegacySpo] || has_legacy[kLegacyInstances];
    for (int f = 0; f < kFamilyCount; ++f) {
      if (has[f] || db_options.create_missing_column_families) continue;  // or finishing a creation
      // A format-3 (or older) database: the list families come with the upgrade.
      if (older && (f == kSpo || f == kPos || f == kOsp || f == kInstances)) continue;
      if (older && f == kNames) continue;  // format 1: the upgrade builds it
      return Status::InvalidArgument("cannot open database '" + path +
                                     "': not a Quipu database (column family '" + kFamilyNames[f] +
                                     "' is missing)");
    }
  }
  const bool finishing = fresh || db_options.create_missing_column_families;

  std::unique_ptr<RocksDbStore> store(new RocksDbStore());
  store->read_only_ = options.read_only;
  // RocksDB's group commit would share one sync among concurrent writes;
  // Quipu's writes run one at a time (write_mutex_), so each pays its own.
  store->commit_options_.sync = options.sync_commits;
  store->version_ = options.first_version;
  store->block_cache_ = rocksdb::NewLRUCache(options.cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  std::vector<int> opened;  // Family, or kFamilyCount + LegacyFamily
  for (int f = 0; f < kFamilyCount; ++f) {
    if (!has[f] && !finishing) continue;
    families.emplace_back(kFamilyNames[f], FamilyOptions(f, store->block_cache_));
    opened.push_back(f);
  }
  for (int f = 0; f < kLegacyFamilyCount; ++f) {
    if (!has_legacy[f]) continue;
    families.emplace_back(kLegacyFamilyNames[f], LegacyFamilyOptions(f));
    opened.push_back(kFamilyCount + f);
  }

  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::Status s = options.read_only
                          ? rocksdb::DB::OpenForReadOnly(db_options, path, families, &handles, &raw)
                          : rocksdb::DB::Open(db_options, path, families, &handles, &raw);
  if (s.IsIOError() && s.ToString().find("While lock file: ") != std::string::npos) {
    // Another process (this one's own lock reads "lock hold by current process").
    if (const std::string holder = LockHolder(path); !holder.empty()) {
      return Status::IoError("cannot open database '" + path +
                             "': the database is in use by another process (" + holder + ")");
    }
  }
  if (!s.ok()) return FromRocks(s, "cannot open database '" + path + "'");
  store->db_.reset(raw);
  // One handle per Family, in order, null for a missing family; the legacy
  // ones apart.
  store->handles_.assign(kFamilyCount, nullptr);
  for (size_t i = 0; i < handles.size(); ++i) {
    if (opened[i] < kFamilyCount) {
      store->handles_[static_cast<size_t>(opened[i])] = handles[i];
    } else {
      store->legacy_[opened[i] - kFamilyCount] = handles[i];
    }
  }
  int version = 0;
  Status check = store->CheckFormat(fresh, &version);
  if (check.ok()) check = store->OpenFormat(version, options);
  // Only a read-only open leaves an older format as it is (format 4).
  store->legacy_stats_ = version < kFormatVersion && options.read_only;
  if (check.ok()) check = store->LoadStats(store->legacy_stats_);
  if (check.ok() && (fresh || interrupted) && !options.read_only) {
    fs::remove(creating, ec);  // the format marker is stored: the creation is complete
  }
  if (check.ok() && !options.read_only) {
    RemoveBulkLoadLeftovers(path);
    // After OpenFormat: an upgrade creates the list families.
    std::vector<rocksdb::ColumnFamilyHandle*> compacted;
    for (Family f : {kSpo, kPos, kOsp, kInstances, kTerm2Id, kId2Term, kNames}) {
      if (store->handles_[f] != nullptr) compacted.push_back(store->handles_[f]);
    }
    // A process that closed the store while it compacted left the levels
    // stacked: compact them now.
    const bool stacked = std::any_of(compacted.begin(), compacted.end(), [&](auto* family) {
      return Compactor::LevelsInUse(store->db_.get(), family) > 2;
    });
    store->compactor_ = std::make_unique<Compactor>(store->db_.get(), std::move(compacted));
    store->background_compaction_ = options.background_compaction;
    if (stacked) store->RequestCompaction();
  }
  if (!check.ok()) {
    const std::string msg = "cannot open database '" + path + "': " + check.message();
    if (check.code() == Status::Code::kIoError) return Status::IoError(msg);
    return Status::InvalidArgument(msg);
  }
  return std::unique_ptr<Store>(std::move(store));
}

Status RocksDbStore::CheckFormat(bool created, int* version_found) {
  rocksdb::ColumnFamilyHandle* meta = handles_[kMeta];
  *version_found = kFormatVersion;
  if (created) {
    rocksdb::WriteBatch batch;
    batch.Put(meta, kMagicKey, kMagicValue);
    batch.Put(meta, kFormatKey, std::to_string(kFormatVersion));
    rocksdb::WriteOptions wo;
    wo.sync = true;
    return FromRocks(db_->Write(wo, &batch), "cannot initialise the database");
  }
  std::string magic, version;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), meta, kMagicKey, &magic);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "cannot read the format marker");
  if (s.IsNotFound()) {
    // Creation writes the marker right after the column families; a crash in
    // between leaves them all empty, and then finishing creation is safe.
    for (int f = kSpo; f < kFamilyCount; ++f) {
      if (handles_[f] == nullptr) continue;
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[f]));
      it->SeekToFirst();
      if (it->Valid()) {
        return Status::InvalidArgument("not a Quipu database (no Quipu format marker)");
      }
    }
    if (read_only_) return Status::InvalidArgument("the database was never initialised");
    if (handles_[kNames] == nullptr) {
      return Status::InvalidArgument("not a Quipu database (column family 'names' is missing)");
    }
    return CheckFormat(/*created=*/true, version_found);
  }
  if (magic != kMagicValue) {
    return Status::InvalidArgument("not a Quipu database (no Quipu format marker)");
  }
  s = db_->Get(rocksdb::ReadOptions(), meta, kFormatKey, &version);
  if (s.IsNotFound()) return Status::InvalidArgument("not a Quipu database (no format version)");
  if (!s.ok()) return FromRocks(s, "cannot read the format version");
  int v = 0;
  const auto [end, ec] = std::from_chars(version.data(), version.data() + version.size(), v);
  if (ec != std::errc() || end != version.data() + version.size()) {
    return Status::InvalidArgument("format version '" + version + "' is not a number");
  }
  if (v > kFormatVersion) {
    return Status::InvalidArgument("written by a newer Quipu (format " + version +
                                   "); this build reads format " + std::to_string(kFormatVersion));
  }
  if (v < 1) return Status::InvalidArgument("unknown format version " + version);
  *version_found = v;
  return Status::Ok();
}

Status RocksDbStore::DropFamily(rocksdb::ColumnFamilyHandle** handle, const std::string& context) {
  if (*handle == nullptr) return Status::Ok();
  rocksdb::Status s = db_->DropColumnFamily(*handle);
  if (s.ok()) s = db_->DestroyColumnFamilyHandle(*handle);
  if (!s.ok()) return FromRocks(s, context);
  *handle = nullptr;
  return Status::Ok();
}

RocksDbStore::~RocksDbStore() {
  compactor_.reset();  // before the handles it compacts go
  if (db_) {
    for (auto* h : legacy_) {
      if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    }
    for (auto* h : handles_) {
      if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    }
    db_->Close();
  }
}

Status RocksDbStore::LoadStats(bool legacy) {
  auto table = std::make_shared<StatsTable>();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kStats]));
  PredicateStats stats;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    // A damaged record reads as absent, so the database still opens and its
    // checker can name it (stats holds a record with a key of … bytes).
    if (it->key().size() != 8 || !DecodeStats(it->value().ToStringView(), legacy, &stats)) {
      continue;
    }
    table->emplace_hint(table->end(), GetBigEndian64(it->key().data()), stats);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "cannot read the statistics");
  std::lock_guard<std::mutex> lock(publish_mutex_);
  stats_ = std::move(table);
  return Status::Ok();
}

void RocksDbStore::Snapshot(const rocksdb::Snapshot** snapshot,
                            std::shared_ptr<const StatsTable>* stats) {
  std::lock_guard<std::mutex> lock(publish_mutex_);
  *snapshot = db_->GetSnapshot();
  *stats = stats_;
}

namespace {

std::string Bytes(uint64_t n) { return n == 0 ? "0 bytes" : FormatMemorySize(n); }

}  // namespace

Status RocksDbStore::CheckSpace(uint64_t bytes) const {
  uint64_t free = 0;
  const rocksdb::IOStatus s = db_->GetEnv()->GetFileSystem()->GetFreeSpace(
      db_->GetName(), rocksdb::IOOptions(), &free, nullptr);
  if (!s.ok() || free >= bytes + kSpaceReserve) return Status::Ok();  // unknown: the write tells
  return Status::IoError("no space left on device for '" + db_->GetName() + "': " + Bytes(free) +
                         " free; the write needs about " + Bytes(bytes) + " and " +
                         Bytes(kSpaceReserve) +
                         " are kept free for the store's own flushes and compactions");
}

std::string RocksDbStore::StoppedMessage() const {
  return write_error_ +
         "; the database takes no more writes until it is opened again (once the disk has "
         "room)";
}

Status RocksDbStore::WritesStopped() const {
  std::lock_guard<std::mutex> lock(publish_mutex_);
  return write_failed_ ? Status::IoError(StoppedMessage()) : Status::Ok();
}

Status RocksDbStore::Publish(rocksdb::WriteBatch* batch, const rocksdb::WriteOptions& options,
                             std::shared_ptr<const StatsTable> stats,
                             const std::function<rocksdb::Status()>& ingest) {
  std::lock_guard<std::mutex> lock(publish_mutex_);
  if (write_failed_) return Status::IoError(StoppedMessage());
  if (batch != nullptr) {
    if (Status space = CheckSpace(2 * batch->GetDataSize()); !space.ok()) return space;
  }
  rocksdb::Status s;
  if (ingest) {
    // The ingested files are synced whatever the durability: sync the log
    // first, or a power cut could keep this load and lose statements
    // committed before it without a sync (relaxed durability), when the
    // ingestion does not flush the memtables (it does when their keys
    // overlap the files, and a flush syncs the log).
    s = db_->SyncWAL();
    if (s.ok()) s = ingest();
  } else {
    s = db_->Write(options, batch);
  }
  if (!s.ok()) {
    const Status failed = FromRocks(s, ingest ? "bulk load: ingestion failed" : "commit failed");
    if (s.IsIOError()) {
      write_failed_ = true;
      write_error_ = failed.message();
    }
    return failed;
  }
  stats_ = std::move(stats);
  ++version_;
  return Status::Ok();
}

uint64_t RocksDbStore::version() const {
  std::lock_guard<std::mutex> lock(publish_mutex_);
  return version_;
}

std::unique_ptr<ReadView> RocksDbStore::BeginRead() {
  return std::make_unique<RocksTxn>(this, /*writable=*/false, std::unique_lock<std::mutex>());
}

Result<std::unique_ptr<WriteTxn>> RocksDbStore::BeginWrite() {
  if (read_only_) {
    return Status::InvalidArgument("the database is open read-only; writes are refused");
  }
  if (Status stopped = WritesStopped(); !stopped.ok()) return stopped;
  std::unique_lock<std::mutex> lock(write_mutex_);
  return std::unique_ptr<WriteTxn>(new RocksTxn(this, /*writable=*/true, std::move(lock)));
}

Result<std::unique_ptr<BulkLoad>> RocksDbStore::BeginBulkLoad() {
  if (read_only_) {
    return Status::InvalidArgument("the database is open read-only; writes are refused");
  }
  if (Status stopped = WritesStopped(); !stopped.ok()) return stopped;
  std::unique_lock<std::mutex> lock(write_mutex_);
  return std::unique_ptr<BulkLoad>(new RocksBulkLoad(this, std::move(lock)));
}

void RocksDbStore::RequestCompaction() {
  if (compactor_ != nullptr && background_compaction_) compactor_->Request();
}

Status RocksDbStore::Compact() {
  if (compactor_ == nullptr) return Status::Ok();  // read-only
  return compactor_->CompactNow();
}

Status RocksDbStore::Check(CheckReport* report) {
  // A bulk load's ingestion is the one write a snapshot may see in part.
  std::unique_lock<std::mutex> lock(write_mutex_);
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  Status s = CheckRocksDb(db_.get(), handles_, snapshot, report, legacy_stats_);
  db_->ReleaseSnapshot(snapshot);
  return s;
}

Status RocksDbStore::Backup(const std::string& dir) {
  const std::string context = "cannot back up to '" + dir + "'";
  if (read_only_) {
    return Status::InvalidArgument(context +
                                   ": the database is open read-only (back up from "
                                   "the process that writes it)");
  }
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    return Status::InvalidArgument(context + ": it exists (name a directory to create)");
  }
  rocksdb::Checkpoint* raw = nullptr;
  if (Status s = FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), context); !s.ok()) {
    return s;
  }
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // 0: the memtables are flushed first, so the copy holds table files and a
  // manifest and no log to replay. RocksDB takes the live files of one
  // moment, with file deletions held off while it links or copies them.
  return FromRocks(checkpoint->CreateCheckpoint(dir, /*log_size_for_flush=*/0), context);
}

Result<std::unique_ptr<Store>> OpenRocksDbStore(const std::string& path,
                                                const StoreOptions& options) {
  return RocksDbStore::Open(path, options);
}

}  // namespace quipu::storage

namespace quipu::storage {

Position ScanOrder(const TriplePattern& pattern) {
  // The permutation's key lists the bound positions first; the next one leads.
  const ScanPlan plan = ChooseScan(pattern);
  if (plan.bound == 3) return Position::kNone;
  static const Position kOrder[3][3] = {
      {Position::kSubject, Position::kPredicate, Position::kObject},   // spo
      {Position::kPredicate, Position::kObject, Position::kSubject},   // pos
      {Position::kObject, Position::kSubject, Position::kPredicate}};  // osp
  return kOrder[static_cast<int>(plan.perm)][plan.bound];
}

}  // namespace quipu::storage
