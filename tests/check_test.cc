// The consistency checker (Database::Check, :check): a clean database checks
// OK, and each kind of damage, written into the column families directly
// with RocksDB, is reported with its exact message.
#include <rocksdb/db.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "core/term_id.h"
#include "quipu/database.h"
#include "repl/shell.h"
#include "storage/fact_list.h"
#include "storage/instance_set.h"
#include "storage/key_codec.h"
#include "tests/raw_db.h"
#include "tests/test_util.h"

namespace {

using quipu::PutBigEndian64;
using quipu::storage::AnnotationSetKey;
using quipu::storage::ChunkKey;
using quipu::storage::EncodeInstanceSet;
using quipu::storage::EncodeTripleKey;
using quipu::storage::FactInstance;
using quipu::storage::ListKey;
using quipu::storage::Permutation;
using quipu::storage::Triple;
using quipu::testing::RawDb;

// A list chunk of these ids (ascending) and flags.
std::string Chunk(std::vector<uint64_t> ids, std::vector<uint8_t> flags) {
  quipu::storage::ListEntries entries;
  entries.ids = std::move(ids);
  entries.annotated = std::move(flags);
  std::string value;
  quipu::storage::EncodeChunk(entries, 0, entries.size(), &value);
  return value;
}

const char kData[] =
    "insert (@ann {name: \"Ann Lee\"})-[:knows {since: 2020}]->(@bob {name: \"Bob\"});"
    "insert (@ann)-[:knows]->(@cy);";

std::string U64(uint64_t v) {
  std::string out;
  PutBigEndian64(&out, v);
  return out;
}

// A stats record; the squared-degree sums default to those of @knows (ann
// knows bob and cy: 2² over subjects, 1² + 1² over objects).
std::string Stats(uint64_t facts, uint64_t subjects, uint64_t objects, uint64_t subject_sq = 4,
                  uint64_t object_sq = 2) {
  return U64(facts) + U64(subjects) + U64(objects) + U64(subject_sq) + U64(object_sq);
}

struct Fixture {
  Fixture() {
    Reopen();
    REQUIRE(db->ExecuteScript(kData, nullptr).ok());
    db.reset();
  }
  void Reopen() {
    auto opened = quipu::Database::Open(dir.path());
    REQUIRE(opened.ok());
    db = std::move(*opened);
  }
  // Damages the closed database with `damage`, reopens it and checks it.
  std::vector<std::string> Problems(const std::function<void(RawDb&)>& damage) {
    db.reset();
    {
      RawDb raw(dir.path());
      damage(raw);
    }
    Reopen();
    auto report = db->Check();
    REQUIRE(report.ok());
    CHECK(report->problem_count == report->problems.size());
    return report->problems;
  }
  quipu::testing::TempDir dir{"check"};
  std::unique_ptr<quipu::Database> db;
};

using Problems = std::vector<std::string>;

}  // namespace

TEST_CASE("a clean database checks OK, with its counts", "[check]") {
  Fixture f;
  f.Reopen();
  auto report = f.db->Check();
  REQUIRE(report.ok());
  CHECK(report->ok());
  CHECK(report->problems.empty());
  CHECK(report->facts == 4);
  CHECK(report->instances == 4);
  // rdf:type (always there), ann, bob, cy, name, knows, since, "Ann Lee", "Bob".
  CHECK(report->terms == 9);
  CHECK(report->predicates == 2);
  CHECK(report->name_entries == 3);  // ann, lee, bob
  // Deleting keeps everything in step too, down to an empty database.
  REQUIRE(f.db->Execute("delete (@ann)-[:knows]->(@cy)").ok());
  CHECK(f.db->Check()->ok());
  REQUIRE(f.db->Execute("delete (@ann)").ok());
  REQUIRE(f.db->Execute("delete (@bob)").ok());
  report = f.db->Check();
  CHECK(report->ok());
  CHECK(report->facts == 0);
  CHECK(report->predicates == 0);
  CHECK(report->name_entries == 0);
}

