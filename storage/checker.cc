#include "storage/checker.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/term_id.h"
#include "storage/fact_list.h"
#include "storage/instance_set.h"
#include "storage/key_codec.h"
#include "storage/name_index.h"
#include "storage/rocksdb_store.h"
#include "storage/stats_table.h"

namespace quipu::storage {
namespace {

constexpr TermType kDictionaryTypes[] = {TermType::kEntity, TermType::kString,
                                         TermType::kLangString, TermType::kBigInt,
                                         TermType::kBigDouble};

bool IsDictionaryType(int type) {
  for (TermType t : kDictionaryTypes) {
    if (static_cast<int>(t) == type) return true;
  }
  return false;
}

std::string Hex(uint64_t id) { return fmt::format("0x{:016x}", id); }

// How problems name the lists of each permutation (their families are
// spo_lists, pos_lists, osp_lists).
constexpr const char* kPermutationNames[] = {"spo", "pos", "osp"};

// Counts recomputed from the indexes, per predicate.
struct Recount {
  uint64_t facts = 0, subjects = 0, objects = 0;
  uint64_t subject_sq = 0, object_sq = 0;  // modulo 2^64, as stored
};

class Checker {
 public:
  Checker(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
          const rocksdb::Snapshot* snapshot, CheckReport* report, bool legacy_stats)
      : db_(db), families_(families), report_(report), legacy_stats_(legacy_stats) {
    options_.snapshot = snapshot;
    options_.total_order_seek = true;  // whole-family scans ignore prefix blooms
  }

  Status Run() {
    if (Status s = CheckDictionary(); !s.ok()) return s;
    if (Status s = CheckSpo(); !s.ok()) return s;
    if (Status s = CheckOtherIndex(Permutation::kPos); !s.ok()) return s;
    if (Status s = CheckOtherIndex(Permutation::kOsp); !s.ok()) return s;
    if (Status s = CheckInstanceSets(); !s.ok()) return s;
    if (Status s = CheckStats(); !s.ok()) return s;
    return CheckNames();
  }

 private:
  void Problem(std::string what) {
    ++report_->problem_count;
    if (report_->problems.size() < CheckReport::kMaxListed) {
      report_->problems.push_back(std::move(what));
    }
  }

