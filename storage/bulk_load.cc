#include "storage/bulk_load.h"

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>
#include <tuple>
#include <unordered_set>

#include "core/term_id.h"
#include "storage/instance_set.h"
#include "storage/key_codec.h"
#include "storage/name_index.h"

namespace quipu::storage {
namespace {

namespace fs = std::filesystem;

std::string SeqKey(TermType type) {
  return std::string("next_id/") + static_cast<char>('a' + static_cast<int>(type));
}

// Checks an interrupt at the first Tick and then after every kStep units of
// work (terms looked up, instances, lists' entries, file entries): often
// enough that a cancel stops a commit of millions of facts without
// finishing the loop, seldom enough to cost nothing. One per loop and
// thread.
class InterruptCheck {
 public:
  explicit InterruptCheck(const Interrupt* interrupt) : interrupt_(interrupt) {}
  Status Tick(uint64_t work = 1) {
    const bool due = done_ >= next_;
    done_ += work;
    if (!due || interrupt_ == nullptr) return Status::Ok();
    next_ = done_ + kStep;
    return interrupt_->Check();
  }

 private:
  static constexpr uint64_t kStep = 4096;
  const Interrupt* interrupt_;
  uint64_t done_ = 0, next_ = 0;
};

// std::sort by `less` that checks `interrupt` every 65,536 comparisons and
// stops with its error: the sorts of a commit (of the terms and instances,
// of the lists for pos and osp, of the new terms by key) are long, and a
// cancel that came during them waited up to 0.6 s at 2,000,000 facts. The
// comparison throws to leave std::sort, which keeps the elements valid in
// some order; the caller then drops them.
template <typename It, typename Less>
Status SortUnlessInterrupted(It first, It last, const Less& less, const Interrupt* interrupt) {
  if (interrupt == nullptr) {
    std::sort(first, last, less);
    return Status::Ok();
  }
  struct Stopped {};
  Status status;
  uint64_t comparisons = 0;
  try {
    std::sort(first, last, [&](const auto& x, const auto& y) {
      if ((++comparisons & 0xffff) == 0) {
        status = interrupt->Check();
        if (!status.ok()) throw Stopped{};
      }
      return less(x, y);
    });
  } catch (const Stopped&) {
    return status;
  }
  return Status::Ok();
}

}  // namespace

// One family's SST file, written in key order as the load produces its
// entries (no copy of them is kept).
class RocksBulkLoad::SstFile {
 public:
  SstFile(const RocksDbStore* store, rocksdb::ColumnFamilyHandle* family, std::string path)
      : store_(store),
        options_(store->db()->GetOptions(family)),
        writer_(rocksdb::EnvOptions(), options_, family),
        family_(family),
        path_(std::move(path)) {}

  Status Put(const rocksdb::Slice& key, const rocksdb::Slice& value) {
    if (Status s = Reserve(key.size() + value.size()); !s.ok()) return s;
    return Check(writer_.Put(key, value));
  }
  Status Delete(const rocksdb::Slice& key) {
    if (Status s = Reserve(key.size()); !s.ok()) return s;
    return Check(writer_.Delete(key));
  }
  // Finishes the file and adds it to `args`; a file with no entries is left
  // out (SstFileWriter refuses to finish one).
  Status Finish(std::vector<rocksdb::IngestExternalFileArg>* args) {
    if (entries_ == 0) return Status::Ok();
    if (Status s = Check(writer_.Finish()); !s.ok()) return s;
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = family_;
    arg.external_files.push_back(path_);
    arg.options.move_files = true;
    args->push_back(std::move(arg));
    return Status::Ok();
  }

