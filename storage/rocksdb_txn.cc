#include "storage/rocksdb_txn.h"

#include <rocksdb/comparator.h>

#include <algorithm>

#include "storage/name_index.h"

namespace quipu::storage {

// Batches triples out of one permutation's key range.
class RocksCursor final : public TripleCursor {
 public:
  RocksCursor(RocksTxn* txn, const TriplePattern& pattern) {
    const ScanPlan plan = ChooseScan(pattern);
    perm_ = plan.perm;
    prefix_ = ScanPrefix(plan, pattern);
    const Family family = static_cast<Family>(kSpo + static_cast<int>(perm_));
    iter_ = txn->NewIterator(family, prefix_, &bound_, &options_);
    iter_->Seek(prefix_);
  }

  size_t Next(std::vector<Triple>* out, size_t max) override {
    size_t n = 0;
    while (n < max && iter_->Valid()) {
      const rocksdb::Slice key = iter_->key();
      if (!key.starts_with(prefix_)) break;  // batch entries ignore the upper bound
      if (key.size() != kTripleKeySize) {
        status_ = Status::Corruption("index key of " + std::to_string(key.size()) + " bytes");
        return n;
      }
      out->push_back(DecodeTripleKey(perm_, key.data()));
      ++n;
      iter_->Next();
    }
    if (n == 0 && !iter_->status().ok()) status_ = FromRocks(iter_->status(), "scan failed");
    return n;
  }

  Status status() const override { return status_; }

  bool Reseek(const TriplePattern& pattern) override {
    const ScanPlan plan = ChooseScan(pattern);
    std::string prefix = ScanPrefix(plan, pattern);
    // Same permutation and depth, and a bound the iterator already uses.
    if (plan.perm != perm_ || prefix.size() != prefix_.size() || prefix_.size() < 8) return false;
    std::string upper = PrefixSuccessor(prefix);
    if (upper.empty() || options_.iterate_upper_bound == nullptr) return false;
    prefix_ = std::move(prefix);
    bound_.upper = std::move(upper);
    bound_.upper_slice = rocksdb::Slice(bound_.upper);  // the iterator reads it by pointer
    status_ = Status::Ok();
    iter_->Seek(prefix_);
    return true;
  }

