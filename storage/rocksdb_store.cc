#include "storage/rocksdb_store.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "storage/bulk_load.h"
#include "storage/checker.h"
#include "storage/key_codec.h"
#include "storage/name_index.h"
#include "storage/rocksdb_txn.h"

namespace quipu::storage {

const char* const kFamilyNames[kFamilyCount] = {
    "default",  // rocksdb::kDefaultColumnFamilyName; a literal avoids static-init order
    "spo",     "pos", "osp", "annotations", "term2id", "id2term", "stats", "meta", "names",
};

namespace {

namespace fs = std::filesystem;

// Lies in the directory from the start of a creation until the format marker
// is stored (synced): a creation killed in between leaves it, and the next
// writable open finishes the creation instead of refusing a directory that
// holds some of RocksDB's files or some of the families (RocksDB writes
// CURRENT, then creates the families one at a time).
constexpr char kCreatingFile[] = "QUIPU-CREATING";

// FamilyOptions' number for the format-2 `instances` family.
constexpr int kLegacyInstances = kFamilyCount;

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
    case kLegacyInstances:
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
  db_options.keep_log_file_num = 2;
  db_options.max_background_jobs = 2;

  // A format-1 database has no `names` family, a format-2 one no
  // `annotations` but `instances`; the format check decides.
  bool has_names = true, has_annotations = true, has_legacy = false;
  if (!fresh) {
    std::vector<std::string> existing;
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, path, &existing);
    if (!s.ok()) return FromRocks(s, "cannot open database '" + path + "'");
    has_legacy =
        std::find(existing.begin(), existing.end(), kLegacyInstancesFamily) != existing.end();
    for (int f = 0; f < kFamilyCount; ++f) {
      if (std::find(existing.begin(), existing.end(), kFamilyNames[f]) != existing.end()) continue;
      if (db_options.create_missing_column_families) break;  // finishing a creation
      if (f == kNames) {
        has_names = false;
        continue;
      }
      if (f == kInstances && has_legacy) {
        has_annotations = false;
        continue;
      }
      return Status::InvalidArgument("cannot open database '" + path +
                                     "': not a Quipu database (column family '" + kFamilyNames[f] +
                                     "' is missing)");
    }
  }

  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (int f = 0; f < kFamilyCount; ++f) {
    if ((f == kNames && !has_names) || (f == kInstances && !has_annotations)) continue;
    families.emplace_back(kFamilyNames[f], FamilyOptions(f));
  }
  if (has_legacy) {
    families.emplace_back(kLegacyInstancesFamily, FamilyOptions(kLegacyInstances));
  }

