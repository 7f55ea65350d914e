#include "storage/rocksdb_store.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <charconv>
#include <filesystem>

#include "storage/bulk_load.h"
#include "storage/rocksdb_txn.h"

namespace quipu::storage {

const char* const kFamilyNames[kFamilyCount] = {
    "default",  // rocksdb::kDefaultColumnFamilyName; a literal avoids static-init order
    "spo",     "pos", "osp", "instances", "term2id", "id2term", "stats", "meta",
};

namespace {

namespace fs = std::filesystem;

rocksdb::ColumnFamilyOptions FamilyOptions(int family) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  switch (family) {
    case kSpo:
    case kPos:
    case kOsp:
      // Patterns bind at least the leading id or scan everything.
      cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(8));
      break;
    case kInstances:
      cf.prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(24));
      break;
    default:
      break;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  return cf;
}

}  // namespace

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
  bool fresh = false;
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      return Status::InvalidArgument("cannot open database '" + path +
                                     "': it is a file, not a directory");
    }
    if (!fs::exists(fs::path(path) / "CURRENT")) {
      if (!fs::is_empty(path, ec)) {
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
  }

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = fresh;
  db_options.info_log_level = rocksdb::InfoLogLevel::ERROR_LEVEL;
  db_options.keep_log_file_num = 2;
  db_options.max_background_jobs = 2;

  if (!fresh) {
    std::vector<std::string> existing;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
    if (!s.ok()) return FromRocks(s, "cannot open database '" + path + "'");
    for (int f = 0; f < kFamilyCount; ++f) {
      if (std::find(existing.begin(), existing.end(), kFamilyNames[f]) == existing.end()) {
        return Status::InvalidArgument("cannot open database '" + path +
                                       "': not a Quipu database (column family '" +
                                       kFamilyNames[f] + "' is missing)");
      }
    }
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int f = 0; f < kFamilyCount; ++f) families.emplace_back(kFamilyNames[f], FamilyOptions(f));

  std::unique_ptr<RocksDbStore> store(new RocksDbStore());
  store->read_only_ = options.read_only;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, path, families, &store->handles_, &raw)
          : rocksdb::DB::Open(db_options, path, families, &store->handles_, &raw);
  if (!s.ok()) return FromRocks(s, "cannot open database '" + path + "'");
  store->db_.reset(raw);
  Status check = store->CheckFormat(fresh);
  if (!check.ok()) {
    const std::string msg = "cannot open database '" + path + "': " + check.message();
    if (check.code() == Status::Code::kIoError) return Status::IoError(msg);
    return Status::InvalidArgument(msg);
  }
  return std::unique_ptr<Store>(std::move(store));
}

Status RocksDbStore::CheckFormat(bool created) {
  rocksdb::ColumnFamilyHandle* meta = handles_[kMeta];
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
      std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[f]));
      it->SeekToFirst();
      if (it->Valid()) {
        return Status::InvalidArgument("not a Quipu database (no Quipu format marker)");
      }
    }
    if (read_only_) return Status::InvalidArgument("the database was never initialised");
    return CheckFormat(/*created=*/true);
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
  return Status::Ok();
}

RocksDbStore::~RocksDbStore() {
  if (db_) {
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    db_->Close();
  }
}

std::unique_ptr<ReadView> RocksDbStore::BeginRead() {
  return std::make_unique<RocksTxn>(this, /*writable=*/false, std::unique_lock<std::mutex>());
}

Result<std::unique_ptr<WriteTxn>> RocksDbStore::BeginWrite() {
  if (read_only_) {
    return Status::InvalidArgument("the database is open read-only; writes are refused");
  }
  std::unique_lock<std::mutex> lock(write_mutex_);
  return std::unique_ptr<WriteTxn>(new RocksTxn(this, /*writable=*/true, std::move(lock)));
}

Result<std::unique_ptr<BulkLoad>> RocksDbStore::BeginBulkLoad() {
  if (read_only_) {
    return Status::InvalidArgument("the database is open read-only; writes are refused");
  }
  std::unique_lock<std::mutex> lock(write_mutex_);
  return std::unique_ptr<BulkLoad>(new RocksBulkLoad(this, std::move(lock)));
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
