#include "storage/checker.h"

#include <fmt/format.h>

#include <map>
#include <unordered_map>
#include <unordered_set>

#include "core/term_id.h"
#include "storage/key_codec.h"
#include "storage/name_index.h"
#include "storage/rocksdb_store.h"

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

// Counts recomputed from the indexes, per predicate.
struct Recount {
  uint64_t facts = 0, subjects = 0, objects = 0;
};

class Checker {
 public:
  Checker(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
          const rocksdb::Snapshot* snapshot, CheckReport* report)
      : db_(db), families_(families), report_(report) {
    options_.snapshot = snapshot;
    options_.total_order_seek = true;  // whole-family scans ignore prefix blooms
  }

  Status Run() {
    if (Status s = CheckDictionary(); !s.ok()) return s;
    if (Status s = CheckSpo(); !s.ok()) return s;
    if (Status s = CheckOtherIndex(Permutation::kPos); !s.ok()) return s;
    if (Status s = CheckOtherIndex(Permutation::kOsp); !s.ok()) return s;
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

  // Checks the instances of the triple whose pos key (kInstanceOrder) is
  // `triple_key`, moving `it` past them; instances before it have no triple.
  void CheckInstances(rocksdb::Iterator* it, const rocksdb::Slice* triple_key, const Triple& t) {
    size_t found = 0;
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != kInstanceKeySize) {
        Problem(fmt::format("annotations holds a key of {} bytes, not {}", key.size(),
                            kInstanceKeySize));
        continue;
      }
      const rocksdb::Slice prefix(key.data(), kTripleKeySize);
      const int order = triple_key == nullptr ? -1 : prefix.compare(*triple_key);
      if (order > 0) break;
      ++report_->instances;
      const Triple owner = DecodeTripleKey(kInstanceOrder, key.data());
      const uint64_t hash = GetBigEndian64(key.data() + kTripleKeySize);
      if (order < 0) {
        Problem(fmt::format("annotations holds an instance (hash {}) of {}, which pos lacks",
                            Hex(hash), Fact(owner)));
        continue;
      }
      ++found;
      Annotations annotations;
      if (!DecodeAnnotations(it->value().data(), it->value().size(), &annotations)) {
        Problem(fmt::format("the instance {} of {} has annotations of {} bytes, not pairs of ids",
                            Hex(hash), Fact(t), it->value().size()));
        continue;
      }
      bool sorted = true;
      for (size_t i = 1; i < annotations.size(); ++i) {
        sorted = sorted && annotations[i - 1].first < annotations[i].first;
      }
      if (!sorted) {
        Problem(fmt::format("the instance {} of {} has annotation keys out of order or repeated",
                            Hex(hash), Fact(t)));
      } else if (AnnotationsHash(annotations) != hash) {
        Problem(fmt::format("the instance {} of {} is keyed by a hash its annotations do not have",
                            Hex(hash), Fact(t)));
      }
      for (const auto& [k, v] : annotations) {
        for (uint64_t id : {k, v}) {
          if (std::string bad = BadId(id); !bad.empty()) {
            Problem(fmt::format("an annotation of {} uses {}", Fact(t), bad));
          }
        }
      }
    }
    if (triple_key != nullptr && found == 0) {
      Problem(fmt::format("pos holds {}, which has no instance in annotations", Fact(t)));
    }
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

