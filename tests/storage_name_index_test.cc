// The name index (storage/name_index.h) against a model of the stored
// facts: after random inserts and deletes of name facts and other facts
// (several instances of one triple among them), statements dropped without
// commit, bulk loads, a reopen and an upgrade from format 1, the index holds
// exactly one entry per word of every stored name fact, and nothing else.
#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "core/utf8.h"
#include "quipu/value.h"
#include "storage/name_index.h"
#include "storage/rocksdb_store.h"
#include "storage/store.h"
#include "storage/text_normalizer.h"
#include "tests/format_downgrade.h"
#include "tests/test_util.h"

namespace quipu::storage {
namespace {

using quipu::testing::TempDir;

// One index entry: word, triple, the name's distinct words and its length.
using Entry = std::tuple<std::string, uint64_t, uint64_t, uint64_t, uint32_t, uint32_t>;

// Predicates the index must follow, and some it must ignore (a plain
// `label`, an IRI ending in "name", a property that is not a name).
const std::vector<std::pair<std::string, bool>> kPredicates = {
    {"name", true},
    {"alias", true},
    {"http://www.w3.org/2000/01/rdf-schema#label", true},
    {"http://www.w3.org/2004/02/skos/core#prefLabel", true},
    {"code", false},
    {"label", false},
    {"http://example.org/name", false},
};

// Texts with accents, repeats, punctuation, none at all, and words shared
// between texts; plus objects that are no text.
std::vector<Value> Objects() {
  std::vector<Value> out;
  for (const char* text :
       {"Perú", "PERU", "Lima's electricity", "Ciudad de Lima", "Straße 5", "power grid", "Power",
        "Łódź", "", "--", "grid grid grid", "China–Peru signing ceremony"}) {
    out.emplace_back(std::string(text));
  }
  out.emplace_back(LangString{"Perú", "es"});
  out.emplace_back(LangString{"Peru", "en"});
  out.emplace_back(int64_t{42});
  out.emplace_back(Entity{"name"});
  return out;
}

class NameIndexFixture {
 public:
  NameIndexFixture() : dir_("names") { Open(StoreOptions()); }

  void Open(const StoreOptions& options) {
    Result<std::unique_ptr<Store>> store = OpenRocksDbStore(dir_.path(), options);
    INFO(store.status().message());
    REQUIRE(store.ok());
    store_ = std::move(*store);
  }
  void Close() { store_.reset(); }
  Store* store() { return store_.get(); }
  const std::string& path() const { return dir_.path(); }

  // Interns the predicates, subjects and objects once.
  void MakeTerms() {
    std::unique_ptr<WriteTxn> txn = Write();
    for (const auto& [key, is_name] : kPredicates) {
      predicates_.push_back(Intern(txn.get(), Value(Entity{key})));
      name_predicate_[predicates_.back()] = is_name;
    }
    for (int i = 0; i < 6; ++i) {
      subjects_.push_back(Intern(txn.get(), Value(Entity{"e" + std::to_string(i)})));
    }
    for (const Value& v : Objects()) {
      objects_.push_back(Intern(txn.get(), v));
      values_[objects_.back()] = v;
    }
    source_ = Intern(txn.get(), Value(Entity{"source"}));
    REQUIRE(txn->Commit().ok());
  }

  std::unique_ptr<WriteTxn> Write() {
    Result<std::unique_ptr<WriteTxn>> txn = store_->BeginWrite();
    REQUIRE(txn.ok());
    return std::move(*txn);
  }

  uint64_t Intern(WriteTxn* txn, const Value& v) {
    Result<uint64_t> id = txn->InternTerm(v);
    REQUIRE(id.ok());
    return *id;
  }

  Triple RandomTriple(std::mt19937* rng) {
    auto pick = [&](const std::vector<uint64_t>& from) {
      return from[std::uniform_int_distribution<size_t>(0, from.size() - 1)(*rng)];
    };
    return Triple{pick(subjects_), pick(predicates_), pick(objects_)};
  }