  std::unique_ptr<rocksdb::Iterator> Iterate(Family family) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options_, families_[family]));
    it->SeekToFirst();
    return it;
  }

  Result<bool> Get(Family family, const rocksdb::Slice& key, std::string* value) {
    const rocksdb::Status s = db_->Get(options_, families_[family], key, value);
    if (s.IsNotFound()) return false;
    if (!s.ok()) return FromRocks(s, "check: read failed");
    return true;
  }

  // A term for a person: its literal when it decodes, else its id in hex.
  std::string Term(uint64_t id) {
    const TermType type = TypeOfId(id);
    if (IsInlineType(type)) return DecodeInline(id).ToLiteral();
    std::string key, bytes;
    PutBigEndian64(&key, id);
    Result<bool> found = Get(kId2Term, key, &bytes);
    if (!found.ok() || !*found) return "#" + Hex(id);
    Result<Value> value = DecodeDictionary(type, bytes);
    return value.ok() ? value->ToLiteral() : "#" + Hex(id);
  }

  std::string Fact(const Triple& t) {
    return "(" + Term(t.s) + ", " + Term(t.p) + ", " + Term(t.o) + ")";
  }

  // The problem with an id a fact or an annotation uses, or "".
  std::string BadId(uint64_t id) {
    const TermType type = TypeOfId(id);
    if (IsInlineType(type)) {
      if (type == TermType::kBool && (id & kPayloadMask) > 1) return "a boolean id out of range";
      return "";
    }
    if (!IsDictionaryType(static_cast<int>(type))) {
      return fmt::format("the id {} of unknown type {}", Hex(id), static_cast<int>(type));
    }
    if (dictionary_ids_.count(id) == 0) {
      return fmt::format("the id {}, which has no dictionary entry", Hex(id));
    }
    return "";
  }

  void CheckIds(const Triple& t, const std::string& where) {
    for (uint64_t id : {t.s, t.p, t.o}) {
      if (std::string bad = BadId(id); !bad.empty()) {
        Problem(fmt::format("{} {} uses {}", where, Fact(t), bad));
      }
    }
  }

  Status CheckDictionary() {
    uint64_t max_seq[16] = {};
    std::string value;
    for (auto it = Iterate(kTerm2Id); it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.empty() || !IsDictionaryType(static_cast<unsigned char>(key[0]))) {
        Problem(fmt::format("term2id holds the key {}, whose type byte is no dictionary type",
                            key.ToString(true)));
        continue;
      }
      const TermType type = static_cast<TermType>(key[0]);
      Result<Value> term = DecodeDictionary(type, key.ToStringView().substr(1));
      const std::string name = term.ok() ? term->ToLiteral() : key.ToString(true);
      if (it->value().size() != 8) {
        Problem(fmt::format("term2id maps {} to a value of {} bytes, not an 8-byte id", name,
                            it->value().size()));
        continue;
      }
      const uint64_t id = GetBigEndian64(it->value().data());
      if (TypeOfId(id) != type) {
        Problem(fmt::format("term2id maps {} to the id {} of another type", name, Hex(id)));
        continue;
      }
      Result<bool> found = Get(kId2Term, it->value(), &value);
      if (!found.ok()) return found.status();
      if (!*found) {
        Problem(fmt::format("term2id maps {} to the id {}, which id2term lacks", name, Hex(id)));
      } else if (value != key.ToStringView().substr(1)) {
        Problem(fmt::format("term2id maps {} to the id {}, but id2term gives that id to {}", name,
                            Hex(id), Term(id)));
      }
    }
    auto it = Iterate(kId2Term);
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != 8) {
        Problem(fmt::format("id2term holds a key of {} bytes, not an 8-byte id", key.size()));
        continue;
      }
      const uint64_t id = GetBigEndian64(key.data());
      const int type = static_cast<int>(TypeOfId(id));
      if (!IsDictionaryType(type)) {
        Problem(fmt::format("id2term holds the id {} of type {}, which is no dictionary type",
                            Hex(id), type));
        continue;
      }
      ++report_->terms;
      dictionary_ids_.insert(id);
      max_seq[type] = std::max(max_seq[type], id & kPayloadMask);
      Result<Value> term =
          DecodeDictionary(static_cast<TermType>(type), it->value().ToStringView());
      if (!term.ok()) {
        Problem(fmt::format("id2term holds bytes for the id {} that do not decode: {}", Hex(id),
                            term.status().message()));
        continue;
      }
      std::string term_key(1, static_cast<char>(type));
      term_key += it->value().ToStringView();
      Result<bool> found = Get(kTerm2Id, term_key, &value);
      if (!found.ok()) return found.status();
      if (!*found) {
        Problem(fmt::format("id2term gives the id {} to {}, which term2id lacks", Hex(id),
                            term->ToLiteral()));
      } else if (value.size() != 8 || GetBigEndian64(value.data()) != id) {
        Problem(fmt::format("id2term gives the id {} to {}, but term2id maps it to another id",
                            Hex(id), term->ToLiteral()));
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check: read failed");
    for (TermType type : kDictionaryTypes) {
      const int t = static_cast<int>(type);
      const std::string key = std::string("next_id/") + static_cast<char>('a' + t);
      Result<bool> found = Get(kMeta, key, &value);
      if (!found.ok()) return found.status();
      uint64_t next = 1;
      if (*found) {
        if (value.size() != 8) {
          Problem(fmt::format("meta {} holds {} bytes, not an 8-byte sequence", key, value.size()));
          continue;
        }
        next = GetBigEndian64(value.data());
      }
      if (max_seq[t] >= next) {
        Problem(fmt::format("meta {} is {}, but the id {} (sequence {}) exists already", key, next,
                            Hex(MakeId(type, max_seq[t])), max_seq[t]));
      }
    }
    return Status::Ok();
  }

  Result<bool> IsNameFact(const Triple& t) {
    if (!IsNameValueId(t.o) || TypeOfId(t.p) != TermType::kEntity) return false;
    auto [known, fresh] = name_predicates_.try_emplace(t.p, false);
    if (fresh) {
      std::string key, bytes;
      PutBigEndian64(&key, t.p);
      Result<bool> found = Get(kId2Term, key, &bytes);
      if (!found.ok()) return found.status();
      known->second = *found && IsNamePredicate(bytes);
    }
    return known->second;
  }

  // The name-index entries the triple must have (none when it is not a name
  // fact or its name has no entry).
  Result<KeyValues> NameEntries(const Triple& t) {
    KeyValues entries;
    Result<bool> is_name = IsNameFact(t);
    if (!is_name.ok()) return is_name.status();
    if (!*is_name) return entries;
    std::string key, bytes;
    PutBigEndian64(&key, t.o);
    Result<bool> found = Get(kId2Term, key, &bytes);
    if (!found.ok()) return found.status();
    if (*found) AppendNameEntries(t, NameText(t.o, bytes), &entries);
    return entries;
  }

  // Reads the lists of one permutation in order, a chunk at a time,
  // checking each chunk's key and value and that the chunks of a list are
  // in order; calls visit(triple, annotated) for every entry.
  template <typename Visit>
  Status ReadLists(Permutation perm, Visit visit) {
    const Family family = static_cast<Family>(kSpo + static_cast<int>(perm));
    const char* name = kPermutationNames[static_cast<int>(perm)];
    auto it = Iterate(family);
    ListEntries chunk;
    uint64_t a = 0, b = 0, last = 0;  // the list being read and its last entry
    bool in_list = false;
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != kListKeySize && key.size() != kChunkKeySize) {
        Problem(fmt::format("{} holds a key of {} bytes, not {} or {}", name, key.size(),
                            kListKeySize, kChunkKeySize));
        continue;
      }
      const uint64_t ka = GetBigEndian64(key.data()), kb = GetBigEndian64(key.data() + 8);
      const Triple list = Unpermute(perm, ka, kb, 0);
      chunk.clear();
      if (!DecodeChunk(it->value().ToStringView(), &chunk)) {
        Problem(fmt::format("{} holds a chunk of the list {} that does not decode", name,
                            ListName(perm, list)));
        continue;
      }
      const bool same_list = in_list && ka == a && kb == b;
      if (key.size() == kListKeySize) {
        in_list = true;
      } else {
        const uint64_t bound = GetBigEndian64(key.data() + 16);
        if (!same_list) {
          Problem(fmt::format("{} holds a later chunk of the list {} without its first", name,
                              ListName(perm, list)));
        } else if (bound <= last || bound > chunk.ids.front()) {
          Problem(fmt::format("{} holds a chunk of the list {} keyed out of order", name,
                              ListName(perm, list)));
        }
        in_list = true;
      }
      a = ka, b = kb;
      last = chunk.ids.back();
      for (size_t i = 0; i < chunk.size(); ++i) {
        if (Status s = visit(Unpermute(perm, ka, kb, chunk.ids[i]), chunk.annotated[i] != 0);
            !s.ok()) {
          return s;
        }
      }
    }
    return FromRocks(it->status(), "check: read failed");
  }

  // A list for a person: its two known ids, the third left open.
  std::string ListName(Permutation perm, const Triple& t) {
    const PermutedIds ids = Permute(perm, t);
    const uint64_t ab[2] = {ids.a, ids.b};
    std::string parts[3] = {"_", "_", "_"};
    const int order[3][2] = {{0, 1}, {1, 2}, {2, 0}};  // the positions a and b stand at
    for (int k = 0; k < 2; ++k) parts[order[static_cast<int>(perm)][k]] = Term(ab[k]);
    return "(" + parts[0] + ", " + parts[1] + ", " + parts[2] + ")";
  }

  // Whether list (a, b) of `perm` holds the fact, and with which flag.
  Result<std::optional<bool>> Probe(Permutation perm, const Triple& t) {
    const Family family = static_cast<Family>(kSpo + static_cast<int>(perm));
    std::unique_ptr<rocksdb::Iterator>& it = probes_[static_cast<int>(perm)];
    if (it == nullptr) it.reset(db_->NewIterator(options_, families_[family]));
    const PermutedIds ids = Permute(perm, t);
    it->SeekForPrev(ChunkKey(ids.a, ids.b, ids.c));
    if (!it->Valid()) {
      if (!it->status().ok()) return FromRocks(it->status(), "check: read failed");
      return std::optional<bool>();
    }
    if (!it->key().starts_with(ListKey(ids.a, ids.b))) return std::optional<bool>();
    ListEntries chunk;
    if (!DecodeChunk(it->value().ToStringView(), &chunk)) return std::optional<bool>();
    const auto at = std::lower_bound(chunk.ids.begin(), chunk.ids.end(), ids.c);
    if (at == chunk.ids.end() || *at != ids.c) return std::optional<bool>();
    return std::optional<bool>(chunk.annotated[static_cast<size_t>(at - chunk.ids.begin())] != 0);
  }

  Status CheckSpo() {
    uint64_t last_s = 0, last_p = 0, run = 0;
    bool first = true;
    std::string value;
    return ReadLists(Permutation::kSpo, [&](const Triple& t, bool annotated) -> Status {
      ++report_->facts;
      if (!annotated) ++report_->instances;  // the bare one
      CheckIds(t, "the fact");
      for (Permutation perm : {Permutation::kPos, Permutation::kOsp}) {
        const char* name = kPermutationNames[static_cast<int>(perm)];
        Result<std::optional<bool>> found = Probe(perm, t);
        if (!found.ok()) return found.status();
        if (!found->has_value()) {
          Problem(fmt::format("{} lacks the fact {}, which spo holds", name, Fact(t)));
        } else if (**found != annotated) {
          Problem(fmt::format("{} flags the fact {} as {}, spo as {}", name, Fact(t),
                              **found ? "annotated" : "bare", annotated ? "annotated" : "bare"));
        }
      }
      if (annotated) annotated_.insert(AnnotationSetKey(t));
      Recount& r = recount_[t.p];
      ++r.facts;
      if (first || t.s != last_s || t.p != last_p) {
        ++r.subjects;
        run = 0;
      }
      // The subject's degree so far goes from run to run + 1.
      r.subject_sq += 2 * run + 1;
      ++run;
      first = false;
      last_s = t.s, last_p = t.p;
      if (families_[kNames] == nullptr) return Status::Ok();
      Result<KeyValues> entries = NameEntries(t);
      if (!entries.ok()) return entries.status();
      for (const auto& [name_key, name_value] : *entries) {
        Result<bool> found = Get(kNames, name_key, &value);
        if (!found.ok()) return found.status();
        const std::string word = name_key.substr(0, name_key.size() - kChunkKeySize - 1);
        if (!*found) {
          Problem(fmt::format("names lacks the word '{}' of the name fact {}", word, Fact(t)));
        } else if (value != name_value) {
          Problem(
              fmt::format("names holds the word '{}' of the name fact {} with the wrong "
                          "word count or length",
                          word, Fact(t)));
        }
      }
      return Status::Ok();
    });
  }

  // pos or osp: every entry's fact is in spo; pos also recounts objects.
  Status CheckOtherIndex(Permutation perm) {
    const char* name = kPermutationNames[static_cast<int>(perm)];
    uint64_t last_p = 0, last_o = 0, run = 0;
    bool first = true;
    return ReadLists(perm, [&](const Triple& t, bool) -> Status {
      Result<std::optional<bool>> found = Probe(Permutation::kSpo, t);
      if (!found.ok()) return found.status();
      if (!found->has_value()) {
        CheckIds(t, "the fact");
        Problem(fmt::format("spo lacks the fact {}, which {} holds", Fact(t), name));
      }
      if (perm == Permutation::kPos) {
        Recount& r = recount_[t.p];
        if (first || t.p != last_p || t.o != last_o) {
          ++r.objects;
          run = 0;
        }
        r.object_sq += 2 * run + 1;
        ++run;
        first = false;
        last_p = t.p, last_o = t.o;
      }
      return Status::Ok();
    });
  }

  // Every set belongs to a fact spo flags as annotated, and every such fact
  // has one; a set holds well-formed instances, more than the bare one.
  Status CheckInstanceSets() {
    auto it = Iterate(kInstances);
    std::vector<FactInstance> set;
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != kAnnotationSetKeySize) {
        Problem(fmt::format("annotation_sets holds a key of {} bytes, not {}", key.size(),
                            kAnnotationSetKeySize));
        continue;
      }
      const Triple t{GetBigEndian64(key.data() + 16), GetBigEndian64(key.data()),
                     GetBigEndian64(key.data() + 8)};
      if (annotated_.erase(key.ToString()) == 0) {
        Result<std::optional<bool>> in_spo = Probe(Permutation::kSpo, t);
        if (!in_spo.ok()) return in_spo.status();
        Problem(fmt::format("annotation_sets holds the instances of {}, which spo {}", Fact(t),
                            in_spo->has_value() ? "flags as bare" : "lacks"));
        continue;
      }
      if (!DecodeInstanceSet(it->value().ToStringView(), &set)) {
        Problem(fmt::format("the instances of {} do not decode (or are out of order)", Fact(t)));
        continue;
      }
      report_->instances += set.size();
      if (set.size() == 1 && set[0].annotations.empty()) {
        Problem(fmt::format("the instances of {} are the bare one alone", Fact(t)));
      }
      for (const FactInstance& instance : set) {
        for (const auto& [k, v] : instance.annotations) {
          for (uint64_t id : {k, v}) {
            if (std::string bad = BadId(id); !bad.empty()) {
              Problem(fmt::format("an annotation of {} uses {}", Fact(t), bad));
            }
          }
        }
      }
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check: read failed");
    for (const std::string& key : annotated_) {
      const Triple t{GetBigEndian64(key.data() + 16), GetBigEndian64(key.data()),
                     GetBigEndian64(key.data() + 8)};
      Problem(
          fmt::format("spo flags the fact {} as annotated, but annotation_sets lacks its "
                      "instances",
                      Fact(t)));
    }
    return Status::Ok();
  }

  Status CheckStats() {
    std::map<uint64_t, Recount> unseen(recount_.begin(), recount_.end());
    auto it = Iterate(kStats);
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key(), value = it->value();
      const size_t value_size = legacy_stats_ ? kLegacyStatsValueSize : kStatsValueSize;
      PredicateStats read;
      if (key.size() != 8 || value.size() != value_size ||
          !DecodeStats(value.ToStringView(), legacy_stats_, &read)) {
        Problem(
            fmt::format("stats holds a record with a key of {} bytes and a value of {} (not "
                        "8 and {})",
                        key.size(), value.size(), value_size));
        continue;
      }
      ++report_->predicates;
      const uint64_t p = GetBigEndian64(key.data());
      const Recount stored{read.facts, read.subjects, read.objects, read.subject_sq,
                           read.object_sq};
      auto counted = unseen.find(p);
      if (counted == unseen.end()) {
        Problem(
            fmt::format("stats holds a record for {} (facts {}, subjects {}, objects {}), "
                        "which has no facts",
                        Term(p), stored.facts, stored.subjects, stored.objects));
        continue;
      }
      const Recount& c = counted->second;
      if (stored.facts != c.facts || stored.subjects != c.subjects || stored.objects != c.objects) {
        Problem(
            fmt::format("stats of {} say facts {}, subjects {}, objects {}; the indexes give "
                        "facts {}, subjects {}, objects {}",
                        Term(p), stored.facts, stored.subjects, stored.objects, c.facts, c.subjects,
                        c.objects));
      } else if (!legacy_stats_ &&
                 (stored.subject_sq != c.subject_sq || stored.object_sq != c.object_sq)) {
        Problem(
            fmt::format("stats of {} say the squared degrees sum to {} over subjects and {} "
                        "over objects; the indexes give {} and {}",
                        Term(p), stored.subject_sq, stored.object_sq, c.subject_sq, c.object_sq));
      }
      unseen.erase(counted);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check: read failed");
    for (const auto& [p, c] : unseen) {
      Problem(
          fmt::format("stats lacks the record of {} (the indexes give facts {}, subjects {}, "
                      "objects {})",
                      Term(p), c.facts, c.subjects, c.objects));
    }
    return Status::Ok();
  }

  Status CheckNames() {
    if (families_[kNames] == nullptr) return Status::Ok();
    auto it = Iterate(kNames);
    std::string value;
    for (; it->Valid(); it->Next()) {
      const std::string_view key = it->key().ToStringView();
      ++report_->name_entries;
      if (key.size() < kChunkKeySize + 2 || key[key.size() - kChunkKeySize - 1] != '\0') {
        Problem(fmt::format("names holds a malformed key {}", it->key().ToString(true)));
        continue;
      }
      const std::string word(key.substr(0, key.size() - kChunkKeySize - 1));
      const char* ids = key.data() + word.size() + 1;
      const Triple t{GetBigEndian64(ids), GetBigEndian64(ids + 8), GetBigEndian64(ids + 16)};
      Result<std::optional<bool>> stored = Probe(Permutation::kSpo, t);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) {
        Problem(fmt::format("names holds the word '{}' of {}, which spo lacks", word, Fact(t)));
        continue;
      }
      Result<KeyValues> entries = NameEntries(t);
      if (!entries.ok()) return entries.status();
      bool expected = false;
      for (const auto& entry : *entries) expected = expected || entry.first == key;
      if (!expected) {
        Problem(fmt::format("names holds the word '{}' of {}, which is not a word of a name fact",
                            word, Fact(t)));
      }
    }
    return FromRocks(it->status(), "check: read failed");
  }

  rocksdb::DB* db_;
  const std::vector<rocksdb::ColumnFamilyHandle*>& families_;
  CheckReport* report_;
  const bool legacy_stats_;
  rocksdb::ReadOptions options_;
  std::unordered_set<uint64_t> dictionary_ids_;
  std::unordered_map<uint64_t, Recount> recount_;
  std::unordered_map<uint64_t, bool> name_predicates_;
  // The sets spo's flags call for (AnnotationSetKey), struck off as found.
  std::unordered_set<std::string> annotated_;
  std::unique_ptr<rocksdb::Iterator> probes_[3];
};

}  // namespace

Status CheckRocksDb(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
                    const rocksdb::Snapshot* snapshot, CheckReport* report, bool legacy_stats) {
  *report = CheckReport();
  return Checker(db, families, snapshot, report, legacy_stats).Run();
}

}  // namespace quipu::storage
