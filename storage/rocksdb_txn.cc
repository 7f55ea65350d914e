#include "storage/rocksdb_txn.h"

#include <rocksdb/comparator.h>

#include <algorithm>

#include "storage/instance_set.h"
#include "storage/legacy_keys.h"
#include "storage/list_cursor.h"
#include "storage/name_index.h"

namespace quipu::storage {

RocksTxn::RocksTxn(RocksDbStore* store, bool writable, std::unique_lock<std::mutex> lock)
    : store_(store), db_(store->db()), writable_(writable), lock_(std::move(lock)) {
  store_->Snapshot(&snapshot_, &stats_);
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
  // Below the list families' 16-byte prefix extractor (a·b) the scan must
  // ignore prefix blooms.
  if (prefix.size() < kListKeySize) options->total_order_seek = true;
  rocksdb::Iterator* base = db_->NewIterator(*options, store_->family(family));
  if (!batch_) return std::unique_ptr<rocksdb::Iterator>(base);
  return std::unique_ptr<rocksdb::Iterator>(
      batch_->NewIteratorWithBase(store_->family(family), base, options));
}

std::unique_ptr<TripleCursor> RocksTxn::Scan(const TriplePattern& pattern) {
  return std::make_unique<ListCursor>(this, pattern);
}

Result<bool> RocksTxn::Contains(const Triple& triple) {
  Result<EntryState> state = FindEntry(Permutation::kSpo, Permute(Permutation::kSpo, triple));
  if (!state.ok()) return state.status();
  return state->existed;
}

Result<bool> RocksTxn::ReadInstanceSet(const Triple& triple, std::vector<FactInstance>* out) {
  char key_bytes[kAnnotationSetKeySize];
  EncodeAnnotationSetKey(triple, key_bytes);
  const rocksdb::Slice key(key_bytes, sizeof key_bytes);
  if (batch_ != nullptr) {
    std::string value;
    Result<bool> found = Get(kInstances, key.ToString(), &value);
    if (!found.ok() || !*found) return found;
    if (!DecodeInstanceSet(value, out)) return Status::Corruption("bad annotation set");
    return true;
  }
  // A read view keeps one iterator for all its lookups, bounded by the
  // predicate (read through a pointer, moved when the predicate changes).
  // Facts asked for in pos order, as a scan with its predicate bound yields
  // them, find their sets where the previous fact's was: a few Next() calls
  // instead of a seek per fact.
  bool positioned = false;
  if (instances_iter_ == nullptr) {
    instances_options_.total_order_seek = true;  // keys of many 24-byte prefixes
    instances_iter_ =
        NewIterator(kInstances, std::string(key_bytes, 8), &instances_bound_, &instances_options_);
    instances_predicate_ = triple.p;
  } else if (instances_predicate_ != triple.p) {
    instances_bound_.upper = PrefixSuccessor(std::string(key_bytes, 8));
    instances_bound_.upper_slice = rocksdb::Slice(instances_bound_.upper);
    instances_predicate_ = triple.p;
  } else {
    rocksdb::Iterator* at = instances_iter_.get();
    for (int step = 0; step < kInstanceSkipSteps && at->Valid(); ++step) {
      const int order = at->key().compare(key);
      if (order == 0) {
        positioned = true;
        break;
      }
      if (order > 0) break;  // passed: the set is absent or behind; seek
      at->Next();
    }
  }
  rocksdb::Iterator* it = instances_iter_.get();
  if (!positioned) it->Seek(key);
  if (!it->Valid()) {
    if (!it->status().ok()) return FromRocks(it->status(), "read failed");
    return false;
  }
  if (it->key() != key) return false;
  if (!DecodeInstanceSet(it->value().ToStringView(), out)) {
    return Status::Corruption("bad annotation set");
  }
  return true;
}

Status RocksTxn::GetInstances(const Triple& triple, std::vector<FactInstance>* out,
                              InstanceHint hint) {
  // out's elements are reused, not destroyed: their annotation vectors keep
  // their capacity from one fact to the next.
  if (hint == kBare) {
    out->resize(1);
    out->front().hash = 0;
    out->front().annotations.clear();
    return Status::Ok();
  }
  Result<bool> annotated = ReadInstanceSet(triple, out);
  if (!annotated.ok()) return annotated.status();
  if (*annotated) return Status::Ok();
  out->clear();
  if (hint == kAnnotated) {
    return Status::Corruption("a fact flagged as annotated has no annotation set");
  }
  Result<bool> present = Contains(triple);
  if (!present.ok()) return present.status();
  if (*present) out->emplace_back();  // the bare instance
  return Status::Ok();
}

Result<uint64_t> RocksTxn::SmallestObject(uint64_t s, uint64_t p) {
  // The list's first chunk, under a·b, holds its smallest ids: one Get
  // (prefix blooms skip most files) instead of an iterator's seek on every
  // level.
  std::string chunk;
  Result<bool> found = Get(kSpo, ListKey(s, p), &chunk);
  if (!found.ok()) return found.status();
  if (!*found) return uint64_t{0};
  ListEntries entries;
  if (!DecodeChunk(chunk, &entries)) return Status::Corruption("a list chunk that does not decode");
  return entries.ids[0];  // DecodeChunk refuses an empty chunk
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
  if (auto it = pending_stats_.find(predicate); it != pending_stats_.end()) return it->second;
  if (auto it = stats_->find(predicate); it != stats_->end()) return it->second;
  return PredicateStats{};
}

Status RocksTxn::AllStats(std::vector<std::pair<uint64_t, PredicateStats>>* out) {
  out->clear();
  for (const auto& [predicate, stats] : *stats_) {
    if (pending_stats_.count(predicate) == 0) out->emplace_back(predicate, stats);
  }
  for (const auto& [predicate, stats] : pending_stats_) {
    if (stats.facts != 0) out->emplace_back(predicate, stats);
  }
  std::sort(out->begin(), out->end(),
            [](const auto& x, const auto& y) { return x.first < y.first; });
  return Status::Ok();
}

Status RocksTxn::PutStats(uint64_t predicate, const PredicateStats& stats) {
  pending_stats_[predicate] = stats;
  std::string key;
  PutBigEndian64(&key, predicate);
  if (stats.facts == 0) return FromRocks(batch_->Delete(store_->family(kStats), key), "write");
  return FromRocks(batch_->Put(store_->family(kStats), key, EncodeStats(stats)), "write failed");
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
  FactInstance instance;
  instance.annotations = given;
  std::sort(instance.annotations.begin(), instance.annotations.end());
  for (size_t i = 1; i < instance.annotations.size(); ++i) {
    if (instance.annotations[i].first == instance.annotations[i - 1].first) {
      return Status::InvalidArgument("an annotation key is given twice");
    }
  }
  instance.hash = AnnotationsHash(instance.annotations);
  const bool annotated = !instance.annotations.empty();
  Result<EntryState> spo =
      AddEntry(Permutation::kSpo, Permute(Permutation::kSpo, triple), annotated, /*count=*/true);
  if (!spo.ok()) return spo.status();
  if (spo->existed) {
    std::vector<FactInstance> set;
    if (spo->annotated) {
      // Annotated already: one more instance in its set, unless it is there.
      Result<bool> found = ReadInstanceSet(triple, &set);
      if (!found.ok()) return found.status();
      if (!*found) return Status::Corruption("a fact flagged as annotated has no annotation set");
      if (!AddInstance(std::move(instance), &set)) return false;
    } else {
      // Only the bare instance so far.
      if (!annotated) return false;
      for (Permutation perm : {Permutation::kPos, Permutation::kOsp}) {
        Result<EntryState> other = AddEntry(perm, Permute(perm, triple), true);
        if (!other.ok()) return other.status();
      }
      set.emplace_back();  // the bare instance, hash 0: first
      AddInstance(std::move(instance), &set);
    }
    rocksdb::Status s =
        batch_->Put(store_->family(kInstances), AnnotationSetKey(triple), EncodeInstanceSet(set));
    if (!s.ok()) return FromRocks(s, "write failed");
    return true;
  }
  Result<EntryState> pos =
      AddEntry(Permutation::kPos, Permute(Permutation::kPos, triple), annotated, /*count=*/true);
  if (!pos.ok()) return pos.status();
  Result<EntryState> osp =
      AddEntry(Permutation::kOsp, Permute(Permutation::kOsp, triple), annotated);
  if (!osp.ok()) return osp.status();
  if (annotated) {
    rocksdb::Status s = batch_->Put(store_->family(kInstances), AnnotationSetKey(triple),
                                    EncodeInstanceSet({instance}));
    if (!s.ok()) return FromRocks(s, "write failed");
  }
  Result<PredicateStats> stats = GetStats(triple.p);
  if (!stats.ok()) return stats.status();
  stats->facts += 1;
  stats->subjects += spo->list_empty ? 1 : 0;
  stats->objects += pos->list_empty ? 1 : 0;
  stats->subject_sq += SquareDelta(spo->length, spo->length + 1);
  stats->object_sq += SquareDelta(pos->length, pos->length + 1);
  if (Status st = PutStats(triple.p, *stats); !st.ok()) return st;
  if (Status st = IndexName(triple, /*add=*/true); !st.ok()) return st;
  return true;
}

Result<size_t> RocksTxn::Delete(const Triple& triple) {
  if (Status s = CheckWritable(); !s.ok()) return s;
  Result<EntryState> spo =
      DeleteEntry(Permutation::kSpo, Permute(Permutation::kSpo, triple), /*count=*/true);
  if (!spo.ok()) return spo.status();
  if (!spo->existed) return size_t{0};
  size_t instances = 1;
  if (spo->annotated) {
    std::vector<FactInstance> set;
    Result<bool> found = ReadInstanceSet(triple, &set);
    if (!found.ok()) return found.status();
    if (!*found) return Status::Corruption("a fact flagged as annotated has no annotation set");
    instances = set.size();
    rocksdb::Status s = batch_->Delete(store_->family(kInstances), AnnotationSetKey(triple));
    if (!s.ok()) return FromRocks(s, "write failed");
  }
  Result<EntryState> pos =
      DeleteEntry(Permutation::kPos, Permute(Permutation::kPos, triple), /*count=*/true);
  if (!pos.ok()) return pos.status();
  Result<EntryState> osp = DeleteEntry(Permutation::kOsp, Permute(Permutation::kOsp, triple));
  if (!osp.ok()) return osp.status();
  if (!pos->existed || !osp->existed) {
    return Status::Corruption("a fact in spo is missing from pos or osp");
  }
  Result<PredicateStats> stats = GetStats(triple.p);
  if (!stats.ok()) return stats.status();
  if (stats->facts == 0) return Status::Corruption("statistics miss a stored predicate");
  stats->facts -= 1;
  stats->subjects -= spo->list_empty ? 1 : 0;
  stats->objects -= pos->list_empty ? 1 : 0;
  stats->subject_sq += SquareDelta(spo->length, spo->length - 1);  // modulo 2^64: less
  stats->object_sq += SquareDelta(pos->length, pos->length - 1);
  if (Status st = PutStats(triple.p, *stats); !st.ok()) return st;
  if (Status st = IndexName(triple, /*add=*/false); !st.ok()) return st;
  return instances;
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
  std::shared_ptr<const StatsTable> published = stats_;
  if (!pending_stats_.empty()) {
    auto table = std::make_shared<StatsTable>(*stats_);
    for (const auto& [predicate, stats] : pending_stats_) {
      if (stats.facts == 0) {
        table->erase(predicate);
      } else {
        (*table)[predicate] = stats;
      }
    }
    published = std::move(table);
  }
  Status s = store_->Publish(batch_->GetWriteBatch(), store_->commit_options(), published);
  batch_->Clear();
  return s;
}

std::string EncodeLegacyAnnotations(const Annotations& annotations) {
  std::string out;
  out.reserve(annotations.size() * 16);
  for (const auto& [key, value] : annotations) {
    PutBigEndian64(&out, key);
    PutBigEndian64(&out, value);
  }
  return out;
}

bool DecodeLegacyAnnotations(const char* data, size_t size, Annotations* out) {
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