 private:
  Permutation perm_;
  std::string prefix_;
  RangeBound bound_;
  rocksdb::ReadOptions options_;
  std::unique_ptr<rocksdb::Iterator> iter_;
  Status status_;
};

RocksTxn::RocksTxn(RocksDbStore* store, bool writable, std::unique_lock<std::mutex> lock)
    : store_(store),
      db_(store->db()),
      snapshot_(store->db()->GetSnapshot()),
      writable_(writable),
      lock_(std::move(lock)) {
  if (writable_) {
    batch_ = std::make_unique<rocksdb::WriteBatchWithIndex>(rocksdb::BytewiseComparator(), 0,
                                                            /*overwrite_key=*/true);
  }
}

RocksTxn::~RocksTxn() {
  instances_iter_.reset();  // it reads the snapshot
  db_->ReleaseSnapshot(snapshot_);
}

Status RocksTxn::CheckWritable() const {
  if (!writable_) return Status::Internal("write through a read-only view");
  if (committed_) return Status::Internal("write after commit");
  return Status::Ok();
}

Result<bool> RocksTxn::Get(Family family, const std::string& key, std::string* value) {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  rocksdb::Status s =
      batch_ ? batch_->GetFromBatchAndDB(db_, options, store_->family(family), key, value)
             : db_->Get(options, store_->family(family), key, value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "read failed");
  return true;
}

std::unique_ptr<rocksdb::Iterator> RocksTxn::NewIterator(Family family, const std::string& prefix,
                                                         RangeBound* bound,
                                                         rocksdb::ReadOptions* options) {
  options->snapshot = snapshot_;
  bound->upper = PrefixSuccessor(prefix);
  bound->upper_slice = rocksdb::Slice(bound->upper);
  if (!bound->upper.empty()) options->iterate_upper_bound = &bound->upper_slice;
  // Below the 8-byte prefix extractor's length the scan must ignore prefix blooms.
  if (prefix.size() < 8) options->total_order_seek = true;
  rocksdb::Iterator* base = db_->NewIterator(*options, store_->family(family));
  if (!batch_) return std::unique_ptr<rocksdb::Iterator>(base);
  return std::unique_ptr<rocksdb::Iterator>(
      batch_->NewIteratorWithBase(store_->family(family), base, options));
}

std::unique_ptr<TripleCursor> RocksTxn::Scan(const TriplePattern& pattern) {
  return std::make_unique<RocksCursor>(this, pattern);
}

Result<bool> RocksTxn::Contains(const Triple& triple) {
  std::string value;
  return Get(kSpo, EncodeTripleKey(Permutation::kSpo, triple), &value);
}

Result<bool> RocksTxn::PrefixExists(Family family, const std::string& prefix) {
  rocksdb::ReadOptions options;
  RangeBound bound;
  std::unique_ptr<rocksdb::Iterator> it = NewIterator(family, prefix, &bound, &options);
  it->Seek(prefix);
  const bool found = it->Valid() && it->key().starts_with(prefix);
  if (!found && !it->status().ok()) return FromRocks(it->status(), "read failed");
  return found;
}

Status RocksTxn::GetInstances(const Triple& triple, std::vector<FactInstance>* out) {
  out->clear();
  const std::string prefix = EncodeTripleKey(kInstanceOrder, triple);
  rocksdb::ReadOptions options;
  RangeBound bound;
  std::unique_ptr<rocksdb::Iterator> own;
  rocksdb::Iterator* it;
  if (batch_ == nullptr) {
    // A read view keeps one iterator for all its instance lookups, bounded by
    // the predicate (read through a pointer, moved when the predicate
    // changes). Facts asked for in pos order, as a scan with its predicate
    // bound yields them, find their instances where the previous fact's
    // ended: a few Next() calls instead of a seek per fact.
    const std::string predicate = prefix.substr(0, 8);
    const std::string upper = PrefixSuccessor(predicate);
    bool positioned = false;
    if (instances_iter_ == nullptr) {
      instances_options_.total_order_seek = true;  // keys of many 24-byte prefixes
      instances_iter_ = NewIterator(kInstances, predicate, &instances_bound_, &instances_options_);
    } else if (instances_bound_.upper != upper) {
      instances_bound_.upper = upper;
      instances_bound_.upper_slice = rocksdb::Slice(instances_bound_.upper);
    } else {
      rocksdb::Iterator* at = instances_iter_.get();
      for (int step = 0; step < kInstanceSkipSteps && at->Valid(); ++step) {
        const rocksdb::Slice key = at->key();
        if (key.starts_with(prefix)) {
          positioned = true;
          break;
        }
        if (key.compare(prefix) > 0) break;  // passed: the fact is absent or behind
        at->Next();
      }
    }
    it = instances_iter_.get();
    if (!positioned) it->Seek(prefix);
  } else {
    // A write's iterator sees the batch as it was when made: one per call.
    own = NewIterator(kInstances, prefix, &bound, &options);
    it = own.get();
    it->Seek(prefix);
  }
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() != kInstanceKeySize) return Status::Corruption("bad instance key");
    FactInstance instance;
    instance.hash = GetBigEndian64(it->key().data() + kTripleKeySize);
    if (!DecodeAnnotations(it->value().data(), it->value().size(), &instance.annotations)) {
      return Status::Corruption("bad annotation record");
    }
    out->push_back(std::move(instance));
  }
  return FromRocks(it->status(), "read failed");
}

Result<uint64_t> RocksTxn::FindTerm(const Value& value) {
  if (std::optional<uint64_t> id = InlineId(value)) return *id;
  const TermType type = DictionaryType(value);
  if (type == TermType::kInvalid) return uint64_t{0};
  std::string key(1, static_cast<char>(type));
  key += DictionaryBytes(value);
  std::string id_bytes;
  Result<bool> found = Get(kTerm2Id, key, &id_bytes);
  if (!found.ok()) return found.status();
  if (!*found) return uint64_t{0};
  if (id_bytes.size() != 8) return Status::Corruption("term id of wrong size");
  return GetBigEndian64(id_bytes.data());
}

