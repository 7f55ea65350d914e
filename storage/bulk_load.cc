#include "storage/bulk_load.h"

#include <rocksdb/sst_file_writer.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>
#include <tuple>

#include "core/term_id.h"
#include "storage/key_codec.h"
#include "storage/name_index.h"

namespace quipu::storage {
namespace {

namespace fs = std::filesystem;

constexpr char kBulkDirPrefix[] = "bulk-load.tmp";

std::string SeqKey(TermType type) {
  return std::string("next_id/") + static_cast<char>('a' + static_cast<int>(type));
}

}  // namespace

RocksBulkLoad::RocksBulkLoad(RocksDbStore* store, std::unique_lock<std::mutex> lock)
    : store_(store),
      db_(store->db()),
      lock_(std::move(lock)),
      snapshot_(store->db()->GetSnapshot()) {
  static std::atomic<int> counter{0};
  const fs::path db_dir(db_->GetName());
  std::error_code ec;
  // Files of a load that crashed before ingesting are of no use: the write
  // lock and the database's LOCK file mean no other load is running.
  for (const auto& entry : fs::directory_iterator(db_dir, ec)) {
    if (entry.path().filename().string().rfind(kBulkDirPrefix, 0) == 0) {
      fs::remove_all(entry.path(), ec);
    }
  }
  dir_ = (db_dir / (std::string(kBulkDirPrefix) + std::to_string(counter++))).string();
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, store_->family(kSpo)));
  it->SeekToFirst();
  store_had_facts_ = it->Valid() || !it->status().ok();
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

Result<bool> RocksBulkLoad::PrefixExists(Family family, const std::string& prefix) {
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  const std::string upper = PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  if (!upper.empty()) options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, store_->family(family)));
  it->Seek(prefix);
  if (it->Valid()) return it->key().starts_with(prefix);
  if (!it->status().ok()) return FromRocks(it->status(), "read failed");
  return false;
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
  const std::string encoded = EncodeAnnotations(annotations);
  instances_.push_back(Instance{triple, AnnotationsHash(annotations),
                                static_cast<uint32_t>(annotations_.size()),
                                static_cast<uint32_t>(encoded.size())});
  annotations_ += encoded;
  if (annotations_.size() > UINT32_MAX) return Status::NotSupported("too many annotations");
  return Status::Ok();
}

Result<bool> RocksBulkLoad::PredicateStored(uint64_t p) {
  if (!store_had_facts_) return false;
  auto [it, fresh] = predicate_stored_.try_emplace(p, true);
  if (fresh) {
    std::string key, value;
    PutBigEndian64(&key, p);
    Result<bool> found = Get(kStats, key, &value);
    if (!found.ok()) return found.status();
    it->second = *found;
  }
  return it->second;
}

Result<std::vector<Triple>> RocksBulkLoad::NewInstances() {
  auto order = [](const Instance& a, const Instance& b) {
    if (a.triple.s != b.triple.s) return a.triple.s < b.triple.s;
    if (a.triple.p != b.triple.p) return a.triple.p < b.triple.p;
    if (a.triple.o != b.triple.o) return a.triple.o < b.triple.o;
    return a.hash < b.hash;
  };
  std::sort(instances_.begin(), instances_.end(), order);
  std::vector<Instance> kept;
  std::vector<Triple> triples;
  std::string ignored;
  for (size_t i = 0; i < instances_.size(); ++i) {
    const Instance& in = instances_[i];
    if (i > 0 && !order(instances_[i - 1], in)) continue;  // the same instance twice
    Result<bool> maybe_stored = PredicateStored(in.triple.p);
    if (!maybe_stored.ok()) return maybe_stored.status();
    if (*maybe_stored) {
      Result<bool> stored = Get(kInstances, EncodeInstanceKey(in.triple, in.hash), &ignored);
      if (!stored.ok()) return stored.status();
      if (*stored) continue;
    }
    kept.push_back(in);
    if (!triples.empty() && triples.back() == in.triple) continue;
    if (*maybe_stored) {
      Result<bool> stored = Get(kSpo, EncodeTripleKey(Permutation::kSpo, in.triple), &ignored);
      if (!stored.ok()) return stored.status();
      if (*stored) continue;
    }
    triples.push_back(in.triple);
  }
  instances_ = std::move(kept);
  return triples;
}

