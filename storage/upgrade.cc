// Opening a database of an older format: what each must hold, and the
// upgrades that bring it to format 5, one format at a time (docs/format.md,
// "Versions"). Each step writes its format_version with its last entries,
// synced: a crash part way leaves the older format, and the next writable
// open runs the step again from its start.
#include <unordered_map>
#include <unordered_set>

#include "storage/fact_list.h"
#include "storage/instance_set.h"
#include "storage/legacy_keys.h"
#include "storage/name_index.h"
#include "storage/rocksdb_store.h"
#include "storage/stats_table.h"

namespace quipu::storage {
namespace {

constexpr uint32_t kBatchEntries = 100000;

std::string Missing(const char* family) {
  return std::string("not a Quipu database (column family '") + family + "' is missing)";
}

struct TripleHash {
  size_t operator()(const Triple& t) const {
    return (t.s * 0x9e3779b97f4a7c15ULL) ^ (t.p * 0xc2b2ae3d27d4eb4fULL) ^ t.o;
  }
};

// Writes batches of at most kBatchEntries; the last one with the version.
class BatchWriter {
 public:
  explicit BatchWriter(rocksdb::DB* db) : db_(db) {}
  rocksdb::Status Put(rocksdb::ColumnFamilyHandle* family, const rocksdb::Slice& key,
                      const rocksdb::Slice& value) {
    return Flush(batch_.Put(family, key, value));
  }
  rocksdb::Status Delete(rocksdb::ColumnFamilyHandle* family, const rocksdb::Slice& key) {
    return Flush(batch_.Delete(family, key));
  }
  // The rest, with `version` stored in `meta`, synced.
  rocksdb::Status Finish(rocksdb::ColumnFamilyHandle* meta, int version) {
    rocksdb::Status s = batch_.Put(meta, kFormatKey, std::to_string(version));
    rocksdb::WriteOptions sync;
    sync.sync = true;
    if (s.ok()) s = db_->Write(sync, &batch_);
    return s;
  }

 private:
  rocksdb::Status Flush(rocksdb::Status s) {
    if (s.ok() && batch_.Count() >= kBatchEntries) {
      s = db_->Write(rocksdb::WriteOptions(), &batch_);
      batch_.Clear();
    }
    return s;
  }

  rocksdb::DB* db_;
  rocksdb::WriteBatch batch_;
};

}  // namespace

Status RocksDbStore::OpenFormat(int version, const StoreOptions& options) {
  if (version == 4) {
    for (int f = kSpo; f < kFamilyCount; ++f) {
      if (handles_[f] == nullptr) return Status::InvalidArgument(Missing(kFamilyNames[f]));
    }
    // Format 4 differs in `stats` alone: read-only, its records are read
    // with the squared degrees unknown (LoadStats), and the estimates fall
    // back to spreading facts evenly.
    if (read_only_) return Status::Ok();
    if (Status s = DropLegacyFamilies(); !s.ok()) return s;
    return UpgradeFrom4();
  }
  if (version < kFormatVersion) {
    if (read_only_) {
      return Status::InvalidArgument(
          "format " + std::to_string(version) + " is older than this build's format " +
          std::to_string(kFormatVersion) +
          "; open it once for writing to upgrade it (the shell: quipu DIR, without --read-only)");
    }
    if (version >= 2 && handles_[kNames] == nullptr)
      return Status::InvalidArgument(Missing("names"));
    if (version <= 2 && legacy_[kLegacyInstances] == nullptr) {
      return Status::InvalidArgument("not a Quipu database (format " + std::to_string(version) +
                                     " without column family 'instances')");
    }
    if (version == 3 && legacy_[kLegacyAnnotations] == nullptr) {
      return Status::InvalidArgument(Missing(kLegacyFamilyNames[kLegacyAnnotations]));
    }
    for (int f = kLegacySpo; f <= kLegacyOsp; ++f) {
      if (legacy_[f] == nullptr) return Status::InvalidArgument(Missing(kLegacyFamilyNames[f]));
    }
    Status s;
    if (version == 1) s = UpgradeFrom1();
    if (s.ok() && version <= 2) s = UpgradeFrom2();
    if (s.ok()) s = UpgradeFrom3(options);
    if (s.ok()) s = UpgradeFrom4();
    return s;
  }
  for (int f = kSpo; f < kFamilyCount; ++f) {
    if (handles_[f] == nullptr) return Status::InvalidArgument(Missing(kFamilyNames[f]));
  }
  // An upgrade stopped after storing its version: its sources remain.
  if (!read_only_) return DropLegacyFamilies();
  return Status::Ok();
}

Status RocksDbStore::CreateFamily(Family family, const std::string& context) {
  // A family left by an upgrade that did not finish starts again.
  if (Status dropped = DropFamily(&handles_[family], context); !dropped.ok()) return dropped;
  return FromRocks(db_->CreateColumnFamily(FamilyOptions(family, block_cache_),
                                           kFamilyNames[family], &handles_[family]),
                   context);
}

Status RocksDbStore::DropLegacyFamilies() {
  for (int f = 0; f < kLegacyFamilyCount; ++f) {
    if (Status s = DropFamily(&legacy_[f], "cannot drop the format-3 families"); !s.ok()) return s;
  }
  return Status::Ok();
}

Status RocksDbStore::UpgradeFrom1() {
  const std::string context = "cannot upgrade to format 2";
  if (Status s = CreateFamily(kNames, context); !s.ok()) return s;
  // Every name fact: a prefix scan of pos per name predicate that exists.
  BatchWriter writer(db_.get());
  rocksdb::Status s;
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
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, legacy_[kLegacyPos]));
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
        if (s.ok()) s = writer.Put(handles_[kNames], key, value);
      }
    }
    if (s.ok()) s = it->status();
    if (!s.ok()) return FromRocks(s, "cannot build the name index");
  }
  return FromRocks(writer.Finish(handles_[kMeta], 2), context);
}