Result<Value> RocksTxn::DecodeTerm(uint64_t id) {
  const TermType type = TypeOfId(id);
  if (IsInlineType(type)) return DecodeInline(id);
  if (auto it = decode_cache_.find(id); it != decode_cache_.end()) return it->second;
  std::string key, bytes;
  PutBigEndian64(&key, id);
  Result<bool> found = Get(kId2Term, key, &bytes);
  if (!found.ok()) return found.status();
  if (!*found) return Status::Corruption("term id " + std::to_string(id) + " has no entry");
  Result<Value> value = DecodeDictionary(type, bytes);
  if (value.ok()) decode_cache_.emplace(id, *value);
  return value;
}

Result<PredicateStats> RocksTxn::GetStats(uint64_t predicate) {
  std::string key, value;
  PutBigEndian64(&key, predicate);
  Result<bool> found = Get(kStats, key, &value);
  if (!found.ok()) return found.status();
  PredicateStats stats;
  if (!*found) return stats;
  if (value.size() != 24) return Status::Corruption("statistics record of wrong size");
  stats.facts = GetBigEndian64(value.data());
  stats.subjects = GetBigEndian64(value.data() + 8);
  stats.objects = GetBigEndian64(value.data() + 16);
  return stats;
}

Status RocksTxn::AllStats(std::vector<std::pair<uint64_t, PredicateStats>>* out) {
  out->clear();
  rocksdb::ReadOptions options;
  RangeBound bound;
  std::unique_ptr<rocksdb::Iterator> it = NewIterator(kStats, "", &bound, &options);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    if (it->key().size() != 8 || it->value().size() != 24) {
      return Status::Corruption("statistics record of wrong size");
    }
    const char* v = it->value().data();
    out->emplace_back(
        GetBigEndian64(it->key().data()),
        PredicateStats{GetBigEndian64(v), GetBigEndian64(v + 8), GetBigEndian64(v + 16)});
  }
  return FromRocks(it->status(), "read failed");
}

Status RocksTxn::PutStats(uint64_t predicate, const PredicateStats& stats) {
  std::string key, value;
  PutBigEndian64(&key, predicate);
  if (stats.facts == 0) return FromRocks(batch_->Delete(store_->family(kStats), key), "write");
  PutBigEndian64(&value, stats.facts);
  PutBigEndian64(&value, stats.subjects);
  PutBigEndian64(&value, stats.objects);
  return FromRocks(batch_->Put(store_->family(kStats), key, value), "write failed");
}

Result<uint64_t> RocksTxn::InternTerm(const Value& value) {
  if (std::optional<uint64_t> id = InlineId(value)) return *id;
  if (Status s = CheckWritable(); !s.ok()) return s;
  Result<uint64_t> existing = FindTerm(value);
  if (!existing.ok() || *existing != 0) return existing;
  const TermType type = DictionaryType(value);
  if (type == TermType::kInvalid) {
    if (value.is_null()) return Status::InvalidArgument("a null value cannot be stored");
    if (value.type() == Value::Type::kList) {
      return Status::InvalidArgument("a list cannot be stored as a value; store its items");
    }
    return Status::InvalidArgument(std::string("a ") + TypeName(value.type()) +
                                   " value out of the storable range");
  }
  // Next sequence number of this type, kept in meta.
  const std::string seq_key = std::string("next_id/") + static_cast<char>('a' + int(type));
  std::string seq_bytes;
  Result<bool> found = Get(kMeta, seq_key, &seq_bytes);
  if (!found.ok()) return found.status();
  uint64_t seq = 1;
  if (*found) {
    if (seq_bytes.size() != 8) return Status::Corruption("id sequence of wrong size");
    seq = GetBigEndian64(seq_bytes.data());
  }
  if (seq > kPayloadMask) return Status::Internal("term ids of this type are exhausted");
  const uint64_t id = MakeId(type, seq);
  std::string next, id_key;
  PutBigEndian64(&next, seq + 1);
  PutBigEndian64(&id_key, id);
  std::string term_key(1, static_cast<char>(type));
  term_key += DictionaryBytes(value);
  rocksdb::Status s = batch_->Put(store_->family(kMeta), seq_key, next);
  if (s.ok()) s = batch_->Put(store_->family(kTerm2Id), term_key, id_key);
  if (s.ok()) s = batch_->Put(store_->family(kId2Term), id_key, term_key.substr(1));
  if (!s.ok()) return FromRocks(s, "write failed");
  return id;
}

