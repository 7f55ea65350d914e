// storage/term_table: the bulk load's table of terms, through its growth,
// with keys that share prefixes, differ only in length, or are empty.
#include <catch2/catch.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/term_table.h"

using quipu::storage::TermTable;

TEST_CASE("the term table finds every term it was given, with its id, through its growth",
          "[store][term_table]") {
  TermTable table;
  std::unordered_map<std::string, uint64_t> model;
  std::vector<std::string> keys = {"", "a", "ab", std::string(1, '\0'), std::string(2, '\0')};
  for (int i = 0; i < 50000; ++i) keys.push_back("\x01http://ex.org/e" + std::to_string(i));
  for (const std::string& key : keys) {
    const uint64_t hash = TermTable::Hash(key);
    REQUIRE(table.Find(key, hash) == TermTable::kAbsent);
    const uint64_t id = (uint64_t{1} << 60) | model.size();
    const TermTable::Ref ref = table.Insert(key, hash, id);
    model.emplace(key, id);
    CHECK(table.key(ref) == key);
    CHECK(table.id(ref) == id);
  }
  CHECK(table.size() == model.size());
  for (const auto& [key, id] : model) {
    const TermTable::Ref ref = table.Find(key, TermTable::Hash(key));
    REQUIRE(ref != TermTable::kAbsent);
    CHECK(table.key(ref) == key);
    CHECK(table.id(ref) == id);
  }
  CHECK(table.Find("abc", TermTable::Hash("abc")) == TermTable::kAbsent);
  CHECK(table.Find("\x01http://ex.org/e50000", TermTable::Hash("\x01http://ex.org/e50000")) ==
        TermTable::kAbsent);
}

TEST_CASE("a term's id can be replaced, as a bulk load's commit does for provisional ids",
          "[store][term_table]") {
  TermTable table;
  const std::string key =
      "\x01"
      "company";
  const TermTable::Ref ref = table.Insert(key, TermTable::Hash(key), 7);
  table.set_id(ref, 42);
  CHECK(table.id(table.Find(key, TermTable::Hash(key))) == 42);
  CHECK(table.bytes() > 0);
}