Status RocksDbStore::UpgradeFrom2() {
  const std::string context = "cannot upgrade to format 3";
  if (Status s = DropFamily(&legacy_[kLegacyAnnotations], context); !s.ok()) return s;
  rocksdb::Status s =
      db_->CreateColumnFamily(LegacyFamilyOptions(kLegacyAnnotations),
                              kLegacyFamilyNames[kLegacyAnnotations], &legacy_[kLegacyAnnotations]);
  if (!s.ok()) return FromRocks(s, context);
  BatchWriter writer(db_.get());
  rocksdb::ReadOptions scan;
  scan.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, legacy_[kLegacyInstances]));
  for (it->SeekToFirst(); s.ok() && it->Valid(); it->Next()) {
    const rocksdb::Slice key = it->key();
    if (key.size() != kInstanceKeySize) return Status::Corruption("bad instance key");
    const Triple t = DecodeTripleKey(Permutation::kSpo, key.data());
    s = writer.Put(legacy_[kLegacyAnnotations],
                   EncodeInstanceKey(t, GetBigEndian64(key.data() + kTripleKeySize)), it->value());
  }
  if (s.ok()) s = it->status();
  it.reset();
  if (s.ok()) s = writer.Finish(handles_[kMeta], 3);
  if (!s.ok()) return FromRocks(s, context);
  return DropFamily(&legacy_[kLegacyInstances], "cannot drop the format-2 instances");
}