Result<bool> RocksTxn::Insert(const Triple& triple, const Annotations& given) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  // The instance hash is over the sorted set, so order must not matter.
  Annotations annotations = given;
  std::sort(annotations.begin(), annotations.end());
  for (size_t i = 1; i < annotations.size(); ++i) {
    if (annotations[i].first == annotations[i - 1].first) {
      return Status::InvalidArgument("an annotation key is given twice");
    }
  }
  const std::string instance_key = EncodeInstanceKey(triple, AnnotationsHash(annotations));
  std::string ignored;
  Result<bool> had_instance = Get(kInstances, instance_key, &ignored);
  if (!had_instance.ok()) return had_instance.status();
  if (*had_instance) return false;
  Result<bool> had_triple = Contains(triple);
  if (!had_triple.ok()) return had_triple.status();
  rocksdb::Status s =
      batch_->Put(store_->family(kInstances), instance_key, EncodeAnnotations(annotations));
  if (!s.ok()) return FromRocks(s, "write failed");
  if (*had_triple) return true;

  std::string sp, po;
  PutBigEndian64(&sp, triple.s), PutBigEndian64(&sp, triple.p);
  PutBigEndian64(&po, triple.p), PutBigEndian64(&po, triple.o);
  Result<bool> subject_known = PrefixExists(kSpo, sp);
  if (!subject_known.ok()) return subject_known.status();
  Result<bool> object_known = PrefixExists(kPos, po);
  if (!object_known.ok()) return object_known.status();
  Result<PredicateStats> stats = GetStats(triple.p);
  if (!stats.ok()) return stats.status();
  stats->facts += 1;
  stats->subjects += *subject_known ? 0 : 1;
  stats->objects += *object_known ? 0 : 1;
  for (Permutation perm : {Permutation::kSpo, Permutation::kPos, Permutation::kOsp}) {
    s = batch_->Put(store_->family(static_cast<Family>(kSpo + static_cast<int>(perm))),
                    EncodeTripleKey(perm, triple), rocksdb::Slice());
    if (!s.ok()) return FromRocks(s, "write failed");
  }
  if (Status st = PutStats(triple.p, *stats); !st.ok()) return st;
  if (Status st = IndexName(triple, /*add=*/true); !st.ok()) return st;
  return true;
}

Result<size_t> RocksTxn::Delete(const Triple& triple) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  Result<bool> present = Contains(triple);
  if (!present.ok()) return present.status();
  if (!*present) return size_t{0};
  std::vector<FactInstance> instances;
  if (Status s = GetInstances(triple, &instances); !s.ok()) return s;
  for (const FactInstance& instance : instances) {
    rocksdb::Status s =
        batch_->Delete(store_->family(kInstances), EncodeInstanceKey(triple, instance.hash));
    if (!s.ok()) return FromRocks(s, "write failed");
  }
  for (Permutation perm : {Permutation::kSpo, Permutation::kPos, Permutation::kOsp}) {
    rocksdb::Status s =
        batch_->Delete(store_->family(static_cast<Family>(kSpo + static_cast<int>(perm))),
                       EncodeTripleKey(perm, triple));
    if (!s.ok()) return FromRocks(s, "write failed");
  }
  std::string sp, po;
  PutBigEndian64(&sp, triple.s), PutBigEndian64(&sp, triple.p);
  PutBigEndian64(&po, triple.p), PutBigEndian64(&po, triple.o);
  Result<bool> subject_left = PrefixExists(kSpo, sp);
  if (!subject_left.ok()) return subject_left.status();
  Result<bool> object_left = PrefixExists(kPos, po);
  if (!object_left.ok()) return object_left.status();
  Result<PredicateStats> stats = GetStats(triple.p);
  if (!stats.ok()) return stats.status();
  if (stats->facts == 0) return Status::Corruption("statistics miss a stored predicate");
  stats->facts -= 1;
  stats->subjects -= *subject_left ? 0 : 1;
  stats->objects -= *object_left ? 0 : 1;
  if (Status st = PutStats(triple.p, *stats); !st.ok()) return st;
  if (Status st = IndexName(triple, /*add=*/false); !st.ok()) return st;
  return instances.size();
}