Status RocksBulkLoad::AddStats(const std::vector<Triple>& triples, KeyValues* out) {
  // Per predicate: new triples, and subjects and objects new to it.
  std::unordered_map<uint64_t, PredicateStats> delta;
  for (size_t i = 0; i < triples.size(); ++i) {  // sorted by s, p, o
    const Triple& t = triples[i];
    PredicateStats& d = delta[t.p];
    ++d.facts;
    if (i > 0 && triples[i - 1].s == t.s && triples[i - 1].p == t.p) continue;
    Result<bool> known = PredicateStored(t.p);
    if (known.ok() && *known) {
      std::string sp;
      PutBigEndian64(&sp, t.s), PutBigEndian64(&sp, t.p);
      known = PrefixExists(kSpo, sp);
    }
    if (!known.ok()) return known.status();
    d.subjects += *known ? 0 : 1;
  }
  std::vector<std::pair<uint64_t, uint64_t>> po;
  po.reserve(triples.size());
  for (const Triple& t : triples) po.emplace_back(t.p, t.o);
  std::sort(po.begin(), po.end());
  po.erase(std::unique(po.begin(), po.end()), po.end());
  for (const auto& [p, o] : po) {
    Result<bool> known = PredicateStored(p);
    if (known.ok() && *known) {
      std::string prefix;
      PutBigEndian64(&prefix, p), PutBigEndian64(&prefix, o);
      known = PrefixExists(kPos, prefix);
    }
    if (!known.ok()) return known.status();
    delta[p].objects += *known ? 0 : 1;
  }
  for (const auto& [p, d] : delta) {
    std::string key, value;
    PutBigEndian64(&key, p);
    PredicateStats stats;
    if (store_had_facts_) {
      Result<bool> found = Get(kStats, key, &value);
      if (!found.ok()) return found.status();
      if (*found) {
        if (value.size() != 24) return Status::Corruption("statistics record of wrong size");
        stats = {GetBigEndian64(value.data()), GetBigEndian64(value.data() + 8),
                 GetBigEndian64(value.data() + 16)};
      }
    }
    value.clear();
    PutBigEndian64(&value, stats.facts + d.facts);
    PutBigEndian64(&value, stats.subjects + d.subjects);
    PutBigEndian64(&value, stats.objects + d.objects);
    out->emplace_back(std::move(key), std::move(value));
  }
  std::sort(out->begin(), out->end());
  return Status::Ok();
}

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

Status RocksBulkLoad::WriteFile(Family family, const KeyValues& kvs,
                                std::vector<rocksdb::IngestExternalFileArg>* args) {
  return WriteFile(
      family, kvs.size(),
      [&](size_t i, std::string* key, std::string* value) {
        *key = kvs[i].first;
        *value = kvs[i].second;
      },
      args);
}

