// The word match of `~` (query/text_match.h): every word of the pattern
// among the text's words, case and accents ignored, one edit allowed for
// pattern words of five or more code points.
#include <catch2/catch.hpp>
#include <string>

#include "query/text_match.h"

namespace quipu::query {
namespace {

bool Match(const std::string& text, const std::string& pattern) {
  return WordPattern(pattern).Matches(text);
}

TEST_CASE("one edit: an insertion, a deletion or a replacement", "[text][match]") {
  CHECK(WithinOneEdit(U"grid", U"grid"));
  CHECK(WithinOneEdit(U"grid", U"grids"));
  CHECK(WithinOneEdit(U"grids", U"grid"));
  CHECK(WithinOneEdit(U"grid", U"gird") == false);  // a swap is two edits
  CHECK(WithinOneEdit(U"grid", U"griD"));
  CHECK(WithinOneEdit(U"grid", U"xgrid"));
  CHECK(WithinOneEdit(U"grid", U"gri"));
  CHECK(WithinOneEdit(U"grid", U"gr") == false);
  CHECK(WithinOneEdit(U"", U"a"));
  CHECK(WithinOneEdit(U"perú", U"peru"));  // code points, not bytes
  CHECK(WithinOneEdit(U"abcdef", U"abXdeY") == false);
}

TEST_CASE("every pattern word must be among the text's words", "[text][match]") {
  CHECK(Match("China Southern Power Grid", "power grid"));
  CHECK(Match("China Southern Power Grid", "GRID power"));  // order does not matter
  CHECK(Match("China Southern Power Grid", "grid grid"));   // nor repeats
  CHECK_FALSE(Match("China Southern Power Grid", "power station"));
  CHECK(Match("Perú", "PERU"));
  CHECK(Match("PERU", "perú"));
  CHECK(Match("Lima's electricity distribution", "lima electricity"));
  CHECK_FALSE(Match("Lima", "lim"));  // a word is not matched by its prefix
  CHECK(Match("anything", ""));       // no words: nothing to miss
  CHECK(Match("anything", " -- "));
  CHECK_FALSE(Match("", "a"));
}

TEST_CASE("pattern words of five or more code points allow one edit", "[text][match]") {
  CHECK(Match("Dina Boluarte", "boluate"));         // deletion
  CHECK(Match("Dina Boluarte", "bolouarte"));       // insertion
  CHECK(Match("Dina Boluarte", "boluarto"));        // replacement
  CHECK_FALSE(Match("Dina Boluarte", "bolurate"));  // a swap: two edits
  CHECK(Match("Power Grid", "grids"));              // 5 code points
  CHECK_FALSE(Match("Power Grid", "powr"));         // 4: exact only
  CHECK_FALSE(Match("Power Grids", "grid"));        // 4: exact only
  CHECK(Match("José Pérez", "peres"));              // folded first, then one replacement
  CHECK(Match("Ñandú", "nandus"));
}

}  // namespace
}  // namespace quipu::query
