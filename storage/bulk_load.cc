#include "storage/bulk_load.h"

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
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

}  // namespace

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

Result<uint64_t> RocksBulkLoad::InternTerm(const Value& value) {
  if (std::optional<uint64_t> id = InlineId(value)) return *id;
  const TermType type = DictionaryType(value);
  if (type == TermType::kInvalid) {
    if (value.is_null()) return Status::InvalidArgument("a null value cannot be stored");
    return Status::InvalidArgument(std::string("a ") + TypeName(value.type()) +
                                   " value out of the storable range");
  }
  std::string key(1, static_cast<char>(type));
  key += DictionaryBytes(value);
  if (auto it = new_terms_.find(key); it != new_terms_.end()) return it->second;
  std::string id_bytes;
  Result<bool> found = Get(kTerm2Id, key, &id_bytes);
  if (!found.ok()) return found.status();
  if (*found) {
    if (id_bytes.size() != 8) return Status::Corruption("term id of wrong size");
    return GetBigEndian64(id_bytes.data());
  }
  uint64_t& seq = next_seq_[static_cast<int>(type)];
  if (seq == 0) {
    std::string seq_bytes;
    Result<bool> has_seq = Get(kMeta, SeqKey(type), &seq_bytes);
    if (!has_seq.ok()) return has_seq.status();
    seq = 1;
    if (*has_seq) {
      if (seq_bytes.size() != 8) return Status::Corruption("id sequence of wrong size");
      seq = GetBigEndian64(seq_bytes.data());
    }
    first_seq_[static_cast<int>(type)] = seq;
  }
  if (seq > kPayloadMask) return Status::Internal("term ids of this type are exhausted");
  if (terms_in_order_.size() >= UINT32_MAX) return Status::NotSupported("too many new terms");
  const uint64_t id = MakeId(type, seq++);
  new_by_seq_[static_cast<int>(type)].push_back(static_cast<uint32_t>(terms_in_order_.size()));
  new_terms_.emplace(key, id);
  terms_in_order_.push_back(NewTerm{std::move(key), id});
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

bool RocksBulkLoad::PredicateStored(uint64_t p) const { return stats_->count(p) != 0; }

Result<std::string> RocksBulkLoad::TermBytes(uint64_t id) {
  const int type = static_cast<int>(TypeOfId(id));
  const uint64_t seq = id & kPayloadMask;
  if (first_seq_[type] != 0 && seq >= first_seq_[type]) {
    const uint64_t i = seq - first_seq_[type];
    if (i >= new_by_seq_[type].size()) return Status::Internal("a term id this load never gave");
    return terms_in_order_[new_by_seq_[type][i]].key.substr(1);
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
  for (const Triple& t : triples) {
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

Result<uint64_t> RocksBulkLoad::Resolve(std::vector<FileEntry>* sets) {
  auto order = [](const Instance& a, const Instance& b) {
    return std::tie(a.triple.s, a.triple.p, a.triple.o, a.hash) <
           std::tie(b.triple.s, b.triple.p, b.triple.o, b.hash);
  };
  std::sort(instances_.begin(), instances_.end(), order);
  auto annotations_of = [&](const Instance& in) {
    return Annotations(annotations_.begin() + in.offset,
                       annotations_.begin() + in.offset + in.count);
  };
  // Stored facts are found through one iterator over spo, moving forward as
  // the sorted triples do.
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  options.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> spo(db_->NewIterator(options, store_->family(kSpo)));
  uint64_t added = 0;
  std::vector<FactInstance> set, stored_set;
  ListEntries chunk;
  for (size_t i = 0; i < instances_.size();) {
    const Triple t = instances_[i].triple;
    set.clear();
    for (; i < instances_.size() && instances_[i].triple == t; ++i) {
      if (!set.empty() && set.back().hash == instances_[i].hash) continue;  // the same twice
      set.push_back(FactInstance{instances_[i].hash, annotations_of(instances_[i])});
    }
    bool stored = false, stored_annotated = false;
    if (PredicateStored(t.p)) {
      spo->SeekForPrev(ChunkKey(t.s, t.p, t.o));
      if (spo->Valid() && spo->key().starts_with(ListKey(t.s, t.p))) {
        chunk.clear();
        if (!DecodeChunk(spo->value().ToStringView(), &chunk)) {
          return Status::Corruption("a list chunk that does not decode");
        }
        const auto at = std::lower_bound(chunk.ids.begin(), chunk.ids.end(), t.o);
        if (at != chunk.ids.end() && *at == t.o) {
          stored = true;
          stored_annotated = chunk.annotated[static_cast<size_t>(at - chunk.ids.begin())] != 0;
        }
      } else if (!spo->status().ok()) {
        return FromRocks(spo->status(), "read failed");
      }
    }
    const bool any = set.size() > 1 || !set[0].annotations.empty();
    if (!stored) {
      added += set.size();
      new_triples_.push_back(t);
      changes_.push_back(ListChange{t, any});
      if (any) sets->push_back(FileEntry{AnnotationSetKey(t), EncodeInstanceSet(set)});
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
    sets->push_back(FileEntry{AnnotationSetKey(t), EncodeInstanceSet(stored_set)});
  }
  if (!spo->status().ok()) return FromRocks(spo->status(), "read failed");
  // Set keys are in pos order.
  std::sort(sets->begin(), sets->end(),
            [](const FileEntry& x, const FileEntry& y) { return x.key < y.key; });
  return added;
}

Status RocksBulkLoad::ReadList(rocksdb::Iterator* it, uint64_t a, uint64_t b, ListEntries* list,
                               std::vector<std::string>* keys) {
  const std::string prefix = ListKey(a, b);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    keys->push_back(it->key().ToString());
    if (!DecodeChunk(it->value().ToStringView(), list)) {
      return Status::Corruption("a list chunk that does not decode");
    }
  }
  return FromRocks(it->status(), "read failed");
}

Status RocksBulkLoad::BuildLists(Permutation perm, std::vector<FileEntry>* out,
                                 std::unordered_map<uint64_t, PredicateStats>* new_ends) {
  std::vector<PermutedIds> entries;
  std::vector<uint8_t> flags;
  {
    std::vector<size_t> order(changes_.size());
    std::vector<PermutedIds> ids(changes_.size());
    for (size_t i = 0; i < changes_.size(); ++i) {
      order[i] = i;
      ids[i] = Permute(perm, changes_[i].triple);
    }
    if (perm != Permutation::kSpo) {  // changes_ are in spo order already
      std::sort(order.begin(), order.end(),
                [&](size_t x, size_t y) { return ByList(ids[x], ids[y]); });
    }
    entries.reserve(order.size());
    flags.reserve(order.size());
    for (size_t i : order) {
      entries.push_back(ids[i]);
      flags.push_back(changes_[i].annotated ? 1 : 0);
    }
  }
  const Family family = static_cast<Family>(kSpo + static_cast<int>(perm));
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  options.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, store_->family(family)));
  ListEntries list, merged;
  std::vector<std::string> old_keys;
  std::string value;
  for (size_t i = 0; i < entries.size();) {
    const uint64_t a = entries[i].a, b = entries[i].b;
    list.clear();
    old_keys.clear();
    // Only a stored predicate can have a stored spo or pos list; any pair of
    // entities may have an osp list once the store has facts.
    const bool may_exist = perm == Permutation::kSpo   ? PredicateStored(b)
                           : perm == Permutation::kPos ? PredicateStored(a)
                                                       : !stats_->empty();
    if (may_exist) {
      if (Status s = ReadList(it.get(), a, b, &list, &old_keys); !s.ok()) return s;
    }
    if (perm != Permutation::kOsp && list.empty()) {
      // A subject (spo) or an object (pos) new to its predicate.
      PredicateStats& ends = (*new_ends)[perm == Permutation::kSpo ? b : a];
      (perm == Permutation::kSpo ? ends.subjects : ends.objects) += 1;
    }
    // Merge the changes into the stored list: new entries, raised flags.
    merged.clear();
    size_t k = 0;
    for (; i < entries.size() && entries[i].a == a && entries[i].b == b; ++i) {
      const uint64_t c = entries[i].c;
      for (; k < list.size() && list.ids[k] < c; ++k)
        merged.push_back(list.ids[k], list.annotated[k]);
      if (k < list.size() && list.ids[k] == c) {
        merged.push_back(c, list.annotated[k] != 0 || flags[i] != 0);
        ++k;
      } else {
        merged.push_back(c, flags[i] != 0);
      }
    }
    for (; k < list.size(); ++k) merged.push_back(list.ids[k], list.annotated[k]);
    if (perm != Permutation::kOsp && merged.size() != list.size()) {
      // The node's degree went from the stored list's length to the merged one's.
      PredicateStats& ends = (*new_ends)[perm == Permutation::kSpo ? b : a];
      (perm == Permutation::kSpo ? ends.subject_sq : ends.object_sq) +=
          SquareDelta(list.size(), merged.size());
    }
    const std::vector<ChunkSpan> layout = ChunkLayout(a, b, merged);
    for (const ChunkSpan& span : layout) {
      value.clear();
      EncodeChunk(merged, span.begin, span.end, &value);
      out->push_back(FileEntry{span.key, value});
    }
    // Stored chunks the new layout does not have go.
    for (const std::string& key : old_keys) {
      if (std::none_of(layout.begin(), layout.end(),
                       [&](const ChunkSpan& span) { return span.key == key; })) {
        out->push_back(FileEntry{key, "", /*deleted=*/true});
      }
    }
  }
  std::sort(out->begin(), out->end(),
            [](const FileEntry& x, const FileEntry& y) { return x.key < y.key; });
  return Status::Ok();
}

Status RocksBulkLoad::WriteFile(Family family, const std::vector<FileEntry>& entries,
                                std::vector<rocksdb::IngestExternalFileArg>* args) {
  if (entries.empty()) return Status::Ok();  // SstFileWriter refuses an empty file
  uint64_t bytes = 0;
  for (const FileEntry& entry : entries) bytes += entry.key.size() + entry.value.size();
  if (Status s = store_->CheckSpace(bytes); !s.ok()) return s;
  const rocksdb::Options options = db_->GetOptions(store_->family(family));
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, store_->family(family));
  const std::string path = dir_ + "/" + kFamilyNames[family] + ".sst";
  rocksdb::Status s = writer.Open(path);
  for (size_t i = 0; s.ok() && i < entries.size(); ++i) {
    s = entries[i].deleted ? writer.Delete(entries[i].key)
                           : writer.Put(entries[i].key, entries[i].value);
  }
  if (s.ok()) s = writer.Finish();
  if (!s.ok()) return FromRocks(s, "bulk load: cannot write " + path);
  rocksdb::IngestExternalFileArg arg;
  arg.column_family = store_->family(family);
  arg.external_files.push_back(path);
  arg.options.move_files = true;
  args->push_back(std::move(arg));
  return Status::Ok();
}

Result<uint64_t> RocksBulkLoad::Commit() {
  if (committed_) return Status::Internal("commit twice");
  committed_ = true;
  EnterPhase(LoadPhase::kSort);
  std::vector<FileEntry> sets;
  Result<uint64_t> added = Resolve(&sets);
  if (!added.ok()) return added.status();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError("bulk load: cannot create " + dir_ + ": " + ec.message());

  // pos and osp are built on a second thread.
  std::vector<FileEntry> spo, pos, osp;
  std::unordered_map<uint64_t, PredicateStats> ends, side_ends;
  Status side;
  std::thread side_thread([&] {
    side = BuildLists(Permutation::kPos, &pos, &side_ends);
    if (side.ok()) side = BuildLists(Permutation::kOsp, &osp, &side_ends);
  });
  Status main = BuildLists(Permutation::kSpo, &spo, &ends);
  side_thread.join();
  if (!main.ok()) return main;
  if (!side.ok()) return side;
  EnterPhase(LoadPhase::kWrite);
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (auto& [family, entries] : {std::pair<Family, std::vector<FileEntry>*>{kSpo, &spo},
                                  {kPos, &pos},
                                  {kOsp, &osp},
                                  {kInstances, &sets}}) {
    if (Status s = WriteFile(family, *entries, &args); !s.ok()) return s;
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
  std::vector<FileEntry> stats, term2id, id2term, meta, names;
  std::vector<uint64_t> touched;
  for (const Triple& t : new_triples_) touched.push_back(t.p);
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  for (uint64_t p : touched) {
    std::string key;
    PutBigEndian64(&key, p);
    stats.push_back(FileEntry{std::move(key), EncodeStats((*table)[p])});
  }
  for (const NewTerm& term : terms_in_order_) {
    std::string id;
    PutBigEndian64(&id, term.id);
    term2id.push_back(FileEntry{term.key, id});
    id2term.push_back(FileEntry{id, term.key.substr(1)});
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
  for (auto* entries : {&stats, &term2id, &id2term, &meta, &names}) {
    std::sort(entries->begin(), entries->end(),
              [](const FileEntry& x, const FileEntry& y) { return x.key < y.key; });
    entries->erase(
        std::unique(entries->begin(), entries->end(),
                    [](const FileEntry& x, const FileEntry& y) { return x.key == y.key; }),
        entries->end());
  }
  for (auto& [family, entries] : {std::pair<Family, std::vector<FileEntry>*>{kTerm2Id, &term2id},
                                  {kId2Term, &id2term},
                                  {kStats, &stats},
                                  {kMeta, &meta},
                                  {kNames, &names}}) {
    if (Status s = WriteFile(family, *entries, &args); !s.ok()) return s;
  }
  EnterPhase(LoadPhase::kIngest);
  if (Status s = store_->Publish(nullptr, rocksdb::WriteOptions(), std::move(table),
                                 [&]() -> rocksdb::Status {
                                   if (args.empty()) return rocksdb::Status::OK();
                                   return db_->IngestExternalFiles(args);
                                 });
      !s.ok()) {
    return s;
  }
  if (!args.empty()) store_->RequestCompaction();
  return *added;
}
}  // namespace quipu::storage