 private:
  // Opens the file at the first entry, and checks the disk's free space
  // (RocksDbStore::CheckSpace) for each kSpaceStep of entries to come: the
  // file is written as its entries are made, so its size is not known
  // before.
  static constexpr uint64_t kSpaceStep = uint64_t{16} << 20;
  Status Reserve(uint64_t bytes) {
    ++entries_;
    bytes_ += bytes;
    if (bytes_ > reserved_) {
      if (Status s = store_->CheckSpace(kSpaceStep); !s.ok()) return s;
      reserved_ += kSpaceStep;
    }
    if (opened_) return Status::Ok();
    opened_ = true;
    return Check(writer_.Open(path_));
  }
  Status Check(const rocksdb::Status& s) {
    return s.ok() ? Status::Ok() : FromRocks(s, "bulk load: cannot write " + path_);
  }

  const RocksDbStore* store_;
  const rocksdb::Options options_;
  rocksdb::SstFileWriter writer_;
  rocksdb::ColumnFamilyHandle* family_;
  const std::string path_;
  bool opened_ = false;
  uint64_t entries_ = 0;
  uint64_t bytes_ = 0;     // of the entries given so far
  uint64_t reserved_ = 0;  // bytes CheckSpace has allowed
};

RocksBulkLoad::RocksBulkLoad(RocksDbStore* store, std::unique_lock<std::mutex> lock)
    : store_(store), db_(store->db()), lock_(std::move(lock)) {
  store_->Snapshot(&snapshot_, &stats_);
  static std::atomic<int> counter{0};
  // What a killed load left is removed by the next writable open.
  const fs::path db_dir(db_->GetName());
  dir_ = (db_dir / (std::string(kBulkLoadDirPrefix) + std::to_string(counter++))).string();
}

RocksBulkLoad::~RocksBulkLoad() {
  db_->ReleaseSnapshot(snapshot_);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

Result<bool> RocksBulkLoad::Get(Family family, const std::string& key, std::string* value) {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  const rocksdb::Status s = db_->Get(options, store_->family(family), key, value);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return FromRocks(s, "read failed");
  return true;
}

Status RocksBulkLoad::ReadSequence(TermType type) {
  uint64_t& seq = next_seq_[static_cast<int>(type)];
  if (seq != 0) return Status::Ok();
  std::string seq_bytes;
  Result<bool> has_seq = Get(kMeta, SeqKey(type), &seq_bytes);
  if (!has_seq.ok()) return has_seq.status();
  seq = 1;
  if (*has_seq) {
    if (seq_bytes.size() != 8) return Status::Corruption("id sequence of wrong size");
    seq = GetBigEndian64(seq_bytes.data());
  }
  // A type whose sequence never moved has no stored terms.
  type_stored_[static_cast<int>(type)] = seq > 1;
  first_seq_[static_cast<int>(type)] = seq;
  return Status::Ok();
}

Result<uint64_t> RocksBulkLoad::InternTerm(const Value& value) {
  if (std::optional<uint64_t> id = InlineId(value)) return *id;
  const TermType type = DictionaryType(value);
  if (type == TermType::kInvalid) {
    if (value.is_null()) return Status::InvalidArgument("a null value cannot be stored");
    return Status::InvalidArgument(std::string("a ") + TypeName(value.type()) +
                                   " value out of the storable range");
  }
  key_.assign(1, static_cast<char>(type));
  AppendDictionaryBytes(value, &key_);
  const uint64_t hash = TermTable::Hash(key_);
  if (const TermTable::Ref ref = terms_.Find(key_, hash); ref != TermTable::kAbsent) {
    return terms_.id(ref);
  }
  if (terms_.bytes() + key_.size() + 64 >= TermTable::kMaxBytes || key_.size() > UINT32_MAX) {
    return Status::NotSupported("too many terms for one load");
  }
  if (Status s = ReadSequence(type); !s.ok()) return s;
  const int t = static_cast<int>(type);
  if (type_stored_[t]) {
    // Stored or new: Commit looks these up together (ResolveTerms).
    if (provisional_.size() >= kProvisional) return Status::NotSupported("too many terms");
    const uint64_t id = MakeId(type, kProvisional | provisional_.size());
    provisional_.push_back(terms_.Insert(key_, hash, id));
    return id;
  }
  uint64_t& seq = next_seq_[t];
  if (seq >= kProvisional) return Status::Internal("term ids of this type are exhausted");
  const uint64_t id = MakeId(type, seq++);
  new_by_seq_[t].push_back(terms_.Insert(key_, hash, id));
  return id;
}

Status RocksBulkLoad::Add(const Triple& triple, const Annotations& given) {
  if (committed_) return Status::Internal("write after commit");
  Annotations annotations = given;
  std::sort(annotations.begin(), annotations.end());
  for (size_t i = 1; i < annotations.size(); ++i) {
    if (annotations[i].first == annotations[i - 1].first) {
      return Status::InvalidArgument("an annotation key is given twice");
    }
  }
  if (annotations_.size() + annotations.size() > UINT32_MAX) {
    return Status::NotSupported("too many annotations");
  }
  instances_.push_back(Instance{triple, AnnotationsHash(annotations),
                                static_cast<uint32_t>(annotations_.size()),
                                static_cast<uint32_t>(annotations.size())});
  annotations_.insert(annotations_.end(), annotations.begin(), annotations.end());
  return Status::Ok();
}

uint64_t RocksBulkLoad::FinalId(uint64_t id) const {
  if (IsInlineId(id) || (PayloadOf(id) & kProvisional) == 0) return id;
  return final_[PayloadOf(id) & ~kProvisional];
}

Status RocksBulkLoad::ResolveTerms() {
  const size_t n = provisional_.size();
  if (n == 0) return Status::Ok();
  // The stored ones, by MultiGet over the keys in order (a Get per term
  // cost a seek on every level: 11% of a 3M-fact load into 10M facts).
  std::vector<uint32_t> order(n);
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  Status sorted_keys = SortUnlessInterrupted(
      order.begin(), order.end(),
      [&](uint32_t x, uint32_t y) {
        return terms_.key(provisional_[x]) < terms_.key(provisional_[y]);
      },
      interrupt());
  if (!sorted_keys.ok()) return sorted_keys;
  final_.assign(n, 0);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  constexpr size_t kBatch = 1024;
  std::vector<rocksdb::Slice> keys(kBatch);
  std::vector<rocksdb::PinnableSlice> values(kBatch);
  std::vector<rocksdb::Status> statuses(kBatch);
  InterruptCheck check(interrupt());
  for (size_t from = 0; from < n; from += kBatch) {
    const size_t count = std::min(kBatch, n - from);
    if (Status s = check.Tick(count); !s.ok()) return s;
    for (size_t i = 0; i < count; ++i) {
      const std::string_view key = terms_.key(provisional_[order[from + i]]);
      keys[i] = rocksdb::Slice(key.data(), key.size());
      values[i].Reset();
    }
    db_->MultiGet(options, store_->family(kTerm2Id), count, keys.data(), values.data(),
                  statuses.data(), /*sorted_input=*/true);
    for (size_t i = 0; i < count; ++i) {
      if (statuses[i].IsNotFound()) continue;
      if (!statuses[i].ok()) return FromRocks(statuses[i], "read failed");
      if (values[i].size() != 8) return Status::Corruption("term id of wrong size");
      final_[order[from + i]] = GetBigEndian64(values[i].data());
    }
  }
  // The new ones get their sequence numbers in the order the load met them,
  // as they would have one by one.
  for (size_t i = 0; i < n; ++i) {
    const TermTable::Ref ref = provisional_[i];
    if (final_[i] == 0) {
      const TermType type = TypeOfId(terms_.id(ref));
      uint64_t& seq = next_seq_[static_cast<int>(type)];
      if (seq >= kProvisional) return Status::Internal("term ids of this type are exhausted");
      final_[i] = MakeId(type, seq++);
      new_by_seq_[static_cast<int>(type)].push_back(ref);
    }
    terms_.set_id(ref, final_[i]);
  }
  // The buffered instances in final ids: their annotations sorted again by
  // key and hashed again.
  Annotations sorted;
  for (Instance& in : instances_) {
    if (Status s = check.Tick(); !s.ok()) return s;
    in.triple = Triple{FinalId(in.triple.s), FinalId(in.triple.p), FinalId(in.triple.o)};
    if (in.count == 0) continue;
    const auto first = annotations_.begin() + in.offset, last = first + in.count;
    for (auto it = first; it != last; ++it) *it = {FinalId(it->first), FinalId(it->second)};
    std::sort(first, last);
    sorted.assign(first, last);
    in.hash = AnnotationsHash(sorted);
  }
  return Status::Ok();
}

bool RocksBulkLoad::PredicateStored(uint64_t p) const { return stats_->count(p) != 0; }

Result<std::string> RocksBulkLoad::TermBytes(uint64_t id) {
  const int type = static_cast<int>(TypeOfId(id));
  const uint64_t seq = id & kPayloadMask;
  if (first_seq_[type] != 0 && seq >= first_seq_[type]) {
    const uint64_t i = seq - first_seq_[type];
    if (i >= new_by_seq_[type].size()) return Status::Internal("a term id this load never gave");
    return std::string(terms_.key(new_by_seq_[type][i]).substr(1));
  }
  std::string key, bytes;
  PutBigEndian64(&key, id);
  Result<bool> found = Get(kId2Term, key, &bytes);
  if (!found.ok()) return found.status();
  if (!*found) return Status::Corruption("term id " + std::to_string(id) + " has no entry");
  return bytes;
}

Status RocksBulkLoad::AddNames(const std::vector<Triple>& triples, KeyValues* out) {
  std::unordered_map<uint64_t, bool> name_predicates;
  InterruptCheck check(interrupt());
  for (const Triple& t : triples) {
    if (Status s = check.Tick(); !s.ok()) return s;
    if (!IsNameValueId(t.o) || TypeOfId(t.p) != TermType::kEntity) continue;
    auto [known, fresh] = name_predicates.try_emplace(t.p, false);
    if (fresh) {
      Result<std::string> key = TermBytes(t.p);
      if (!key.ok()) return key.status();
      known->second = IsNamePredicate(*key);
    }
    if (!known->second) continue;
    Result<std::string> bytes = TermBytes(t.o);
    if (!bytes.ok()) return bytes.status();
    AppendNameEntries(t, NameText(t.o, *bytes), out);
  }
  std::sort(out->begin(), out->end());
  return Status::Ok();
}

namespace {

// The list (a, b) of an entry in a permutation's order, for sorting.
bool ByList(const PermutedIds& x, const PermutedIds& y) {
  return std::tie(x.a, x.b, x.c) < std::tie(y.a, y.b, y.c);
}

}  // namespace

Result<uint64_t> RocksBulkLoad::Resolve(std::vector<SetEntry>* sets) {
  auto order = [](const Instance& a, const Instance& b) {
    return std::tie(a.triple.s, a.triple.p, a.triple.o, a.hash) <
           std::tie(b.triple.s, b.triple.p, b.triple.o, b.hash);
  };
  if (Status s = SortUnlessInterrupted(instances_.begin(), instances_.end(), order, interrupt());
      !s.ok()) {
    return s;
  }
  auto annotations_of = [&](const Instance& in) {
    return Annotations(annotations_.begin() + in.offset,
                       annotations_.begin() + in.offset + in.count);
  };
  // Stored facts are found in their lists (s, p), read whole through one
  // iterator moving forward as the sorted triples do.
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  options.total_order_seek = true;
  ForwardReader spo{
      std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, store_->family(kSpo)))};
  uint64_t added = 0;
  std::vector<FactInstance> set, stored_set;
  ListEntries stored_list;
  std::vector<std::string> chunk_keys;
  bool list_read = false;
  uint64_t list_s = 0, list_p = 0;
  InterruptCheck check(interrupt());
  for (size_t i = 0; i < instances_.size();) {
    if (Status s = check.Tick(); !s.ok()) return s;
    const Triple t = instances_[i].triple;
    set.clear();
    for (; i < instances_.size() && instances_[i].triple == t; ++i) {
      if (!set.empty() && set.back().hash == instances_[i].hash) continue;  // the same twice
      set.push_back(FactInstance{instances_[i].hash, annotations_of(instances_[i])});
    }
    bool stored = false, stored_annotated = false;
    if (PredicateStored(t.p)) {
      if (!list_read || list_s != t.s || list_p != t.p) {
        stored_list.clear();
        chunk_keys.clear();
        if (Status s = ReadList(&spo, t.s, t.p, &stored_list, &chunk_keys); !s.ok()) return s;
        list_read = true, list_s = t.s, list_p = t.p;
      }
      const auto at = std::lower_bound(stored_list.ids.begin(), stored_list.ids.end(), t.o);
      if (at != stored_list.ids.end() && *at == t.o) {
        stored = true;
        stored_annotated =
            stored_list.annotated[static_cast<size_t>(at - stored_list.ids.begin())] != 0;
      }
    }
    const bool any = set.size() > 1 || !set[0].annotations.empty();
    if (!stored) {
      added += set.size();
      new_triples_.push_back(t);
      changes_.push_back(ListChange{t, any});
      if (any) AddSet(t, set, sets);
      continue;
    }
    // Stored: its instances until now, and those of the load among them.
    stored_set.clear();
    if (stored_annotated) {
      std::string value;
      Result<bool> found = Get(kInstances, AnnotationSetKey(t), &value);
      if (!found.ok()) return found.status();
      if (!*found || !DecodeInstanceSet(value, &stored_set)) {
        return Status::Corruption("a fact flagged as annotated has no annotation set");
      }
    } else {
      stored_set.emplace_back();  // the bare instance
    }
    uint64_t fresh = 0;
    for (FactInstance& instance : set) fresh += AddInstance(std::move(instance), &stored_set);
    if (fresh == 0) continue;
    added += fresh;
    if (!stored_annotated) changes_.push_back(ListChange{t, true});
    AddSet(t, stored_set, sets);
  }
  // Set keys are in pos order.
  auto pos_order = [](const SetEntry& x, const SetEntry& y) {
    return std::tie(x.triple.p, x.triple.o, x.triple.s) <
           std::tie(y.triple.p, y.triple.o, y.triple.s);
  };
  if (Status s = SortUnlessInterrupted(sets->begin(), sets->end(), pos_order, interrupt());
      !s.ok()) {
    return s;
  }
  return added;
}