TEST_CASE("a fact missing from one index is named with the index", "[check]") {
  Fixture f;
  CHECK(f.Problems([](RawDb& raw) {
    const Triple t = raw.Fact("ann", "knows", "cy");
    raw.Delete("pos_lists", ListKey(t.p, t.o));  // the list (knows, cy) held ann alone
  }) == Problems{"pos lacks the fact (@ann, @knows, @cy), which spo holds",
                 "stats of @knows say facts 2, subjects 1, objects 2; the indexes give facts 2, "
                 "subjects 1, objects 1"});
  Fixture g;
  CHECK(g.Problems([](RawDb& raw) {
    const Triple t = raw.Fact("ann", "knows", "bob");
    raw.Delete("osp_lists", ListKey(t.o, t.s));
  }) == Problems{"osp lacks the fact (@ann, @knows, @bob), which spo holds"});
  Fixture h;
  CHECK(h.Problems([](RawDb& raw) {
    // The list (ann, knows) without cy: bob alone, annotated.
    const Triple t = raw.Fact("ann", "knows", "bob");
    raw.Put("spo_lists", ListKey(t.s, t.p), Chunk({t.o}, {1}));
  }) == Problems{"spo lacks the fact (@ann, @knows, @cy), which pos holds",
                 "spo lacks the fact (@ann, @knows, @cy), which osp holds",
                 "stats of @knows say facts 2, subjects 1, objects 2; the indexes give facts 1, "
                 "subjects 1, objects 2"});
}

TEST_CASE("lists must decode and agree on flags; annotation sets go with the flags", "[check]") {
  Fixture f;
  CHECK(f.Problems([](RawDb& raw) {
    const Triple t = raw.Fact("ann", "knows", "bob");
    raw.Delete("annotation_sets", AnnotationSetKey(t));
  }) == Problems{"spo flags the fact (@ann, @knows, @bob) as annotated, but annotation_sets lacks "
                 "its instances"});
  Fixture g;
  CHECK(g.Problems([](RawDb& raw) {
    const Triple t = raw.Fact("ann", "knows", "cy");
    raw.Put("annotation_sets", AnnotationSetKey(t), EncodeInstanceSet({FactInstance{}}));
  }) == Problems{"annotation_sets holds the instances of (@ann, @knows, @cy), which spo flags as "
                 "bare"});
  Fixture h;
  CHECK(h.Problems([](RawDb& raw) {
    const Triple t = raw.Fact("ann", "knows", "cy");
    raw.Put("pos_lists", ListKey(t.p, t.o), Chunk({t.s}, {1}));
  }) == Problems{"pos flags the fact (@ann, @knows, @cy) as annotated, spo as bare"});
  Fixture i;
  CHECK(i.Problems([](RawDb& raw) {
    const Triple t = raw.Fact("ann", "knows", "bob");
    raw.Put("annotation_sets", AnnotationSetKey(t), EncodeInstanceSet({FactInstance{}}));
  }) == Problems{"the instances of (@ann, @knows, @bob) are the bare one alone"});
  Fixture j;
  CHECK(j.Problems([](RawDb& raw) {
    const Triple t = raw.Fact("ann", "knows", "cy");
    raw.Put("osp_lists", ListKey(t.o, t.s), "\x07");
  }) == Problems{"osp lacks the fact (@ann, @knows, @cy), which spo holds",
                 "osp holds a chunk of the list (@ann, _, @cy) that does not decode"});
  Fixture k;
  CHECK(k.Problems([](RawDb& raw) {
    const Triple t = raw.Fact("ann", "knows", "cy");
    raw.Put("osp_lists", ChunkKey(t.o, t.s, t.p + 1), Chunk({t.p}, {0}));
  }) == Problems{"osp holds a chunk of the list (@ann, _, @cy) keyed out of order"});
}