  // A random statement of inserts (with one of three annotation sets) and
  // deletes; `commit` decides whether it is kept.
  void RandomStatement(std::mt19937* rng, bool commit) {
    std::unique_ptr<WriteTxn> txn = Write();
    std::set<std::tuple<uint64_t, uint64_t, uint64_t>> model = model_;
    const int ops = std::uniform_int_distribution<int>(1, 6)(*rng);
    for (int i = 0; i < ops; ++i) {
      const Triple t = RandomTriple(rng);
      const auto key = std::tuple(t.s, t.p, t.o);
      if ((*rng)() % 3 == 0) {
        Result<size_t> removed = txn->Delete(t);
        REQUIRE(removed.ok());
        CHECK((*removed > 0) == (model.count(key) > 0));
        model.erase(key);
      } else {
        Annotations annotations;
        if (const uint64_t a = (*rng)() % 3; a > 0) annotations.emplace_back(source_, objects_[a]);
        REQUIRE(txn->Insert(t, annotations).ok());
        model.insert(key);
      }
    }
    if (commit) {
      REQUIRE(txn->Commit().ok());
      model_ = std::move(model);
    }
  }

  // A bulk load of random triples and of new name texts; kept when `commit`.
  void RandomBulkLoad(std::mt19937* rng, int facts, bool commit) {
    Result<std::unique_ptr<BulkLoad>> bulk = store_->BeginBulkLoad();
    REQUIRE(bulk.ok());
    std::vector<Triple> added;
    std::vector<std::pair<uint64_t, Value>> texts;
    for (int i = 0; i < facts; ++i) {
      Triple t = RandomTriple(rng);
      if (i % 4 == 0) {  // a text no statement has seen
        const Value text(std::string("Bulk Ñandú ") + std::to_string(bulk_texts_++));
        Result<uint64_t> id = (*bulk)->InternTerm(text);
        REQUIRE(id.ok());
        t.o = *id;
        texts.emplace_back(t.o, text);
      }
      REQUIRE((*bulk)->Add(t, {}).ok());
      added.push_back(t);
    }
    if (!commit) return;
    REQUIRE((*bulk)->Commit().ok());
    // InternTerm's ids may have been provisional: the stored ones are FinalId's.
    for (const auto& [id, text] : texts) values_[(*bulk)->FinalId(id)] = text;
    for (const Triple& t : added) model_.emplace(t.s, t.p, (*bulk)->FinalId(t.o));
  }

  // What the index must hold for the stored facts.
  std::set<Entry> Expected() const {
    std::set<Entry> out;
    for (const auto& [s, p, o] : model_) {
      const Value& v = values_.at(o);
      if (!name_predicate_.at(p)) continue;
      if (v.type() != Value::Type::kString && v.type() != Value::Type::kLangString) continue;
      const std::string& text =
          v.type() == Value::Type::kString ? v.as_string() : v.as_lang_string().text;
      std::set<std::string> words;
      for (const std::string& w : TextWords(text)) words.insert(w);
      for (const std::string& w : words) {
        out.emplace(w, s, p, o, static_cast<uint32_t>(words.size()),
                    static_cast<uint32_t>(CodePointCount(text)));
      }
    }
    return out;
  }

  // The index as FindNames reads it: per word of `words`, and in total.
  void CheckIndex() {
    const std::set<Entry> expected = Expected();
    std::set<std::string> words;
    for (const Entry& e : expected) words.insert(std::get<0>(e));
    for (const auto& [id, v] : values_) {
      if (v.type() == Value::Type::kString) {
        for (const std::string& w : TextWords(v.as_string())) words.insert(w);
      }
    }
    std::unique_ptr<ReadView> view = store_->BeginRead();
    std::set<Entry> actual;
    std::vector<NameMatch> matches;
    for (const std::string& w : words) {
      matches.clear();
      REQUIRE(view->FindNames(w, /*prefix=*/false, &matches).ok());
      for (const NameMatch& m : matches) {
        CHECK(m.whole_word);
        actual.emplace(w, m.entity, m.predicate, m.name, m.name_words, m.name_length);
      }
    }
    CHECK(actual == expected);
    matches.clear();
    REQUIRE(view->FindNames("", /*prefix=*/true, &matches).ok());
    CHECK(matches.size() == expected.size());  // no entry under any other word
  }