Status RocksBulkLoad::WriteFile(
    Family family, size_t count,
    const std::function<void(size_t, std::string*, std::string*)>& entry,
    std::vector<rocksdb::IngestExternalFileArg>* args) {
  if (count == 0) return Status::Ok();  // SstFileWriter refuses an empty file
  const rocksdb::Options options = db_->GetOptions(store_->family(family));
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, store_->family(family));
  const std::string path = dir_ + "/" + kFamilyNames[family] + ".sst";
  rocksdb::Status s = writer.Open(path);
  std::string key, value;
  for (size_t i = 0; s.ok() && i < count; ++i) {
    key.clear();
    value.clear();
    entry(i, &key, &value);
    s = writer.Put(key, value);
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

Status RocksBulkLoad::WriteIndex(Permutation perm, const std::vector<Triple>& triples,
                                 std::vector<rocksdb::IngestExternalFileArg>* args) {
  // Keys are big-endian ids, so sorting the permuted ids sorts the keys.
  std::vector<Triple> sorted = triples;  // already in spo order
  if (perm == Permutation::kPos) {
    std::sort(sorted.begin(), sorted.end(), [](const Triple& a, const Triple& b) {
      return std::tie(a.p, a.o, a.s) < std::tie(b.p, b.o, b.s);
    });
  } else if (perm == Permutation::kOsp) {
    std::sort(sorted.begin(), sorted.end(), [](const Triple& a, const Triple& b) {
      return std::tie(a.o, a.s, a.p) < std::tie(b.o, b.s, b.p);
    });
  }
  const Family family = static_cast<Family>(kSpo + static_cast<int>(perm));
  return WriteFile(
      family, sorted.size(),
      [&](size_t i, std::string* key, std::string*) { *key = EncodeTripleKey(perm, sorted[i]); },
      args);
}

Result<uint64_t> RocksBulkLoad::Commit() {
  if (committed_) return Status::Internal("commit twice");
  committed_ = true;
  Result<std::vector<Triple>> triples = NewInstances();
  if (!triples.ok()) return triples.status();
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return Status::IoError("bulk load: cannot create " + dir_ + ": " + ec.message());

  // The pos and osp files are sorted and written on a second thread.
  std::vector<rocksdb::IngestExternalFileArg> args, side_args;
  Status side;
  std::thread side_thread([&] {
    side = WriteIndex(Permutation::kPos, *triples, &side_args);
    if (side.ok()) side = WriteIndex(Permutation::kOsp, *triples, &side_args);
  });
  Status spo = WriteIndex(Permutation::kSpo, *triples, &args);
  // Instance keys are in kInstanceOrder (pos), the buffer in spo order.
  static_assert(kInstanceOrder == Permutation::kPos);
  std::sort(instances_.begin(), instances_.end(), [](const Instance& a, const Instance& b) {
    return std::tie(a.triple.p, a.triple.o, a.triple.s, a.hash) <
           std::tie(b.triple.p, b.triple.o, b.triple.s, b.hash);
  });
  side_thread.join();
  if (!spo.ok()) return spo;
  if (!side.ok()) return side;
  for (auto& arg : side_args) args.push_back(std::move(arg));
  Status written = WriteFile(
      kInstances, instances_.size(),
      [&](size_t i, std::string* key, std::string* value) {
        const Instance& in = instances_[i];
        *key = EncodeInstanceKey(in.triple, in.hash);
        value->assign(annotations_, in.offset, in.size);
      },
      &args);
  if (!written.ok()) return written;

  KeyValues term2id, id2term, meta;
  for (const NewTerm& term : terms_in_order_) {
    std::string id;
    PutBigEndian64(&id, term.id);
    term2id.emplace_back(term.key, id);
    id2term.emplace_back(id, term.key.substr(1));
  }
  std::sort(term2id.begin(), term2id.end());
  std::sort(id2term.begin(), id2term.end());
  for (int type = 0; type < 16; ++type) {
    if (next_seq_[type] == 0) continue;
    std::string next;
    PutBigEndian64(&next, next_seq_[type]);
    meta.emplace_back(SeqKey(static_cast<TermType>(type)), next);
  }
  std::sort(meta.begin(), meta.end());
  KeyValues stats, names;
  if (Status s = AddStats(*triples, &stats); !s.ok()) return s;
  if (Status s = AddNames(*triples, &names); !s.ok()) return s;
  for (auto& [family, values] : {std::pair<Family, KeyValues*>{kTerm2Id, &term2id},
                                 {kId2Term, &id2term},
                                 {kStats, &stats},
                                 {kMeta, &meta},
                                 {kNames, &names}}) {
    if (Status s = WriteFile(family, *values, &args); !s.ok()) return s;
  }
  if (!args.empty()) {
    const rocksdb::Status s = db_->IngestExternalFiles(args);
    if (!s.ok()) return FromRocks(s, "bulk load: ingestion failed");
  }
  return static_cast<uint64_t>(instances_.size());
}

}  // namespace quipu::storage