void RocksBulkLoad::AddSet(const Triple& t, const std::vector<FactInstance>& set,
                           std::vector<SetEntry>* sets) {
  const std::string value = EncodeInstanceSet(set);
  sets->push_back(SetEntry{t, set_bytes_.size(), value.size()});
  set_bytes_ += value;
}

Status RocksBulkLoad::ReadList(ForwardReader* reader, uint64_t a, uint64_t b, ListEntries* list,
                               std::vector<std::string>* keys) {
  const std::string prefix = ListKey(a, b);
  rocksdb::Iterator* it = reader->it.get();
  // Lists are asked for in key order, so the iterator only moves forward:
  // it rests on the first key after the last list read. A list before that
  // key is absent without a seek (most, when the load's lists are new); one
  // a few keys ahead is reached by Next(), cheaper than a seek.
  if (!reader->started) {
    reader->started = true;
    it->Seek(prefix);
  } else if (it->Valid() && it->key().compare(prefix) < 0) {
    for (int step = 0; step < 4 && it->Valid() && it->key().compare(prefix) < 0; ++step) {
      it->Next();
    }
    if (it->Valid() && it->key().compare(prefix) < 0) it->Seek(prefix);
  }
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    keys->push_back(it->key().ToString());
    if (!DecodeChunk(it->value().ToStringView(), list)) {
      return Status::Corruption("a list chunk that does not decode");
    }
  }
  return FromRocks(it->status(), "read failed");
}