  size_t stored_facts() const { return model_.size(); }

 private:
  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::vector<uint64_t> subjects_, predicates_, objects_;
  std::map<uint64_t, bool> name_predicate_;
  std::map<uint64_t, Value> values_;
  uint64_t source_ = 0;
  int bulk_texts_ = 0;
  std::set<std::tuple<uint64_t, uint64_t, uint64_t>> model_;
};

// Rewrites the database as format 1 had it: no `names` family (or, with
// `leftover`, one holding a stray key, as an upgrade that crashed leaves it),
// instances in spo order and format_version 1.
void DowngradeToFormat1(const std::string& path, bool leftover) {
  quipu::testing::DowngradeOptions options;
  options.version = 1;
  options.leftover_names = leftover;
  quipu::testing::DowngradeDatabase(path, options);
}

TEST_CASE("the name index equals the stored name facts after every statement", "[store][names]") {
  NameIndexFixture f;
  f.MakeTerms();
  std::mt19937 rng(20240628);
  for (int i = 0; i < 300; ++i) {
    const bool commit = rng() % 5 != 0;  // every fifth statement is dropped
    f.RandomStatement(&rng, commit);
    f.CheckIndex();
  }
  CHECK(f.stored_facts() > 20);
  f.Close();
  f.Open(StoreOptions());
  f.CheckIndex();
}

TEST_CASE("bulk loads add the index entries of their new name facts", "[store][names][bulk]") {
  NameIndexFixture f;
  f.MakeTerms();
  std::mt19937 rng(7);
  for (int i = 0; i < 40; ++i) f.RandomStatement(&rng, true);
  f.RandomBulkLoad(&rng, 200, /*commit=*/false);  // destroyed: leaves nothing
  f.CheckIndex();
  f.RandomBulkLoad(&rng, 200, /*commit=*/true);
  f.CheckIndex();
  for (int i = 0; i < 40; ++i) f.RandomStatement(&rng, true);  // deletes of loaded facts too
  f.CheckIndex();
  f.RandomBulkLoad(&rng, 100, /*commit=*/true);
  f.Close();
  f.Open(StoreOptions());
  f.CheckIndex();
}

TEST_CASE("a format-1 database gets its name index on its first writable open",
          "[store][names][open]") {
  NameIndexFixture f;
  f.MakeTerms();
  std::mt19937 rng(11);
  for (int i = 0; i < 80; ++i) f.RandomStatement(&rng, true);
  f.Close();
  for (const bool leftover : {false, true}) {
    DowngradeToFormat1(f.path(), leftover);
    StoreOptions read_only;
    read_only.read_only = true;
    Result<std::unique_ptr<Store>> refused = OpenRocksDbStore(f.path(), read_only);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message() ==
          "cannot open database '" + f.path() +
              "': format 1 is older than this build's format 5; open it once for writing to "
              "upgrade it (the shell: quipu DIR, without --read-only)");
    f.Open(StoreOptions());
    f.CheckIndex();
    f.Close();
    f.Open(read_only);  // format 3 now
    f.CheckIndex();
    f.Close();
  }
}

TEST_CASE("a format-2 database without the names family is refused", "[store][names][open]") {
  NameIndexFixture f;
  f.Close();
  quipu::testing::DowngradeDatabase(f.path(), quipu::testing::DowngradeOptions());
  quipu::testing::EditRaw(f.path(),
                          [](rocksdb::DB* raw, const quipu::testing::RawFamilies& families) {
                            REQUIRE(raw->DropColumnFamily(families.at("names")).ok());
                          });
  Result<std::unique_ptr<Store>> store = OpenRocksDbStore(f.path(), StoreOptions());
  REQUIRE_FALSE(store.ok());
  CHECK(store.status().message() == "cannot open database '" + f.path() +
                                        "': not a Quipu database (column family 'names' is "
                                        "missing)");
}

}  // namespace
}  // namespace quipu::storage