  Status CheckSpo() {
    auto it = Iterate(kSpo);
    uint64_t last_s = 0, last_p = 0;
    bool first = true;
    std::string value;
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != kTripleKeySize) {
        Problem(fmt::format("spo holds a key of {} bytes, not {}", key.size(), kTripleKeySize));
        continue;
      }
      ++report_->facts;
      const Triple t = DecodeTripleKey(Permutation::kSpo, key.data());
      CheckIds(t, "the fact");
      for (Permutation perm : {Permutation::kPos, Permutation::kOsp}) {
        const Family family = static_cast<Family>(kSpo + static_cast<int>(perm));
        Result<bool> found = Get(family, EncodeTripleKey(perm, t), &value);
        if (!found.ok()) return found.status();
        if (!*found) {
          Problem(
              fmt::format("{} lacks the fact {}, which spo holds", kFamilyNames[family], Fact(t)));
        }
      }
      Recount& r = recount_[t.p];
      ++r.facts;
      if (first || t.s != last_s || t.p != last_p) ++r.subjects;
      first = false;
      last_s = t.s, last_p = t.p;
      if (families_[kNames] == nullptr) continue;
      Result<KeyValues> entries = NameEntries(t);
      if (!entries.ok()) return entries.status();
      for (const auto& [name_key, name_value] : *entries) {
        Result<bool> found = Get(kNames, name_key, &value);
        if (!found.ok()) return found.status();
        const std::string word = name_key.substr(0, name_key.size() - kTripleKeySize - 1);
        if (!*found) {
          Problem(fmt::format("names lacks the word '{}' of the name fact {}", word, Fact(t)));
        } else if (value != name_value) {
          Problem(
              fmt::format("names holds the word '{}' of the name fact {} with the wrong "
                          "word count or length",
                          word, Fact(t)));
        }
      }
    }
    return FromRocks(it->status(), "check: read failed");
  }

  // pos or osp: every key's triple is in spo; pos also recounts objects and
  // walks the instances alongside (both in pos order).
  Status CheckOtherIndex(Permutation perm) {
    static_assert(kInstanceOrder == Permutation::kPos);
    const Family family = static_cast<Family>(kSpo + static_cast<int>(perm));
    std::unique_ptr<rocksdb::Iterator> instances;
    if (perm == Permutation::kPos) instances = Iterate(kInstances);
    auto it = Iterate(family);
    uint64_t last_p = 0, last_o = 0;
    bool first = true;
    std::string value;
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.size() != kTripleKeySize) {
        Problem(fmt::format("{} holds a key of {} bytes, not {}", kFamilyNames[family], key.size(),
                            kTripleKeySize));
        continue;
      }
      const Triple t = DecodeTripleKey(perm, key.data());
      Result<bool> found = Get(kSpo, EncodeTripleKey(Permutation::kSpo, t), &value);
      if (!found.ok()) return found.status();
      if (!*found) {
        CheckIds(t, "the fact");
        Problem(
            fmt::format("spo lacks the fact {}, which {} holds", Fact(t), kFamilyNames[family]));
      }
      if (perm != Permutation::kPos) continue;
      if (first || t.p != last_p || t.o != last_o) ++recount_[t.p].objects;
      first = false;
      last_p = t.p, last_o = t.o;
      CheckInstances(instances.get(), &key, t);
    }
    if (!it->status().ok()) return FromRocks(it->status(), "check: read failed");
    if (instances == nullptr) return Status::Ok();
    CheckInstances(instances.get(), nullptr, Triple{});  // the rest have no triple
    return FromRocks(instances->status(), "check: read failed");
  }

  Status CheckStats() {
    std::map<uint64_t, Recount> unseen(recount_.begin(), recount_.end());
    auto it = Iterate(kStats);
    for (; it->Valid(); it->Next()) {
      const rocksdb::Slice key = it->key(), value = it->value();
      if (key.size() != 8 || value.size() != 24) {
        Problem(
            fmt::format("stats holds a record with a key of {} bytes and a value of {} (not "
                        "8 and 24)",
                        key.size(), value.size()));
        continue;
      }
      ++report_->predicates;
      const uint64_t p = GetBigEndian64(key.data());
      const Recount stored{GetBigEndian64(value.data()), GetBigEndian64(value.data() + 8),
                           GetBigEndian64(value.data() + 16)};
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
      if (key.size() < kTripleKeySize + 2 || key[key.size() - kTripleKeySize - 1] != '\0') {
        Problem(fmt::format("names holds a malformed key {}", it->key().ToString(true)));
        continue;
      }
      const std::string word(key.substr(0, key.size() - kTripleKeySize - 1));
      const Triple t = DecodeTripleKey(Permutation::kSpo, key.data() + word.size() + 1);
      Result<bool> stored = Get(kSpo, EncodeTripleKey(Permutation::kSpo, t), &value);
      if (!stored.ok()) return stored.status();
      if (!*stored) {
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
  rocksdb::ReadOptions options_;
  std::unordered_set<uint64_t> dictionary_ids_;
  std::unordered_map<uint64_t, Recount> recount_;
  std::unordered_map<uint64_t, bool> name_predicates_;
};

}  // namespace

Status CheckRocksDb(rocksdb::DB* db, const std::vector<rocksdb::ColumnFamilyHandle*>& families,
                    const rocksdb::Snapshot* snapshot, CheckReport* report) {
  *report = CheckReport();
  return Checker(db, families, snapshot, report).Run();
}

}  // namespace quipu::storage