Status RocksBulkLoad::BuildLists(Permutation perm, Family family,
                                 std::unordered_map<uint64_t, PredicateStats>* new_ends,
                                 std::vector<rocksdb::IngestExternalFileArg>* args) {
  InterruptCheck check(interrupt());
  if (Status s = check.Tick(); !s.ok()) return s;
  std::unique_ptr<SstFile> file = NewFile(family);
  struct Change {
    PermutedIds ids;
    bool annotated;
  };
  std::vector<Change> entries(changes_.size());
  for (size_t i = 0; i < changes_.size(); ++i) {
    entries[i] = Change{Permute(perm, changes_[i].triple), changes_[i].annotated};
  }
  if (perm != Permutation::kSpo) {  // changes_ are in spo order already
    auto by_list = [](const Change& x, const Change& y) { return ByList(x.ids, y.ids); };
    if (Status s = SortUnlessInterrupted(entries.begin(), entries.end(), by_list, interrupt());
        !s.ok()) {
      return s;
    }
  }
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  options.total_order_seek = true;  // it moves from list to list
  ForwardReader reader{
      std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, store_->family(family)))};
  ListEntries list, merged;
  std::vector<std::string> old_keys;
  std::string value;
  for (size_t i = 0; i < entries.size();) {
    const uint64_t a = entries[i].ids.a, b = entries[i].ids.b;
    // A list costs its stored entries and the load's: a hub counts for all.
    if (Status s = check.Tick(list.size() + merged.size()); !s.ok()) return s;
    list.clear();
    old_keys.clear();
    // Only a stored predicate can have a stored spo or pos list; any pair of
    // entities may have an osp list once the store has facts.
    const bool may_exist = perm == Permutation::kSpo   ? PredicateStored(b)
                           : perm == Permutation::kPos ? PredicateStored(a)
                                                       : !stats_->empty();
    if (may_exist) {
      if (Status s = ReadList(&reader, a, b, &list, &old_keys); !s.ok()) return s;
    }
    if (perm != Permutation::kOsp && list.empty()) {
      // A subject (spo) or an object (pos) new to its predicate.
      PredicateStats& ends = (*new_ends)[perm == Permutation::kSpo ? b : a];
      (perm == Permutation::kSpo ? ends.subjects : ends.objects) += 1;
    }
    // Merge the changes into the stored list: new entries, raised flags.
    merged.clear();
    size_t k = 0;
    for (; i < entries.size() && entries[i].ids.a == a && entries[i].ids.b == b; ++i) {
      const uint64_t c = entries[i].ids.c;
      const bool flag = entries[i].annotated;
      for (; k < list.size() && list.ids[k] < c; ++k)
        merged.push_back(list.ids[k], list.annotated[k]);
      if (k < list.size() && list.ids[k] == c) {
        merged.push_back(c, list.annotated[k] != 0 || flag);
        ++k;
      } else {
        merged.push_back(c, flag);
      }
    }
    for (; k < list.size(); ++k) merged.push_back(list.ids[k], list.annotated[k]);
    if (perm != Permutation::kOsp && merged.size() != list.size()) {
      // The node's degree went from the stored list's length to the merged one's.
      PredicateStats& ends = (*new_ends)[perm == Permutation::kSpo ? b : a];
      (perm == Permutation::kSpo ? ends.subject_sq : ends.object_sq) +=
          SquareDelta(list.size(), merged.size());
    }
    // The list's chunks in key order: the new layout's, and deletions of
    // the stored chunks it no longer has (both sorted; the first chunk's
    // 16-byte key sorts before the later ones' 24-byte keys).
    size_t old = 0;
    for (const ChunkSpan& span : ChunkLayout(a, b, merged)) {
      for (; old < old_keys.size() && old_keys[old] < span.key(); ++old) {
        if (Status s = file->Delete(old_keys[old]); !s.ok()) return s;
      }
      if (old < old_keys.size() && old_keys[old] == span.key()) ++old;  // rewritten
      value.clear();
      EncodeChunk(merged, span.begin, span.end, &value);
      if (Status s = file->Put(span.key(), value); !s.ok()) return s;
    }
    for (; old < old_keys.size(); ++old) {
      if (Status s = file->Delete(old_keys[old]); !s.ok()) return s;
    }
  }
  return file->Finish(args);
}