Status RocksTxn::IndexName(const Triple& triple, bool add) {
  if (!IsNameValueId(triple.o) || TypeOfId(triple.p) != TermType::kEntity) return Status::Ok();
  auto [known, fresh] = name_predicates_.try_emplace(triple.p, false);
  if (fresh) {
    Result<Value> predicate = DecodeTerm(triple.p);
    if (!predicate.ok()) return predicate.status();
    known->second = IsNamePredicate(predicate->as_entity().key);
  }
  if (!known->second) return Status::Ok();
  std::string id_key, bytes;
  PutBigEndian64(&id_key, triple.o);
  Result<bool> found = Get(kId2Term, id_key, &bytes);
  if (!found.ok()) return found.status();
  if (!*found) return Status::Corruption("term id " + std::to_string(triple.o) + " has no entry");
  KeyValues entries;
  AppendNameEntries(triple, NameText(triple.o, bytes), &entries);
  for (const auto& [key, value] : entries) {
    const rocksdb::Status s = add ? batch_->Put(store_->family(kNames), key, value)
                                  : batch_->Delete(store_->family(kNames), key);
    if (!s.ok()) return FromRocks(s, "write failed");
  }
  return Status::Ok();
}

Status RocksTxn::FindNames(std::string_view word, bool prefix, std::vector<NameMatch>* out) {
  const std::string_view indexed = IndexedWord(word);
  const std::string key_prefix = NameKeyPrefix(indexed, prefix);
  rocksdb::ReadOptions options;
  RangeBound bound;
  std::unique_ptr<rocksdb::Iterator> it = NewIterator(kNames, key_prefix, &bound, &options);
  NameMatch match;
  for (it->Seek(key_prefix); it->Valid() && it->key().starts_with(key_prefix); it->Next()) {
    if (!DecodeNameEntry(it->key().ToStringView(), it->value().ToStringView(), indexed, &match)) {
      return Status::Corruption("bad name index entry");
    }
    out->push_back(match);
  }
  return FromRocks(it->status(), "read failed");
}

Status RocksTxn::Commit() {
  if (Status s = CheckWritable(); !s.ok()) return s;
  committed_ = true;
  rocksdb::WriteOptions options;
  Status s = FromRocks(db_->Write(options, batch_->GetWriteBatch()), "commit failed");
  batch_->Clear();
  return s;
}

std::string EncodeAnnotations(const Annotations& annotations) {
  std::string out;
  out.reserve(annotations.size() * 16);
  for (const auto& [key, value] : annotations) {
    PutBigEndian64(&out, key);
    PutBigEndian64(&out, value);
  }
  return out;
}

bool DecodeAnnotations(const char* data, size_t size, Annotations* out) {
  if (size % 16 != 0) return false;
  out->clear();
  for (size_t i = 0; i < size; i += 16) {
    out->emplace_back(GetBigEndian64(data + i), GetBigEndian64(data + i + 8));
  }
  return true;
}

uint64_t AnnotationsHash(const Annotations& annotations) {
  if (annotations.empty()) return 0;
  // splitmix64 finaliser over the (key, value) sequence; stable on disk.
  auto mix = [](uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  uint64_t h = 0x9e3779b97f4a7c15ULL;
  for (const auto& [key, value] : annotations) {
    h = mix(h ^ key);
    h = mix(h ^ value);
  }
  return h == 0 ? 1 : h;  // 0 is the bare instance
}

}  // namespace quipu::storage