  std::unique_ptr<RocksDbStore> store(new RocksDbStore());
  store->read_only_ = options.read_only;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s =
      options.read_only
          ? rocksdb::DB::OpenForReadOnly(db_options, path, families, &store->handles_, &raw)
          : rocksdb::DB::Open(db_options, path, families, &store->handles_, &raw);
  if (!s.ok()) return FromRocks(s, "cannot open database '" + path + "'");
  store->db_.reset(raw);
  // Back to one handle per Family, in order, null for a missing family.
  std::vector<rocksdb::ColumnFamilyHandle*>& handles = store->handles_;
  if (has_legacy) {
    store->legacy_instances_ = handles.back();
    handles.pop_back();
  }
  if (!has_annotations) handles.insert(handles.begin() + kInstances, nullptr);
  if (!has_names) handles.push_back(nullptr);  // kNames is the last family
  int version = 0;
  Status check = store->CheckFormat(fresh, &version);
  if (check.ok() && version >= 2 && !has_names) {
    check = Status::InvalidArgument("not a Quipu database (column family 'names' is missing)");
  } else if (check.ok() && version < kFormatVersion && options.read_only) {
    check = Status::InvalidArgument("format " + std::to_string(version) +
                                    " is older than this build's format " +
                                    std::to_string(kFormatVersion) +
                                    "; open it once for writing (not read-only) to upgrade it");
  } else if (check.ok() && version < kFormatVersion && !has_legacy) {
    check = Status::InvalidArgument("not a Quipu database (format " + std::to_string(version) +
                                    " without column family '" + kLegacyInstancesFamily + "')");
  } else if (check.ok() && version < kFormatVersion) {
    if (version == 1) check = store->UpgradeFrom1();
    if (check.ok()) check = store->UpgradeFrom2();
  } else if (check.ok() && !has_annotations) {
    check =
        Status::InvalidArgument("not a Quipu database (column family 'annotations' is missing)");
  } else if (check.ok() && has_legacy && !options.read_only) {
    check = store->DropLegacyInstances();  // an upgrade stopped after its version was stored
  }
  if (check.ok() && (fresh || interrupted) && !options.read_only) {
    fs::remove(creating, ec);  // the format marker is stored: the creation is complete
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

Status RocksDbStore::UpgradeFrom1() {
  // A `names` family left by an upgrade that did not finish starts again.
  if (Status dropped = DropFamily(&handles_[kNames], "cannot upgrade to format 2"); !dropped.ok()) {
    return dropped;
  }
  rocksdb::Status s =
      db_->CreateColumnFamily(FamilyOptions(kNames), kFamilyNames[kNames], &handles_[kNames]);
  if (!s.ok()) return FromRocks(s, "cannot upgrade to format 2");
  // Every name fact: a prefix scan of pos per name predicate that exists.
  constexpr uint32_t kBatchEntries = 100000;
  rocksdb::WriteBatch batch;
  KeyValues entries;
  for (const char* predicate : kNamePredicates) {
    std::string term_key(1, static_cast<char>(TermType::kEntity)), id_bytes;
    term_key += predicate;
    s = db_->Get(rocksdb::ReadOptions(), handles_[kTerm2Id], term_key, &id_bytes);
    if (s.IsNotFound()) continue;
    if (s.ok() && id_bytes.size() != 8) return Status::Corruption("term id of wrong size");
    const std::string prefix = id_bytes, upper = PrefixSuccessor(prefix);
    const rocksdb::Slice upper_slice(upper);
    rocksdb::ReadOptions scan;
    scan.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, handles_[kPos]));
    std::string text;
    for (it->Seek(prefix); s.ok() && it->Valid(); it->Next()) {
      if (it->key().size() != kTripleKeySize) return Status::Corruption("bad pos key");
      const Triple t = DecodeTripleKey(Permutation::kPos, it->key().data());
      if (!IsNameValueId(t.o)) continue;
      std::string id_key;
      PutBigEndian64(&id_key, t.o);
      s = db_->Get(rocksdb::ReadOptions(), handles_[kId2Term], id_key, &text);
      entries.clear();
      if (s.ok()) AppendNameEntries(t, NameText(t.o, text), &entries);
      for (const auto& [key, value] : entries) {
        if (s.ok()) s = batch.Put(handles_[kNames], key, value);
      }
      if (s.ok() && batch.Count() >= kBatchEntries) {
        s = db_->Write(rocksdb::WriteOptions(), &batch);
        batch.Clear();
      }
    }
    if (s.ok()) s = it->status();
    if (!s.ok()) return FromRocks(s, "cannot build the name index");
  }
  // The new version goes last, with the final entries.
  s = batch.Put(handles_[kMeta], kFormatKey, "2");
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (s.ok()) s = db_->Write(sync, &batch);
  return FromRocks(s, "cannot upgrade to format 2");
}

Status RocksDbStore::UpgradeFrom2() {
  // An `annotations` family left by an upgrade that did not finish starts again.
  if (Status dropped = DropFamily(&handles_[kInstances], "cannot upgrade to format 3");
      !dropped.ok()) {
    return dropped;
  }
  rocksdb::Status s = db_->CreateColumnFamily(FamilyOptions(kInstances), kFamilyNames[kInstances],
                                              &handles_[kInstances]);
  if (!s.ok()) return FromRocks(s, "cannot upgrade to format 3");
  constexpr uint32_t kBatchEntries = 100000;
  rocksdb::WriteBatch batch;
  rocksdb::ReadOptions scan;
  scan.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, legacy_instances_));
  for (it->SeekToFirst(); s.ok() && it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.size() != kInstanceKeySize) return Status::Corruption("bad instance key");
    const Triple t = DecodeTripleKey(Permutation::kSpo, key.data());
    s = batch.Put(handles_[kInstances],
                  EncodeInstanceKey(t, GetBigEndian64(key.data() + kTripleKeySize)), it->value());
    if (s.ok() && batch.Count() >= kBatchEntries) {
      s = db_->Write(rocksdb::WriteOptions(), &batch);
      batch.Clear();
    }
  }
  if (s.ok()) s = it->status();
  it.reset();
  if (s.ok()) s = batch.Put(handles_[kMeta], kFormatKey, std::to_string(kFormatVersion));
  rocksdb::WriteOptions sync;
  sync.sync = true;
  if (s.ok()) s = db_->Write(sync, &batch);
  if (!s.ok()) return FromRocks(s, "cannot upgrade to format 3");
  return DropLegacyInstances();
}

Status RocksDbStore::DropLegacyInstances() {
  return DropFamily(&legacy_instances_, "cannot drop the format-2 instances");
}

RocksDbStore::~RocksDbStore() {
  if (db_) {
    if (legacy_instances_ != nullptr) db_->DestroyColumnFamilyHandle(legacy_instances_);
    for (auto* h : handles_) {
      if (h != nullptr) db_->DestroyColumnFamilyHandle(h);
    }
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

Status RocksDbStore::Check(CheckReport* report) {
  // A bulk load's ingestion is the one write a snapshot may see in part.
  std::unique_lock<std::mutex> lock(write_mutex_);
  const rocksdb::Snapshot* snapshot = db_->GetSnapshot();
  Status s = CheckRocksDb(db_.get(), handles_, snapshot, report);
  db_->ReleaseSnapshot(snapshot);
  return s;
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