Status RocksBulkLoad::WriteSets(const std::vector<SetEntry>& sets,
                                std::vector<rocksdb::IngestExternalFileArg>* args) {
  std::unique_ptr<SstFile> file = NewFile(kInstances);
  char key[kAnnotationSetKeySize];
  InterruptCheck check(interrupt());
  for (const SetEntry& set : sets) {
    if (Status s = check.Tick(); !s.ok()) return s;
    EncodeAnnotationSetKey(set.triple, key);
    Status s = file->Put(rocksdb::Slice(key, sizeof key),
                         rocksdb::Slice(set_bytes_.data() + set.offset, set.size));
    if (!s.ok()) return s;
  }
  return file->Finish(args);
}

Status RocksBulkLoad::WriteTerms(std::vector<rocksdb::IngestExternalFileArg>* args) {
  // id2term in id order: by type, then sequence, as new_by_seq_ keeps them.
  std::unique_ptr<SstFile> id2term = NewFile(kId2Term);
  std::vector<TermTable::Ref> fresh;
  std::string id;
  InterruptCheck check(interrupt());
  for (int type = 0; type < 16; ++type) {
    for (const TermTable::Ref i : new_by_seq_[type]) {
      if (Status s = check.Tick(); !s.ok()) return s;
      id.clear();
      PutBigEndian64(&id, terms_.id(i));
      if (Status s = id2term->Put(id, rocksdb::Slice(terms_.key(i).substr(1))); !s.ok()) return s;
      fresh.push_back(i);
    }
  }
  if (Status s = id2term->Finish(args); !s.ok()) return s;
  // term2id in key order.
  auto by_key = [&](TermTable::Ref x, TermTable::Ref y) { return terms_.key(x) < terms_.key(y); };
  if (Status s = SortUnlessInterrupted(fresh.begin(), fresh.end(), by_key, interrupt()); !s.ok()) {
    return s;
  }
  std::unique_ptr<SstFile> term2id = NewFile(kTerm2Id);
  for (const TermTable::Ref i : fresh) {
    if (Status s = check.Tick(); !s.ok()) return s;
    id.clear();
    PutBigEndian64(&id, terms_.id(i));
    const std::string_view key = terms_.key(i);
    if (Status s = term2id->Put(rocksdb::Slice(key), id); !s.ok()) return s;
  }
  return term2id->Finish(args);
}