TEST_CASE("a wrong or missing statistics record is named with its counts", "[check]") {
  Fixture f;
  CHECK(f.Problems([](RawDb& raw) { raw.Put("stats", U64(raw.Id("knows")), Stats(5, 1, 2)); }) ==
        Problems{"stats of @knows say facts 5, subjects 1, objects 2; the indexes give facts 2, "
                 "subjects 1, objects 2"});
  Fixture g;
  CHECK(g.Problems([](RawDb& raw) { raw.Delete("stats", U64(raw.Id("name"))); }) ==
        Problems{"stats lacks the record of @name (the indexes give facts 2, subjects 2, objects "
                 "2)"});
  Fixture h;
  CHECK(h.Problems([](RawDb& raw) { raw.Put("stats", U64(raw.Id("cy")), Stats(1, 1, 1)); }) ==
        Problems{"stats holds a record for @cy (facts 1, subjects 1, objects 1), which has no "
                 "facts"});
  Fixture i;
  CHECK(i.Problems([](RawDb& raw) { raw.Put("stats", U64(raw.Id("knows")), "short"); }) ==
        Problems{"stats holds a record with a key of 8 bytes and a value of 5 (not 8 and 40)",
                 "stats lacks the record of @knows (the indexes give facts 2, subjects 1, objects "
                 "2)"});
  Fixture j;
  CHECK(j.Problems([](RawDb& raw) {
    raw.Put("stats", U64(raw.Id("knows")), Stats(2, 1, 2, 5, 3));
  }) == Problems{"stats of @knows say the squared degrees sum to 5 over subjects and 3 over "
                 "objects; the indexes give 4 and 2"});
  Fixture k;
  CHECK(k.Problems([](RawDb& raw) {
    raw.Put("stats", U64(raw.Id("knows")), Stats(2, 1, 2).substr(0, 24));  // format 4's
  }) == Problems{"stats holds a record with a key of 8 bytes and a value of 24 (not 8 and 40)",
                 "stats lacks the record of @knows (the indexes give facts 2, subjects 1, objects "
                 "2)"});
}

TEST_CASE("the dictionary must map both ways and its sequences run ahead", "[check]") {
  Fixture f;
  CHECK(f.Problems([](RawDb& raw) { raw.Delete("id2term", U64(raw.Id("cy"))); }) ==
        Problems{"term2id maps @cy to the id 0x1000000000000007, which id2term lacks",
                 "the fact (@ann, @knows, #0x1000000000000007) uses the id 0x1000000000000007, "
                 "which has no dictionary entry"});
  Fixture g;
  CHECK(g.Problems([](RawDb& raw) { raw.Delete("term2id", std::string(1, '\x01') + "cy"); }) ==
        Problems{"id2term gives the id 0x1000000000000007 to @cy, which term2id lacks"});
  Fixture h;
  CHECK(h.Problems([](RawDb& raw) { raw.Put("meta", "next_id/b", U64(3)); }) ==
        Problems{"meta next_id/b is 3, but the id 0x1000000000000007 (sequence 7) exists already"});
}

TEST_CASE("the name index must hold exactly the words of the name facts", "[check]") {
  Fixture f;
  CHECK(f.Problems([](RawDb& raw) {
    raw.Delete("names", raw.FirstKey("names", std::string("lee") + '\0'));
  }) == Problems{"names lacks the word 'lee' of the name fact (@ann, @name, \"Ann Lee\")"});
  Fixture g;
  CHECK(g.Problems([](RawDb& raw) {
    raw.Put("names",
            std::string("zed") + '\0' +
                EncodeTripleKey(Permutation::kSpo, raw.Fact("ann", "knows", "cy")),
            std::string(8, '\0'));
  }) == Problems{"names holds the word 'zed' of (@ann, @knows, @cy), which is not a word of a "
                 "name fact"});
}

TEST_CASE(":check prints ok or each problem, and fails on problems", "[check]") {
  Fixture f;
  f.Reopen();
  std::ostringstream out, err;
  {
    quipu::repl::Shell shell(f.db.get(), out, err);
    CHECK(shell.RunScript(":check", "") == quipu::repl::kExitOk);
    CHECK(out.str() == "check: ok (4 facts, 4 instances, 9 terms, 2 predicates, 3 name entries)\n");
    CHECK(err.str().empty());
    CHECK(shell.RunScript(":check now", "") == quipu::repl::kExitFailed);
    CHECK(err.str() == "error at line 1: :check takes no argument\n");
  }
  out.str(""), err.str("");
  f.Problems([](RawDb& raw) { raw.Put("stats", U64(raw.Id("knows")), Stats(5, 1, 2)); });
  quipu::repl::Shell shell(f.db.get(), out, err);
  CHECK(shell.RunScript(":check", "") == quipu::repl::kExitFailed);
  CHECK(out.str() ==
        "problem: stats of @knows say facts 5, subjects 1, objects 2; the indexes give facts 2, "
        "subjects 1, objects 2\n");
  CHECK(
      err.str() ==
      "error at line 1: check found 1 problem (4 facts, 4 instances, 9 terms, 2 predicates, 3 name "
      "entries)\n");
}