Status RocksDbStore::UpgradeFrom3(const StoreOptions& options) {
  const std::string context = "cannot upgrade to format 4";
  for (Family f : {kSpo, kPos, kOsp, kInstances}) {
    if (Status s = CreateFamily(f, context); !s.ok()) return s;
  }
  uint64_t total = 0, done = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handles_[kStats]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (it->value().size() == 24) total += GetBigEndian64(it->value().data());
    }
  }
  auto progress = [&](uint64_t step) {
    done += step;
    if (options.upgrade_progress && (done % 100000 < step || done == 3 * total)) {
      options.upgrade_progress(done / 3, total);
    }
  };
  BatchWriter writer(db_.get());
  rocksdb::Status s;
  // 1. The instances: a fact with any instance that has annotations keeps
  //    them all in its set; the others are bare and keep nothing.
  std::unordered_set<Triple, TripleHash> annotated;
  {
    rocksdb::ReadOptions scan;
    scan.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, legacy_[kLegacyAnnotations]));
    std::vector<FactInstance> set;
    Triple current;
    auto flush = [&]() -> rocksdb::Status {
      const bool any = set.size() > 1 || (set.size() == 1 && !set[0].annotations.empty());
      if (set.empty() || !any) return rocksdb::Status::OK();
      annotated.insert(current);
      return writer.Put(handles_[kInstances], AnnotationSetKey(current), EncodeInstanceSet(set));
    };
    for (it->SeekToFirst(); s.ok() && it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != kInstanceKeySize) return Status::Corruption("bad instance key");
      const Triple t = DecodeTripleKey(kInstanceOrder, key.data());
      if (!(t == current)) {
        s = flush();
        set.clear();
        current = t;
      }
      FactInstance instance;
      if (!DecodeLegacyAnnotations(it->value().data(), it->value().size(), &instance.annotations)) {
        return Status::Corruption("bad annotation record");
      }
      instance.hash = AnnotationsHash(instance.annotations);
      AddInstance(std::move(instance), &set);
    }
    if (s.ok()) s = flush();
    if (s.ok()) s = it->status();
    if (!s.ok()) return FromRocks(s, context);
  }
  // 2. Each permutation's keys, in order, become its lists.
  for (Permutation perm : {Permutation::kSpo, Permutation::kPos, Permutation::kOsp}) {
    const int from = static_cast<int>(perm);  // kLegacySpo + perm
    rocksdb::ColumnFamilyHandle* to = handles_[kSpo + static_cast<int>(perm)];
    rocksdb::ReadOptions scan;
    scan.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(scan, legacy_[from]));
    ListEntries list;
    uint64_t a = 0, b = 0;
    std::string value;
    auto flush = [&]() -> rocksdb::Status {
      rocksdb::Status written;
      for (const ChunkSpan& span : ChunkLayout(a, b, list)) {
        value.clear();
        EncodeChunk(list, span.begin, span.end, &value);
        if (written.ok()) written = writer.Put(to, span.key(), value);
      }
      progress(list.size());
      list.clear();
      return written;
    };
    for (it->SeekToFirst(); s.ok() && it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != kTripleKeySize) return Status::Corruption("bad index key");
      const uint64_t ka = GetBigEndian64(key.data()), kb = GetBigEndian64(key.data() + 8);
      if (!list.empty() && (ka != a || kb != b)) s = flush();
      a = ka, b = kb;
      const Triple t = DecodeTripleKey(perm, key.data());
      list.push_back(GetBigEndian64(key.data() + 16), annotated.count(t) != 0);
    }
    if (s.ok() && !list.empty()) s = flush();
    if (s.ok()) s = it->status();
    if (!s.ok()) return FromRocks(s, context);
  }
  s = writer.Finish(handles_[kMeta], 4);
  if (!s.ok()) return FromRocks(s, context);
  return DropLegacyFamilies();
}

Status RocksDbStore::UpgradeFrom4() {
  const std::string context = "cannot upgrade to format 5";
  std::unordered_map<uint64_t, PredicateStats> table;
  // spo lists give facts, subjects and subject_sq; pos lists objects and
  // object_sq. A list's length is the sum of its chunks' headers.
  for (Permutation perm : {Permutation::kSpo, Permutation::kPos}) {
    rocksdb::ReadOptions scan;
    scan.total_order_seek = true;
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(scan, handles_[kSpo + static_cast<int>(perm)]));
    uint64_t a = 0, b = 0, length = 0;
    auto flush = [&] {
      if (length == 0) return;
      PredicateStats& st = table[perm == Permutation::kSpo ? b : a];
      if (perm == Permutation::kSpo) {
        st.facts += length;
        st.subjects += 1;
        st.subject_sq += length * length;
      } else {
        st.objects += 1;
        st.object_sq += length * length;
      }
      length = 0;
    };
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != kListKeySize && key.size() != kChunkKeySize) {
        return Status::Corruption(context + ": list key of " + std::to_string(key.size()) +
                                  " bytes");
      }
      const uint64_t ka = GetBigEndian64(key.data()), kb = GetBigEndian64(key.data() + 8);
      if (ka != a || kb != b) flush();
      a = ka, b = kb;
      uint64_t n = 0;
      if (!ChunkEntries(it->value().ToStringView(), &n)) {
        return Status::Corruption(context + ": a list chunk that does not decode");
      }
      length += n;
    }
    flush();
    if (!it->status().ok()) return FromRocks(it->status(), context);
  }
  // Every old record goes (one with no facts left by damage too), then the
  // recount's.
  BatchWriter writer(db_.get());
  rocksdb::Status s;
  {
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(rocksdb::ReadOptions(), handles_[kStats]));
    for (it->SeekToFirst(); s.ok() && it->Valid(); it->Next()) {
      s = writer.Delete(handles_[kStats], it->key());
    }
    if (s.ok()) s = it->status();
  }
  std::string key;
  for (const auto& [p, st] : table) {
    if (!s.ok()) break;
    key.clear();
    PutBigEndian64(&key, p);
    s = writer.Put(handles_[kStats], key, EncodeStats(st));
  }
  if (s.ok()) s = writer.Finish(handles_[kMeta], 5);
  return FromRocks(s, context);
}

}  // namespace quipu::storage