Status RocksBulkLoad::WriteFile(Family family, const std::vector<FileEntry>& entries) {
  std::unique_ptr<SstFile> file = NewFile(family);
  for (const FileEntry& entry : entries) {
    if (Status s = file->Put(entry.key, entry.value); !s.ok()) return s;
  }
  return file->Finish(&args_);
}

std::unique_ptr<RocksBulkLoad::SstFile> RocksBulkLoad::NewFile(Family family) {
  return std::make_unique<SstFile>(store_, store_->family(family),
                                   dir_ + "/" + kFamilyNames[family] + ".sst");
}

Result<uint64_t> RocksBulkLoad::Commit() {
  if (committed_) return Status::Internal("commit twice");
  committed_ = true;
  // Until the ingestion every phase checks the interrupt: a cancelled load
  // returns from here with nothing written to the store (the destructor
  // removes dir_, the lock goes with the load). The sort phase's first check
  // is its first sort's (tests/load_cancel_test.cc cancels a load there).
  EnterPhase(LoadPhase::kSort);
  if (Status s = ResolveTerms(); !s.ok()) return s;
  std::vector<SetEntry> sets;
  Result<uint64_t> added = Resolve(&sets);
  if (!added.ok()) return added.status();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError("bulk load: cannot create " + dir_ + ": " + ec.message());

  // The files are written as their entries are made, by two threads (this
  // and one more) taking the tasks in turn, the largest first: the list
  // families, then the annotation sets and the dictionary.
  EnterPhase(LoadPhase::kWrite);
  std::unordered_map<uint64_t, PredicateStats> ends, side_ends;  // spo's, pos's
  std::vector<std::function<Status(std::vector<rocksdb::IngestExternalFileArg>*)>> tasks = {
      [&](auto* args) { return BuildLists(Permutation::kSpo, kSpo, &ends, args); },
      [&](auto* args) { return BuildLists(Permutation::kPos, kPos, &side_ends, args); },
      [&](auto* args) {
        std::unordered_map<uint64_t, PredicateStats> none;  // osp counts no ends
        return BuildLists(Permutation::kOsp, kOsp, &none, args);
      },
      [&](auto* args) { return WriteSets(sets, args); },
      [&](auto* args) { return WriteTerms(args); },
  };
  std::vector<Status> done(tasks.size());
  std::vector<std::vector<rocksdb::IngestExternalFileArg>> files(tasks.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};  // then no task starts (a cancel stops the running ones)
  auto work = [&] {
    for (size_t i; !failed && (i = next.fetch_add(1)) < tasks.size();) {
      done[i] = tasks[i](&files[i]);
      if (!done[i].ok()) failed = true;
    }
  };
  std::thread second(work);
  work();
  second.join();
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!done[i].ok()) return done[i];
    for (auto& arg : files[i]) args_.push_back(std::move(arg));
  }

  // The statistics: new facts per predicate, and the subjects and objects
  // whose lists were empty.
  auto table = std::make_shared<StatsTable>(*stats_);
  for (const Triple& t : new_triples_) (*table)[t.p].facts += 1;
  for (const auto& [p, d] : ends) {
    (*table)[p].subjects += d.subjects;
    (*table)[p].subject_sq += d.subject_sq;
  }
  for (const auto& [p, d] : side_ends) {
    (*table)[p].objects += d.objects;
    (*table)[p].object_sq += d.object_sq;
  }
  std::vector<FileEntry> stats, meta, names;
  std::vector<uint64_t> touched;
  for (const Triple& t : new_triples_) touched.push_back(t.p);
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (uint64_t p : touched) {
    std::string key;
    PutBigEndian64(&key, p);
    stats.push_back(FileEntry{std::move(key), EncodeStats((*table)[p])});
  }
  for (int type = 0; type < 16; ++type) {
    if (next_seq_[type] == 0) continue;
    std::string next;
    PutBigEndian64(&next, next_seq_[type]);
    meta.push_back(FileEntry{SeqKey(static_cast<TermType>(type)), next});
  }
  KeyValues name_entries;
  if (Status s = AddNames(new_triples_, &name_entries); !s.ok()) return s;
  for (auto& [key, value] : name_entries) names.push_back(FileEntry{key, value});
  for (auto* entries : {&stats, &meta, &names}) {
    std::sort(entries->begin(), entries->end(),
              [](const FileEntry& x, const FileEntry& y) { return x.key < y.key; });
    entries->erase(
        std::unique(entries->begin(), entries->end(),
                    [](const FileEntry& x, const FileEntry& y) { return x.key == y.key; }),
        entries->end());
  }
  for (auto& [family, entries] : {std::pair<Family, std::vector<FileEntry>*>{kStats, &stats},
                                  {kMeta, &meta},
                                  {kNames, &names}}) {
    if (Status s = WriteFile(family, *entries); !s.ok()) return s;
  }
  // The last moment a cancel counts: once the ingest phase has begun the
  // load completes (IngestExternalFiles is all or nothing).
  if (Status s = Interrupted(); !s.ok()) return s;
  EnterPhase(LoadPhase::kIngest);
  if (Status s = store_->Publish(nullptr, rocksdb::WriteOptions(), std::move(table),
                                 [&]() -> rocksdb::Status {
                                   if (args_.empty()) return rocksdb::Status::OK();
                                   return db_->IngestExternalFiles(args_);
                                 });
      !s.ok()) {
    return s;
  }
  if (!args_.empty()) store_->RequestCompaction();
  return *added;
}
}  // namespace quipu::storage
